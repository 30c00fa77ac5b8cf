"""The field vocabulary of carrier and key-location bodies: the registry's own, with the
names whose meaning differs for carriers (scope is a list, purpose read/use, …)."""

from typing import Annotated, Any, Literal, TypeVar

from opsledger.bodies import CommandBody
from opsledger.http import rule
from pydantic import Field

from secrets_registry.entrypoints.fields import FIELD_TYPES, Ident, Short, Text


def _rule(kind: Any, rule_id: str) -> Any:
    return Annotated[kind, Field(json_schema_extra=rule(rule_id))]


Idents = list[Ident]
CARRIER_FIELDS: dict[str, Any] = {
    **FIELD_TYPES,
    "copy_id": Ident,
    "by_product_id": _rule(Ident, "SR-11"),
    "by_product_kind": _rule(Literal["draft", "misprint", "proof", "waste"], "SR-11"),
    "location_id": Ident,
    "action_id": _rule(Ident, "SR-12"),
    "inventory_id": _rule(Ident, "SR-17"),
    "title": _rule(Annotated[str, Field(min_length=1, max_length=300)], "SR-11"),
    "kind": _rule(Annotated[str, Field(min_length=1, max_length=32)], "SR-11"),
    "name": Short,
    "originator": _rule(Short, "SR-11"),
    "retention_years": _rule(Annotated[int, Field(strict=True, ge=1, le=100)], "SR-11"),
    "copies": _rule(Annotated[int, Field(strict=True, ge=1, le=10000)], "SR-11"),
    "count": _rule(Annotated[int, Field(strict=True, ge=1, le=10000)], "SR-19"),
    "scope": _rule(Annotated[Idents, Field(min_length=1, max_length=50)], "SR-13"),
    "add": _rule(Annotated[Idents, Field(max_length=50)], "SR-13"),
    "remove": _rule(Annotated[Idents, Field(max_length=50)], "SR-13"),
    "sources": _rule(Annotated[Idents, Field(min_length=1, max_length=50)], "SR-15"),
    "consents": _rule(Annotated[list[Short], Field(max_length=20)], "SR-15"),
    "present": _rule(Annotated[Idents, Field(max_length=10000)], "SR-17"),
    "entry_list": _rule(Annotated[Idents, Field(max_length=500)], "SR-9"),
    "purpose": _rule(Literal["read", "use"], "SR-13"),
    "produced_at": _rule(Annotated[str, Field(min_length=1, max_length=32)], "SR-11"),
    "received_from": _rule(Short, "SR-12"),
    "destination": _rule(Short, "SR-12"),
    "package_no": _rule(Ident, "SR-12"),
    "place": _rule(Short, "SR-19"),
    "approval_ref": _rule(Short, "SR-14"),
    "work": _rule(Text, "SR-9"),
}

C = TypeVar("C")
P = TypeVar("P")


class CarrierBody(CommandBody[C, P]):
    """The HTTP body of a carrier or key-location command, typed by `CARRIER_FIELDS`."""

    types = CARRIER_FIELDS
