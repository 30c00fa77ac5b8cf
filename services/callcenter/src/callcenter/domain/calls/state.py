"""States of a call and of an agent's seat sessions (one typed `match` each)."""

from dataclasses import dataclass
from datetime import datetime

from opsledger.decider import Event, changed
from opsledger_contracts.events.callcenter import CallLogged, SeatLoggedIn, SeatLoggedOut


@dataclass(frozen=True, slots=True)
class CallState:
    call_id: str | None = None
    site_id: str = ""
    month: str = ""
    outcome: str = ""
    offered_at: datetime | None = None


def evolve_call(state: CallState, event: Event) -> CallState:
    match event.payload:
        case CallLogged() as e:
            return CallState(e.call_id, event.site_id, e.month, e.outcome, e.offered_at)
    return state


@dataclass(frozen=True, slots=True)
class Session:
    seat_id: str
    login_at: datetime
    logout_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SeatState:
    """An agent's seat sessions at one site; the last is open while logged in."""

    site_id: str = ""
    staff_id: str = ""
    sessions: tuple[Session, ...] = ()

    @property
    def seat(self) -> str | None:
        last = self.sessions[-1] if self.sessions else None
        return last.seat_id if last is not None and last.logout_at is None else None


def evolve_seat(state: SeatState, event: Event) -> SeatState:
    match event.payload:
        case SeatLoggedIn(staff_id=staff_id, seat_id=seat_id):
            session = Session(seat_id, event.occurred_at)
            return SeatState(event.site_id, staff_id, (*state.sessions, session))
        case SeatLoggedOut():
            *before, last = state.sessions
            return changed(state, sessions=(*before, changed(last, logout_at=event.occurred_at)))
    return state
