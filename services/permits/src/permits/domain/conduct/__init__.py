"""A permit's works record (stream `works-<permit_id>`, type "Works"): RP-5 patrols and
checks, the RP-6 ladder, RP-10 approvals and flow 2's complaints and findings.

Opened when the permit's works start; from then on each site-local calendar day ends
with a check (timer `works_patrol_day_end`): a day without a patrol is `PatrolMissed`
(RP-5 rev.2), like dispatch's missed end-of-day review.
"""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from opsledger.decider import Aggregate, DueTimer, Event, Reaction
from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY

from permits.domain.conduct import commands as c
from permits.domain.conduct.calendar import PATROL_DAY_TIMER, day_end_timer
from permits.domain.conduct.decide import decide
from permits.domain.conduct.events import PRIVATE_EVENTS, PatrolDayClosed, WorksOpened
from permits.domain.conduct.state import ConductState, evolve
from permits.domain.roles import CONCIERGE, CUSTOMER_SERVICE, ENGINEERING

__all__ = ["INSPECTORS", "PRIVATE_EVENTS", "WORKS", "ConductState", "works_stream"]

# RP-6 rev.2: inspectors of engineering, customer service or the concierge.
INSPECTORS = ENGINEERING | CUSTOMER_SERVICE | CONCIERGE


def works_stream(permit_id: str) -> str:
    return f"works-{permit_id}"


def _closed(state: ConductState) -> DomainError | None:
    if state.closed:
        return DomainError("RP-5", f"the works of permit {state.permit_id} have ended", status=409)
    return None


def _reactions(state: ConductState, events: Sequence[Event]) -> list[Reaction]:
    reactions: list[Reaction] = []
    for event in events:
        match event.payload:
            case WorksOpened() as opened:
                reactions.append(
                    day_end_timer(opened.permit_id, opened.first_day, opened.first_day_ends)
                )
            case PatrolDayClosed() as closed:
                reactions.append(
                    day_end_timer(closed.permit_id, closed.next_day, closed.next_day_ends)
                )
    return reactions


def _day_ended(timer: DueTimer) -> c.ClosePatrolDay:
    return c.ClosePatrolDay(
        permit_id=str(timer.payload["permit_id"]),
        day=date.fromisoformat(str(timer.payload["local_date"])),
        day_ends=datetime.fromisoformat(str(timer.payload["ends"])),
    )


def _stream_id(command: Any) -> str:
    return works_stream(command.permit_id)


WORKS: Aggregate[ConductState, c.ConductCommand] = Aggregate(
    stream_type="Works",
    stream_prefix="works-",
    initial=ConductState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        c.OpenWorks: (SYSTEM_ONLY, decide),
        c.CloseWorks: (SYSTEM_ONLY, decide),
        c.RecordPatrol: (CUSTOMER_SERVICE, decide),
        c.ClosePatrolDay: (SYSTEM_ONLY, decide),
        c.RecordWorksCheck: (ENGINEERING | CONCIERGE, decide),
        c.RecordWorksViolation: (INSPECTORS, decide),
        c.WithdrawWorksViolation: (INSPECTORS, decide),
        c.GiveVerbalWarning: (INSPECTORS, decide),
        c.IssueRectificationNotice: (INSPECTORS, decide),
        c.NotifyOwner: (INSPECTORS, decide),
        c.CheckRectification: (INSPECTORS, decide),
        c.StopWorksByForce: (CUSTOMER_SERVICE, decide),
        c.ReadmitContractor: (CUSTOMER_SERVICE, decide),
        c.ApproveWorksRequest: (CUSTOMER_SERVICE, decide),
        c.LinkComplaint: (SYSTEM_ONLY, decide),
        c.RecordInspectionFinding: (SYSTEM_ONLY, decide),
    },
    creates=frozenset({c.OpenWorks}),
    closed=_closed,
    reactions=_reactions,
    timers={PATROL_DAY_TIMER: _day_ended},
    timer_actors={PATROL_DAY_TIMER: "permits.patrols"},
)
