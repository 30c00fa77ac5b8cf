"""Calls offered to the seats (stream `call-<site>-<id>`) and agents' seat sessions
(stream `seat-<site>-<staff>`), for the CC-11 KPIs."""

from typing import Any

from opsledger.decider import Aggregate

from callcenter.domain.calls import commands as c
from callcenter.domain.calls.decide import decide_call, decide_seat
from callcenter.domain.calls.state import CallState, SeatState, evolve_call, evolve_seat
from callcenter.domain.roles import CC_ROLES

CALL: Aggregate[CallState, c.LogCall] = Aggregate(
    stream_type="Call",
    stream_prefix="call-",
    initial=CallState(),
    evolve=evolve_call,
    stream_id=c.call_stream,
    commands={c.LogCall: (CC_ROLES, decide_call)},
    creates=frozenset({c.LogCall}),
)

SEAT: Aggregate[SeatState, Any] = Aggregate(
    stream_type="Seat",
    stream_prefix="seat-",
    initial=SeatState(),
    evolve=evolve_seat,
    stream_id=c.seat_stream,
    commands={c.LogIn: (CC_ROLES, decide_seat), c.LogOut: (CC_ROLES, decide_seat)},
    # Logging out when never logged in is a CC-11 refusal, not a 404.
    creates=frozenset({c.LogIn, c.LogOut}),
)

__all__ = ["CALL", "SEAT", "CallState", "SeatState"]
