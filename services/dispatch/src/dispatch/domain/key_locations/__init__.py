"""Key secrecy locations as dispatch keeps them (flow 4, SR-9 → WO-12).

Stream `key-location-<location>`, fed by the registry's `KeyLocationRegistered` and
`KeyLocationEntryListChanged`. An order whose `location` is a registered key location's
id is an order at that key location.
"""

from dataclasses import dataclass
from typing import Any, ClassVar

from opsledger.decider import Aggregate, DecisionContext, Event, PrivateEvent, changed
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from pydantic import Field


class KeyLocationNoted(PrivateEvent):
    """The registry's key location and its entry list as they now stand."""

    event_type: ClassVar[str] = "KeyLocationNoted"
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "KeyLocation"

    location_id: str = Field(min_length=1, max_length=64)
    entry_list: list[str] = Field(max_length=500)


PRIVATE_EVENTS = (KeyLocationNoted,)


@dataclass(frozen=True)
class KeyLocationState:
    location_id: str = ""
    site_id: str = ""
    entry_list: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NoteKeyLocation:
    site_id: str
    location_id: str
    entry_list: list[str]


def key_location_stream(location_id: str) -> str:
    return f"key-location-{location_id}"


def evolve(state: KeyLocationState, event: Event) -> KeyLocationState:
    match event.payload:
        case KeyLocationNoted() as e:
            return changed(
                state,
                location_id=e.location_id,
                site_id=event.site_id,
                entry_list=frozenset(e.entry_list),
            )
    return state


def decide(
    state: KeyLocationState, command: NoteKeyLocation, ctx: DecisionContext
) -> list[EventPayload]:
    return [
        KeyLocationNoted(location_id=command.location_id, entry_list=sorted(command.entry_list))
    ]


def _stream_id(command: Any) -> str:
    return key_location_stream(command.location_id)


KEY_LOCATION: Aggregate[KeyLocationState, NoteKeyLocation] = Aggregate(
    stream_type="KeyLocation",
    stream_prefix="key-location-",
    initial=KeyLocationState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={NoteKeyLocation: (SYSTEM_ONLY, decide)},  # inbound: the registry's events
    creates=frozenset({NoteKeyLocation}),
)
