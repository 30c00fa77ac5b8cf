"""Checks and amounts shared by the work-order decisions."""

from datetime import datetime
from typing import Final

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import (
    DispatchLedgerEntryRecorded,
    PenaltyRecorded,
    WorkOrderOverdue,
)

from dispatch.domain.work_order.commands import IssueWorkOrder
from dispatch.domain.work_order.state import (
    OPEN_STATUSES,
    WorkOrderState,
)

REFUSAL_PENALTY_FEN = 10_000  # WO-4: 100 yuan
OVERDUE_PENALTY_FEN = 3_000  # WO-5: 30 yuan
UNREASONABLE_PENALTY_FEN = 3_000  # WO-9: 30 yuan


def blank(value: str | None) -> bool:
    return value is None or not value.strip()


def truncate_to_minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


def penalty(
    ctx: DecisionContext,
    state: WorkOrderState,
    person: str,
    amount: int,
    rule: str,
    reason: str,
    at: datetime,
) -> list[EventPayload]:
    """The penalty for dispatch's own readers, and the same in the shared ledger shape
    (flow 5): `entry_id` is the order's n-th penalty, stable across retries."""
    month = ctx.site.month(at)
    return [
        PenaltyRecorded(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            person=person,
            amount_fen=amount,
            rule=rule,
            reason=reason,
            month=month,
        ),
        DispatchLedgerEntryRecorded(
            entry_id=f"dispatch-{state.work_order_id}-{len(state.penalties) + 1}",
            person=person,
            month=month,
            kind="penalty",
            amount_fen=amount,
            rule=rule,
            reason=reason,
            source=state.work_order_id,
        ),
    ]


def must_be_assignee(state: WorkOrderState, actor: str, rule: str, what: str) -> None:
    if actor != state.assignee:
        raise DomainError(
            rule,
            f"only the assignee {state.assignee} may {what} work order {state.work_order_id}",
            status=403,
        )


def must_be_open(state: WorkOrderState, rule: str, what: str) -> None:
    if state.status not in OPEN_STATUSES:
        raise DomainError(
            rule, f"cannot {what} work order {state.work_order_id}: it is {state.status}"
        )


def overdue(state: WorkOrderState, ctx: DecisionContext, deadline: datetime) -> list[EventPayload]:
    """WO-5: the order went overdue at `deadline`; 30 yuan against the assignee then."""
    return [
        WorkOrderOverdue(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            assignee=state.assignee,
            reply_by=deadline,
        ),
        *penalty(
            ctx,
            state,
            state.assignee,
            OVERDUE_PENALTY_FEN,
            "WO-5",
            f"Reply-by {deadline.isoformat()} of {state.work_order_id} passed "
            "without completion or a progress report",
            deadline,  # the month in which the deadline was missed
        ),
    ]


def missed_deadline(state: WorkOrderState, at: datetime) -> datetime | None:
    """WO-5 (rev.): the deadline this open order missed by `at`, if it is not recorded yet.

    The deadline is the reply-by time or the expected time of the last progress report
    (each report must be made before the deadline and moves it). It is missed at the
    deadline itself. The first completion settles WO-5 (a reopened order is rework), and
    a legacy report without an expected time exempted the order under the old rule.
    """
    if (
        state.deadline is None
        or state.overdue
        or state.first_completed_at is not None
        or state.reported_before_deadline
        or at < state.deadline
    ):
        return None
    return state.deadline


def settle_overdue(state: WorkOrderState, ctx: DecisionContext) -> list[EventPayload]:
    """The overdue facts a decision at `ctx.now` must record first, whether or not the
    overdue timer ran: the outcome follows the facts, not the timer (WO-5 rev.)."""
    deadline = missed_deadline(state, ctx.now)
    return [] if deadline is None else overdue(state, ctx, deadline)


def open_at(state: WorkOrderState, at: datetime) -> bool:
    """WO-7: was the order open (issued, not completed) at `at`, judged from its facts?

    A completion recorded after `at` still leaves it open then; a reopened order (the
    customer did not confirm) is open again.
    """
    if state.issued_at is None or state.issued_at > at:
        return False
    return state.status in OPEN_STATUSES or (
        state.completed_at is not None and state.completed_at > at
    )


REPAIR_CLASSES: Final = ("urgent", "minor")  # CC-6


def require_fault_code_of_repairs(command: IssueWorkOrder) -> None:
    """WO-10: a repair (an order classed urgent or minor) names its fault code, without
    which no repeat can be detected. Unclassed orders without a code (moving furniture,
    a legacy client) are not checked for repeats."""
    if command.repair_class is None:
        return
    if command.repair_class not in REPAIR_CLASSES:
        raise DomainError(
            "CC-6",
            f"repair_class is one of {', '.join(REPAIR_CLASSES)}",
            field="repair_class",
        )
    if not (command.fault_code and command.fault_code.strip()):
        raise DomainError(
            "WO-10",
            "a repair needs its fault_code, else a repeat repair cannot be detected",
            field="fault_code",
        )


def must_not_leave_key_location(state: WorkOrderState, what: str) -> None:
    """WO-12: the two cleared people of a key-location order are checked when it is issued
    (flow 4); handing it to someone else here would skip that check, so it is refused."""
    if state.key_location_id is not None:
        raise DomainError(
            "WO-12",
            f"work order {state.work_order_id} is at key location {state.key_location_id}: "
            f"cannot {what} it; issue a new order to two cleared people",
        )
