"""Validated request field types shared by the registry's HTTP routes (each names its rule)."""

import re
from typing import Annotated, Any, TypeVar

from opsledger.bodies import CommandBody
from opsledger.fields import Month, SiteId, StrictDate
from opsledger.http import rule
from pydantic import BeforeValidator, Field

Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=2000)]
Short = Annotated[str, Field(min_length=1, max_length=200)]

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day_only(value: Any) -> Any:
    """A date is YYYY-MM-DD and nothing more: the kernel's StrictDate also takes
    "2026-12-07T00:00:00", a time that could hide a zone's shift of the day."""
    if isinstance(value, str) and not _DAY.fullmatch(value):
        raise ValueError("a date is YYYY-MM-DD")
    return value


Day = Annotated[StrictDate, BeforeValidator(_day_only)]
_DATES = [
    "signed_on",
    "vetted_on",
    "held_on",
    "entered_on",
    "departs_on",
    "returns_on",
    "intended_on",
    "left_on",
    "until",
    "urged_on",
    "answered_on",
    "referred_on",
    "handed_on",
]

__all__ = ["FIELD_TYPES", "Day", "Ident", "Month", "RegistryBody", "Short", "SiteId", "Text"]


def _rule(kind: Any, rule_id: str) -> Any:
    return Annotated[kind, Field(json_schema_extra=rule(rule_id))]


# One validated type per command field name: a command's body
# (`RegistryBody[Cmd, Literal["path_field"]]`) takes its limits from here.
FIELD_TYPES: dict[str, Any] = {
    "site_id": SiteId,
    "person_id": Ident,
    "carrier_id": Ident,
    "record_id": Ident,
    "pledge_id": Ident,
    "travel_id": Ident,
    "application_id": Ident,
    "to_person": Ident,
    "scope": Ident,
    "department": _rule(Short, "SR-1"),
    "post": _rule(Short, "SR-1"),
    "filing_no": _rule(Ident, "SR-1"),
    "record_no": _rule(Ident, "SR-18"),
    "key_locations": Annotated[list[Ident], Field(max_length=100, json_schema_extra=rule("SR-9"))],
    "registers": Annotated[
        list[Ident], Field(min_length=1, max_length=50, json_schema_extra=rule("SR-18"))
    ],
    "destination": _rule(Short, "SR-8"),
    "authority": _rule(Short, "SR-5"),
    "topic": _rule(Text, "SR-4"),
    "result": _rule(Text, "SR-4"),
    "month": _rule(Month, "SR-10"),
    "reason": Text,
    "opinion": Text,
    "note": Text,
    "purpose": Text,
    "file_note": _rule(Text, "SR-6"),
    **dict.fromkeys(_DATES, Day),
}

C = TypeVar("C")
P = TypeVar("P")


class RegistryBody(CommandBody[C, P]):
    """The HTTP body of a registry command, its plain fields typed by `FIELD_TYPES`."""

    types = FIELD_TYPES
