"""Private events of a key location's stream (SR-9): its name, entries, exits, breaches.

Registration and entry-list changes are the published contracts
(`KeyLocationRegistered`, `KeyLocationEntryListChanged`: flow 4, dispatch's WO-12);
who went in and out, and when, stays here.
"""

from typing import ClassVar

from opsledger.decider import PrivateEvent
from pydantic import Field


class _LocationEvent(PrivateEvent):
    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "KeyLocation"

    location_id: str = Field(min_length=1, max_length=64)


class KeyLocationDescribed(_LocationEvent):
    """What the key department or location is (kept private: a name may say too much)."""

    event_type: ClassVar[str] = "KeyLocationDescribed"

    name: str = Field(min_length=1, max_length=200)
    kind: str = Field(min_length=1, max_length=32)


class KeyLocationEntered(_LocationEvent):
    """A person entered (SR-9 rev.: every entry is recorded)."""

    event_type: ClassVar[str] = "KeyLocationEntered"

    person_id: str = Field(min_length=1, max_length=200)
    work: str | None = Field(default=None, max_length=500)


class KeyLocationLeft(_LocationEvent):
    """A person left (every exit is recorded)."""

    event_type: ClassVar[str] = "KeyLocationLeft"

    person_id: str = Field(min_length=1, max_length=200)


class KeyLocationOccupiedAlone(_LocationEvent):
    """SR-9 rev.2 breach: one person alone inside (「兩人同時工作制」)."""

    event_type: ClassVar[str] = "KeyLocationOccupiedAlone"

    person_id: str = Field(min_length=1, max_length=200)


LOCATION_EVENTS: tuple[type[PrivateEvent], ...] = (
    KeyLocationDescribed,
    KeyLocationEntered,
    KeyLocationLeft,
    KeyLocationOccupiedAlone,
)
