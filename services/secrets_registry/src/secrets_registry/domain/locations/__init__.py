"""Key departments and locations (保密要害部門部位, SR-9): entry list, entries, exits, and
the two-people-at-the-same-time rule whose breach is an event."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, assert_never

from opsledger.appendlog import HistoryLog
from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from opsledger_contracts.events.secrets_registry import (
    KeyLocationEntryListChanged,
    KeyLocationRegistered,
)

from secrets_registry.domain.clearance import Clearance
from secrets_registry.domain.locations import events as ev
from secrets_registry.domain.roles import COMMITTEE, OFFICER
from secrets_registry.domain.twoperson import Requirement, problem


def location_stream(location_id: str) -> str:
    return f"key-location-{location_id}"


@dataclass(frozen=True)
class Passage:
    person_id: str
    entered: bool
    at: datetime
    alone: bool = False


@dataclass(frozen=True)
class LocationState:
    location_id: str = ""
    site_id: str = ""
    name: str = ""
    kind: str = ""
    entry_list: frozenset[str] = frozenset()
    inside: tuple[str, ...] = ()
    breaches: int = 0
    passages: HistoryLog[Passage] = field(default_factory=HistoryLog)

    def need(self) -> Requirement:
        """SR-9: who may work inside: on the list, vetted, trained, pledged."""
        return Requirement("SR-9", entry_list=self.entry_list)


@dataclass(frozen=True)
class RegisterKeyLocation:
    site_id: str
    location_id: str
    name: str
    kind: Literal["department", "location"]
    entry_list: tuple[str, ...]


@dataclass(frozen=True)
class ChangeEntryList:
    site_id: str
    location_id: str
    entry_list: tuple[str, ...]


@dataclass(frozen=True)
class RecordEntry:
    """An entry, decided with the person's clearance read from their stream."""

    location_id: str
    person_id: str
    person: Clearance | None


@dataclass(frozen=True)
class RecordExit:
    site_id: str
    location_id: str
    person_id: str


@dataclass(frozen=True)
class RecordPairEntry:
    """Two people, both confirmed at the choke point, enter together to work."""

    location_id: str
    people: tuple[str, str]
    work: str


LocationCommand = RegisterKeyLocation | ChangeEntryList | RecordEntry | RecordExit | RecordPairEntry


def evolve(state: LocationState, event: Event) -> LocationState:
    payload = event.payload
    match payload:
        case KeyLocationRegistered() as e:
            return changed(
                state,
                location_id=e.location_id,
                site_id=event.site_id,
                entry_list=frozenset(e.entry_list),
            )
        case KeyLocationEntryListChanged() as e:
            return changed(state, entry_list=frozenset(e.entry_list))
        case ev.KeyLocationDescribed() as e:
            return changed(state, name=e.name, kind=e.kind)
        case ev.KeyLocationEntered() as e:
            passage = Passage(e.person_id, True, event.occurred_at)
            inside = (*state.inside, e.person_id)
            return changed(state, inside=inside, passages=state.passages.append(passage))
        case ev.KeyLocationLeft() as e:
            passage = Passage(e.person_id, False, event.occurred_at)
            inside = tuple(p for p in state.inside if p != e.person_id)
            return changed(state, inside=inside, passages=state.passages.append(passage))
        case ev.KeyLocationOccupiedAlone() as e:
            alone = Passage(e.person_id, e.person_id in state.inside, event.occurred_at, True)
            return changed(
                state, breaches=state.breaches + 1, passages=state.passages.append(alone)
            )
        case _:
            return state


def _alone(location_id: str, inside: tuple[str, ...]) -> list[EventPayload]:
    """SR-9 rev.2: one person alone inside is a breach, recorded as it happens."""
    if len(inside) == 1:
        return [ev.KeyLocationOccupiedAlone(location_id=location_id, person_id=inside[0])]
    return []


def _refuse(message: str, field: str | None = None) -> DomainError:
    return DomainError("SR-9", message, field=field)


def decide(
    state: LocationState, command: LocationCommand, ctx: DecisionContext
) -> list[EventPayload]:
    match command:
        case RegisterKeyLocation():
            return [
                KeyLocationRegistered(
                    location_id=command.location_id, entry_list=sorted(set(command.entry_list))
                ),
                ev.KeyLocationDescribed(
                    location_id=command.location_id, name=command.name, kind=command.kind
                ),
            ]
        case ChangeEntryList():
            if frozenset(command.entry_list) == state.entry_list:
                raise _refuse("the entry list is unchanged", "entry_list")
            return [
                KeyLocationEntryListChanged(
                    location_id=state.location_id, entry_list=sorted(set(command.entry_list))
                )
            ]
        case RecordEntry():
            if command.person_id in state.inside:
                raise _refuse(f"{command.person_id} is already inside", "person_id")
            why = problem(
                command.person_id, command.person, state.need(), ctx.site.local_date(ctx.now)
            )
            if why is not None:
                raise _refuse(f"entry refused: {why}", "person_id")
            entered = ev.KeyLocationEntered(
                location_id=state.location_id, person_id=command.person_id
            )
            return [entered, *_alone(state.location_id, (*state.inside, command.person_id))]
        case RecordExit():
            if command.person_id not in state.inside:
                raise _refuse(f"{command.person_id} is not inside", "person_id")
            left = ev.KeyLocationLeft(location_id=state.location_id, person_id=command.person_id)
            remaining = tuple(p for p in state.inside if p != command.person_id)
            return [left, *_alone(state.location_id, remaining)]
        case RecordPairEntry():
            already = [p for p in command.people if p in state.inside]
            if already:
                raise _refuse(f"{already[0]} is already inside", "action_id")
            return [
                ev.KeyLocationEntered(location_id=state.location_id, person_id=p, work=command.work)
                for p in command.people
            ]
        case _:
            assert_never(command)


def _stream_id(command: Any) -> str:
    return location_stream(command.location_id)


KEY_LOCATION: Aggregate[LocationState, LocationCommand] = Aggregate(
    stream_type="KeyLocation",
    stream_prefix="key-location-",
    initial=LocationState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        RegisterKeyLocation: (COMMITTEE | OFFICER, decide),
        ChangeEntryList: (COMMITTEE | OFFICER, decide),
        RecordEntry: (SYSTEM_ONLY, decide),
        RecordExit: (OFFICER, decide),
        RecordPairEntry: (SYSTEM_ONLY, decide),
    },
    creates=frozenset({RegisterKeyLocation}),
    snapshot_every=500,
)

__all__ = [
    "KEY_LOCATION",
    "ChangeEntryList",
    "LocationState",
    "Passage",
    "RecordEntry",
    "RecordExit",
    "RecordPairEntry",
    "RegisterKeyLocation",
    "location_stream",
]
