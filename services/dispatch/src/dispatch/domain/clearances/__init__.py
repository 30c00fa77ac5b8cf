"""The registry's clearances as dispatch keeps them (flow 4, SR-9 → WO-12).

Stream `secrecy-clearance-<person>`, fed by the secrets registry's `ClearanceGranted`,
`ClearanceEnded` and `PersonDeparted` (inbound/secrets_registry.py). Issuing an order at
a key location loads these streams and claims each assignee on theirs, so an ending that
arrives while the order is being issued conflicts with it: from the moment the event is
recorded, the person is no longer assignable there.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, assert_never

from opsledger.decider import Aggregate, DecisionContext, Event, PrivateEvent, changed
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from pydantic import Field


class _ClearanceEvent(PrivateEvent):
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "SecrecyClearance"

    person_id: str = Field(min_length=1, max_length=64)


class ClearanceNoted(_ClearanceEvent):
    """The registry's clearance of the person as it now stands (its `ClearanceGranted`)."""

    event_type: ClassVar[str] = "ClearanceNoted"
    level: str = Field(min_length=1, max_length=16)
    key_locations: list[str] = Field(max_length=100)
    pledge_valid_until: date


class ClearanceEndNoted(_ClearanceEvent):
    """The registry ended the clearance (`ClearanceEnded`) or the person departed."""

    event_type: ClassVar[str] = "ClearanceEndNoted"
    ended_on: date
    reason: str = Field(min_length=1, max_length=32)


class KeyLocationAssignmentClaimed(_ClearanceEvent):
    """WO-12: the person was assigned to an order at a key location, checked on this stream."""

    event_type: ClassVar[str] = "KeyLocationAssignmentClaimed"
    work_order_id: str = Field(min_length=1, max_length=64)
    location_id: str = Field(min_length=1, max_length=64)


class KeyLocationCheckedIn(PrivateEvent):
    """WO-12 rev.2: one of the order's two people checked in at the key location, with
    their own credentials and cleared on the day (on the work order's stream)."""

    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "WorkOrder"
    event_type: ClassVar[str] = "KeyLocationCheckedIn"
    work_order_id: str = Field(min_length=1, max_length=64)
    person_id: str = Field(min_length=1, max_length=64)
    location_id: str = Field(min_length=1, max_length=64)


PRIVATE_EVENTS = (
    ClearanceNoted,
    ClearanceEndNoted,
    KeyLocationAssignmentClaimed,
    KeyLocationCheckedIn,
)


@dataclass(frozen=True)
class ClearanceState:
    person_id: str = ""
    site_id: str = ""
    level: str | None = None  # None: no clearance in force
    key_locations: frozenset[str] = frozenset()
    pledge_valid_until: date | None = None
    ended: str = ""  # why it ended, if it did


@dataclass(frozen=True)
class NoteClearance:
    site_id: str
    person_id: str
    level: str
    key_locations: list[str]
    pledge_valid_until: date


@dataclass(frozen=True)
class NoteClearanceEnd:
    site_id: str
    person_id: str
    ended_on: date
    reason: str


@dataclass(frozen=True)
class ClaimForKeyLocation:
    """Run by the issuing workflow once it checked the person (WO-12)."""

    person_id: str
    work_order_id: str
    location_id: str


ClearanceCommand = NoteClearance | NoteClearanceEnd | ClaimForKeyLocation


def clearance_stream(person_id: str) -> str:
    return f"secrecy-clearance-{person_id}"


def evolve(state: ClearanceState, event: Event) -> ClearanceState:
    match event.payload:
        case ClearanceNoted() as e:
            return changed(
                state,
                person_id=e.person_id,
                site_id=event.site_id,
                level=e.level,
                key_locations=frozenset(e.key_locations),
                pledge_valid_until=e.pledge_valid_until,
                ended="",
            )
        case ClearanceEndNoted() as e:
            return changed(
                state,
                person_id=e.person_id,
                site_id=state.site_id or event.site_id,
                level=None,
                key_locations=frozenset(),
                ended=e.reason,
            )
    return state


def decide(
    state: ClearanceState, command: ClearanceCommand, ctx: DecisionContext
) -> list[EventPayload]:
    match command:
        case NoteClearance():
            return [
                ClearanceNoted(
                    person_id=command.person_id,
                    level=command.level,
                    key_locations=sorted(command.key_locations),
                    pledge_valid_until=command.pledge_valid_until,
                )
            ]
        case NoteClearanceEnd():
            return [
                ClearanceEndNoted(
                    person_id=command.person_id, ended_on=command.ended_on, reason=command.reason
                )
            ]
        case ClaimForKeyLocation():
            return [
                KeyLocationAssignmentClaimed(
                    person_id=command.person_id,
                    work_order_id=command.work_order_id,
                    location_id=command.location_id,
                )
            ]
        case _:
            assert_never(command)


def not_cleared(
    state: ClearanceState | None, location_id: str, entry_list: frozenset[str], site: str, day: date
) -> str | None:
    """Why the person may not work at `location_id` on `day` (WO-12), or None.

    Cleared: a clearance in force on this site, a pledge valid on the day, and the
    location among the person's key locations or the person on its entry list.
    """
    if state is None or not state.person_id or state.level is None:
        return "holds no secrecy clearance" + (f" ({state.ended})" if state and state.ended else "")
    if state.site_id != site:
        return "holds no secrecy clearance on this site"
    if state.pledge_valid_until is None or day > state.pledge_valid_until:
        return "has no confidentiality pledge in force"
    if location_id not in state.key_locations and state.person_id not in entry_list:
        return f"is not cleared for key location {location_id}"
    return None


def _stream_id(command: Any) -> str:
    return clearance_stream(command.person_id)


CLEARANCE: Aggregate[ClearanceState, ClearanceCommand] = Aggregate(
    stream_type="SecrecyClearance",
    stream_prefix="secrecy-clearance-",
    initial=ClearanceState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        NoteClearance: (SYSTEM_ONLY, decide),  # inbound: the registry's events
        NoteClearanceEnd: (SYSTEM_ONLY, decide),
        ClaimForKeyLocation: (SYSTEM_ONLY, decide),  # the issuing workflow
    },
    creates=frozenset({NoteClearance, NoteClearanceEnd, ClaimForKeyLocation}),
)
