"""Call and seat decisions (CC-11)."""

from collections.abc import Sequence
from dataclasses import asdict

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import CallLogged, SeatLoggedIn, SeatLoggedOut

from callcenter.domain.calls import commands as c
from callcenter.domain.calls.state import CallState, SeatState


def decide_call(state: CallState, cmd: c.LogCall, ctx: DecisionContext) -> Sequence[EventPayload]:
    """A call is logged once, in the site-local month it rang (CC-11)."""
    if state.call_id is not None:
        raise DomainError("CC-11", f"call {cmd.call_id} is logged already", status=409)
    if cmd.offered_at > ctx.now:
        raise DomainError("CC-11", "a call cannot ring in the future", field="offered_at")
    if cmd.outcome == "answered" and not cmd.answered_by:
        raise DomainError("CC-11", "name the agent who answered", field="answered_by")
    answered_by = cmd.answered_by if cmd.outcome == "answered" else None
    month = ctx.site.month(cmd.offered_at)
    fields = asdict(cmd) | {"answered_by": answered_by, "month": month}
    del fields["site_id"]
    return [CallLogged(**fields)]


def decide_seat(
    state: SeatState, cmd: c.LogIn | c.LogOut, ctx: DecisionContext
) -> Sequence[EventPayload]:
    """An agent's seat: logged in at one seat, or not (CC-11); agents log only themselves."""
    if cmd.staff_id != ctx.actor:
        raise DomainError("CC-11", "agents log their own seat in and out", status=403)
    if isinstance(cmd, c.LogIn):
        if state.seat is not None:
            raise DomainError("CC-11", f"{cmd.staff_id} is logged in at {state.seat}", status=409)
        return [SeatLoggedIn(staff_id=cmd.staff_id, seat_id=cmd.seat_id)]
    if state.seat is None:
        raise DomainError("CC-11", f"{cmd.staff_id} is not logged in", status=409)
    return [SeatLoggedOut(staff_id=cmd.staff_id, seat_id=state.seat)]
