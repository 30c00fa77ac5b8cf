"""Calls offered to the seats (CC-11): answered or abandoned, one stream per call."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from opsledger.errors import DomainError
from opsledger.eventstore import RecordedEvent
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import CallLogged, SeatLoggedIn, SeatLoggedOut

STREAM_TYPE = "Call"


def stream_id(site_id: str, call_id: str) -> str:
    return f"call-{site_id}-{call_id}"


@dataclass(frozen=True)
class LogCall:
    call_id: str
    outcome: Literal["answered", "abandoned"]
    offered_at: datetime
    month: str
    answered_by: str | None = None


class CallDecider:
    """A call is logged once (CC-11)."""

    stream_type = STREAM_TYPE

    def initial_state(self) -> bool:
        return False

    def evolve(self, state: bool, event: RecordedEvent) -> bool:
        return state or event.event_type == CallLogged.event_type

    def decide(self, state: bool, command: LogCall, now: datetime) -> Sequence[EventPayload]:
        if state:
            raise DomainError("CC-11", f"call {command.call_id} is logged already", status=409)
        if command.offered_at > now:
            raise DomainError("CC-11", "a call cannot ring in the future", field="offered_at")
        if command.outcome == "answered" and not command.answered_by:
            raise DomainError("CC-11", "name the agent who answered", field="answered_by")
        return [
            CallLogged(
                call_id=command.call_id,
                outcome=command.outcome,
                offered_at=command.offered_at,
                month=command.month,
                answered_by=command.answered_by if command.outcome == "answered" else None,
            )
        ]


# --- seats -------------------------------------------------------------------------------

SEAT_STREAM_TYPE = "Seat"


def seat_stream_id(site_id: str, staff_id: str) -> str:
    return f"seat-{site_id}-{staff_id}"


@dataclass(frozen=True)
class LogIn:
    staff_id: str
    seat_id: str


@dataclass(frozen=True)
class LogOut:
    staff_id: str


class SeatDecider:
    """An agent's seat session: logged in at one seat, or not (CC-11)."""

    stream_type = SEAT_STREAM_TYPE

    def initial_state(self) -> str | None:
        return None

    def evolve(self, state: str | None, event: RecordedEvent) -> str | None:
        if event.event_type == SeatLoggedIn.event_type:
            return str(event.payload["seat_id"])
        if event.event_type == SeatLoggedOut.event_type:
            return None
        return state

    def decide(
        self, state: str | None, command: LogIn | LogOut, now: datetime
    ) -> Sequence[EventPayload]:
        if isinstance(command, LogIn):
            if state is not None:
                raise DomainError(
                    "CC-11", f"{command.staff_id} is logged in at {state}", status=409
                )
            return [SeatLoggedIn(staff_id=command.staff_id, seat_id=command.seat_id)]
        if state is None:
            raise DomainError("CC-11", f"{command.staff_id} is not logged in", status=409)
        return [SeatLoggedOut(staff_id=command.staff_id, seat_id=state)]
