"""Checks and amounts shared by the work-order decisions."""

from datetime import datetime

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts.events.dispatch import (
    PenaltyRecorded,
)

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
) -> PenaltyRecorded:
    return PenaltyRecorded(
        work_order_id=state.work_order_id,
        serial_no=state.serial_no,
        ticket_id=state.ticket_id,
        person=person,
        amount_fen=amount,
        rule=rule,
        reason=reason,
        month=ctx.site.month(at),
    )


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
