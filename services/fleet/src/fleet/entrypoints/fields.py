"""Validated request field types shared by fleet's HTTP routes (each names its rule)."""

from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar

from opsledger.bodies import CommandBody
from opsledger.fields import Month, SiteId
from opsledger.http import rule
from pydantic import BaseModel, ConfigDict, Field

Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
StaffId = Annotated[str, Field(min_length=1, max_length=64)]
Km = Annotated[
    Decimal,
    Field(
        ge=0,
        le=Decimal("9999999.9"),
        max_digits=9,
        decimal_places=1,
        json_schema_extra=rule("FL-2"),
        description="Odometer or distance in km (0.1)",
    ),
]
Litres = Annotated[
    Decimal,
    Field(gt=0, le=1000, max_digits=6, decimal_places=2, json_schema_extra=rule("FL-6")),
]
Text = Annotated[str, Field(min_length=1, max_length=1000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]

# Sites and months are the kernel's (opsledger.fields): derived ids fit, no year 0.
__all__ = [
    "FIELD_TYPES",
    "Body",
    "FleetBody",
    "Ident",
    "Km",
    "Litres",
    "Month",
    "Reason",
    "Short",
    "SiteId",
    "StaffId",
    "Text",
]


class Body(BaseModel):
    """Request bodies reject unknown fields."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Reason(Body):
    reason: Text


def _rule(kind: Any, rule_id: str) -> Any:
    return Annotated[kind, Field(json_schema_extra=rule(rule_id))]


# One validated type per command field name, for commands whose fields are plain:
# a command's body (`FleetBody[Cmd, Literal["path_field"]]`) takes its limits from here.
FIELD_TYPES: dict[str, Any] = {
    "site_id": SiteId,
    "vehicle_id": Ident,
    "fault_id": Ident,
    "plate": Annotated[str, Field(min_length=1, max_length=20)],
    "model": Annotated[str, Field(min_length=1, max_length=40, json_schema_extra=rule("FL-5"))],
    "unit": _rule(Short, "FL-2"),
    "parking_place": _rule(Short, "FL-3"),
    "odometer_km": Km,
    "odometer_out_km": Km,
    "driver_id": _rule(StaffId, "FL-1"),
    "subject": _rule(StaffId, "FL-10"),
    "person": StaffId,
    "correction_id": Ident,
    "target_id": Ident,
    "amount_fen": Annotated[int, Field(strict=True, ge=0, le=100_000_000)],
    "description": Text,
    "note": Text,
    "reason": Text,
    "disposal": Annotated[Literal["sold", "scrapped"], Field(json_schema_extra=rule("FL-11"))],
    "shop": _rule(Short, "FL-4"),
}

C = TypeVar("C")
P = TypeVar("P")


class FleetBody(CommandBody[C, P]):
    """The HTTP body of a fleet command, its plain fields typed by `FIELD_TYPES`."""

    types = FIELD_TYPES
