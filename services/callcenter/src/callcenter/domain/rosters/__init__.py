"""Rosters (CC-8, CC-9) and shift handovers (CC-8): two aggregates, declared once.

Stream `roster-<site>-<YYYY-MM>` (one monthly three-shift roster per site, swaps and
leave on it) and `handover-<site>-<date>-<shift>` (one handover log per shift).
"""

from typing import Any

from opsledger.decider import Aggregate, Event
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts.events.callcenter import ShiftHandedOver

from callcenter.domain.roles import CC_ROLES, MANAGER, SUPERVISORS
from callcenter.domain.rosters import commands as c
from callcenter.domain.rosters.decide import decide, decide_handover
from callcenter.domain.rosters.state import SHIFT_ORDER, RosterState, evolve

STREAM_TYPE = "Roster"
HANDOVER_STREAM_TYPE = "ShiftHandover"

ROSTER: Aggregate[RosterState, Any] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="roster-",
    initial=RosterState(),
    evolve=evolve,
    stream_id=c.roster_stream,
    commands={
        c.PublishRoster: (MANAGER, decide),
        c.ChangeRoster: (SUPERVISORS, decide),
        # RequestSwap and ApproveSwap are workflows: they read the neighbouring months.
        c.RecordSwapRequest: (SYSTEM_ONLY, decide),
        c.AgreeSwap: (CC_ROLES, decide),
        c.RecordSwapApproval: (SYSTEM_ONLY, decide),
        c.GrantLeave: (SUPERVISORS, decide),
    },
    creates=frozenset({c.PublishRoster}),
)


def _handed_over(state: bool, event: Event) -> bool:
    return state or isinstance(event.payload, ShiftHandedOver)


HANDOVER: Aggregate[bool, c.HandOverShift] = Aggregate(
    stream_type=HANDOVER_STREAM_TYPE,
    stream_prefix="handover-",
    initial=False,
    evolve=_handed_over,
    stream_id=c.handover_stream,
    commands={c.HandOverShift: (CC_ROLES, decide_handover)},
    creates=frozenset({c.HandOverShift}),
)

__all__ = ["HANDOVER", "ROSTER", "SHIFT_ORDER", "RosterState"]
