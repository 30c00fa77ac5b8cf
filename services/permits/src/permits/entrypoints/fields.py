"""Validated request field types shared by permits' HTTP routes (each names its rule)."""

from typing import Annotated, Any, Literal, TypeVar

from opsledger.bodies import CommandBody
from opsledger.fields import SiteId, StrictDate
from opsledger.http import rule
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")]
StaffId = Annotated[str, Field(min_length=1, max_length=64)]
Text = Annotated[str, Field(min_length=1, max_length=1000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]
Fen = Annotated[StrictInt, Field(ge=0, le=100_000_000, json_schema_extra=rule("RP-3"))]

__all__ = [
    "FIELD_TYPES",
    "Body",
    "Fen",
    "Ident",
    "PermitBody",
    "Short",
    "SiteId",
    "StaffId",
    "Text",
]


class Body(BaseModel):
    """Request bodies reject unknown fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _rule(kind: Any, rule_id: str) -> Any:
    return Annotated[kind, Field(json_schema_extra=rule(rule_id))]


# One validated type per command field name: a command's body
# (`PermitBody[Cmd, Literal["permit_id"]]`) takes its limits from here.
FIELD_TYPES: dict[str, Any] = {
    "site_id": SiteId,
    "permit_id": Ident,
    "unit_id": Ident,
    "change_id": _rule(Ident, "RP-9"),
    "reason": Text,
    "note": Text,
    "findings": _rule(Text, "RP-2"),
    "passed": _rule(StrictBool, "RP-2"),
    "description": _rule(Text, "RP-9"),
    "change_on": _rule(StrictDate, "RP-9"),
    "approve": _rule(StrictBool, "RP-9"),
    "kind": _rule(Ident, "RP-3"),
    "amount_fen": Fen,
    "receipt_no": _rule(Ident, "RP-3"),
    "paid_by": _rule(Literal["owner", "contractor"], "RP-11"),
    "finished_on": _rule(StrictDate, "RP-11"),
    "as_built_copies": Annotated[StrictInt, Field(ge=0, le=100, json_schema_extra=rule("RP-11"))],
    "deposit_receipt_copy": _rule(StrictBool, "RP-11"),
    "customer_service_inspector": _rule(StaffId, "RP-11"),
    "defects": _rule(Text | None, "RP-11"),
    "rectify_by": _rule(StrictDate | None, "RP-11"),
    "certificate_no": _rule(Ident | None, "RP-11"),
    "reference": _rule(Ident, "RP-11"),
}

C = TypeVar("C")
P = TypeVar("P")


class PermitBody(CommandBody[C, P]):
    """The HTTP body of a permits command, its plain fields typed by `FIELD_TYPES`."""

    types = FIELD_TYPES
