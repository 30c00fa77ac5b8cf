"""The work-order aggregate (WO-1 … WO-10), declared once for the kernel's pipeline.

Stream `work-order-<id>`, stream type "WorkOrder". Issuing spans streams (serial, request,
fault history) and is a workflow in `dispatch.handlers`; every other command runs here.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Final

from opsledger.decider import Aggregate, DueTimer, Event, Reaction, Schedule
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts.events.dispatch import (
    WorkOrderCallbackRecorded,
    WorkOrderIssued,
    WorkOrderProgressReported,
)

from dispatch.domain import review_calendar
from dispatch.domain.work_order import key_location, vehicle
from dispatch.domain.work_order.commands import (
    ROLES,
    CallReviewRoll,
    Command,
    MarkOverdue,
    NumberedIssue,
)
from dispatch.domain.work_order.decide import decide
from dispatch.domain.work_order.state import STREAM_TYPE, WorkOrderState, evolve, stream_id

OVERDUE_TIMER_KIND: Final = "work_order_overdue"


def overdue_timer_id(work_order_id: str) -> str:
    return f"work-order-overdue-{work_order_id}"


def reactions(state: WorkOrderState, events: Sequence[Event]) -> Sequence[Reaction]:
    """WO-5: an overdue timer at the reply-by time, moved by a report with `expected_by`."""
    deadlines: list[datetime] = []
    for event in events:
        match event.payload:
            case WorkOrderIssued() as issued:
                deadlines.append(issued.reply_by)
            case WorkOrderProgressReported(expected_by=datetime() as expected):
                deadlines.append(expected)
    overdue = [_overdue_timer(state.work_order_id, deadline) for deadline in deadlines[-1:]]
    return [*overdue, *_review_reactions(state, events)]


def _review_reactions(state: WorkOrderState, events: Sequence[Event]) -> list[Reaction]:
    """WO-7 (rev.): the daily roll call of an open order; a reopened order rejoins it."""
    wo_id = state.work_order_id
    reactions = review_calendar.roll_call_reactions(wo_id, state.site_id, events)
    for event in events:
        if isinstance(event.payload, WorkOrderCallbackRecorded) and not event.payload.confirmed:
            reactions.append(review_calendar.roll_call_timer(wo_id, None, event.occurred_at))
    return reactions


def _overdue_timer(work_order_id: str, deadline: datetime) -> Schedule:
    due = deadline.astimezone(UTC)
    return Schedule(
        timer_id=overdue_timer_id(work_order_id),
        kind=OVERDUE_TIMER_KIND,
        due_at=due,
        payload={"work_order_id": work_order_id, "deadline": due.isoformat()},
    )


def _roll_call(timer: DueTimer) -> CallReviewRoll:
    day = timer.payload.get("local_date")
    return CallReviewRoll(
        str(timer.payload["work_order_id"]), date.fromisoformat(str(day)) if day else None
    )


def _overdue(timer: DueTimer) -> MarkOverdue:
    deadline = datetime.fromisoformat(str(timer.payload["deadline"]))
    return MarkOverdue(str(timer.payload["work_order_id"]), deadline)


WORK_ORDER: Aggregate[WorkOrderState, Command] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="work-order-",
    initial=WorkOrderState(),
    evolve=evolve,
    stream_id=lambda command: stream_id(command.work_order_id),
    # WO-11 (vehicles) is decided in `vehicle`, every other command in `decide`.
    commands={
        **{
            command: (roles, vehicle.decide if command in vehicle.COMMANDS else decide)
            for command, roles in ROLES.items()
        },
        # WO-12 rev.2: run by the check-in workflow after the clearance check
        key_location.RecordKeyLocationCheckIn: (SYSTEM_ONLY, key_location.check_in),
    },
    creates=frozenset({NumberedIssue}),
    reactions=reactions,
    timers={OVERDUE_TIMER_KIND: _overdue, review_calendar.ROLL_CALL_TIMER_KIND: _roll_call},
    timer_actors={
        OVERDUE_TIMER_KIND: "dispatch.overdue",
        review_calendar.ROLL_CALL_TIMER_KIND: "dispatch.review",
    },
)
