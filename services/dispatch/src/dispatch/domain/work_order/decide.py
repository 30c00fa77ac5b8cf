"""The work-order decider: pure decisions over one order (WO-1 … WO-10).

The time, the actor and the site calendar (which only names months) come in the
`DecisionContext`; nothing here does I/O.
"""

from collections.abc import Callable, Sequence
from datetime import UTC
from typing import Any

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import (
    WorkOrderAccepted,
    WorkOrderEscalated,
    WorkOrderJudgedUnreasonable,
    WorkOrderProgressReported,
    WorkOrderReassigned,
    WorkOrderRefusalRecorded,
)

from dispatch.domain.private_events import WorkOrderOpenAtReview, WorkOrderReviewPlanned
from dispatch.domain.review_calendar import (
    end_of_day,
    first_review_day,
    next_review_day,
    reminder_at,
)
from dispatch.domain.work_order.checks import (
    REFUSAL_PENALTY_FEN,
    UNREASONABLE_PENALTY_FEN,
    blank,
    missed_deadline,
    must_be_assignee,
    must_be_open,
    must_not_leave_key_location,
    open_at,
    overdue,
    penalty,
    settle_overdue,
    truncate_to_minute,
)
from dispatch.domain.work_order.closeout import archive, callback, complete, sign_off
from dispatch.domain.work_order.commands import (
    ASSIGNEE_ROLES,
    AcceptWorkOrder,
    ArchiveWorkOrder,
    CallReviewRoll,
    Command,
    CompleteWorkOrder,
    JudgeUnreasonable,
    MarkOverdue,
    NumberedIssue,
    ReassignWorkOrder,
    RecordCallback,
    RecordEscalation,
    RecordRefusal,
    ReportProgress,
    SignOffWorkOrder,
)
from dispatch.domain.work_order.issue import issue, validate_issue
from dispatch.domain.work_order.state import (
    ACCEPTED,
    OPEN_STATUSES,
    WorkOrderState,
)

__all__ = ["blank", "decide", "validate_issue"]


def decide(state: WorkOrderState, command: Command, ctx: DecisionContext) -> Sequence[EventPayload]:
    """The events `command` leads to, or a DomainError naming the rule."""
    handler: Callable[[WorkOrderState, Any, DecisionContext], list[EventPayload]] = _HANDLERS[
        type(command)
    ]
    return handler(state, command, ctx)


def _accept(
    state: WorkOrderState, command: AcceptWorkOrder, ctx: DecisionContext
) -> list[EventPayload]:
    must_be_assignee(state, ctx.actor, "WO-3", "accept")
    if state.status == ACCEPTED:
        raise DomainError("WO-3", f"work order {state.work_order_id} is accepted already")
    must_be_open(state, "WO-3", "accept")
    return [
        WorkOrderAccepted(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            assignee=ctx.actor,
            accepted_at=truncate_to_minute(ctx.now),
        )
    ]


def _escalate(
    state: WorkOrderState, command: RecordEscalation, ctx: DecisionContext
) -> list[EventPayload]:
    """WO-4: instead of declining, the assignee hands the order to their superior.

    Only to the superior recorded in the site's reporting line (never to the issuer: that
    would hand the order back), with a reason, and only before accepting it: an accepted
    order is the assignee's to finish (a dispatcher may reassign it).
    """
    must_be_assignee(state, ctx.actor, "WO-4", "escalate")
    must_not_leave_key_location(state, "escalate")
    if state.status == ACCEPTED:
        raise DomainError(
            "WO-4",
            f"work order {state.work_order_id} is accepted: an accepted order is not "
            "escalated (a dispatcher may reassign it)",
        )
    must_be_open(state, "WO-4", "escalate")
    if blank(command.reason):
        raise DomainError("WO-4", "escalation needs a reason", field="reason")
    superior = command.reporting_line.get(state.assignee)
    if superior is None:
        raise DomainError(
            "WO-4",
            f"no superior of {state.assignee} is recorded in the site's reporting line; "
            "a dispatch lead records it first",
            field="escalated_to",
        )
    target = superior if blank(command.escalated_to) else (command.escalated_to or "").strip()
    if target != superior:
        raise DomainError(
            "WO-4",
            f"escalation goes to {state.assignee}'s superior {superior}, not to {target}",
            field="escalated_to",
        )
    if target == state.issuer:
        raise DomainError(
            "WO-4",
            f"{target} issued work order {state.work_order_id}: escalating to the issuer "
            "hands it back, which WO-4 forbids",
            field="escalated_to",
        )
    return [
        *settle_overdue(state, ctx),  # WO-5: a missed deadline is the escalating assignee's
        WorkOrderEscalated(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            escalated_by=ctx.actor,
            escalated_to=target,
            reason=command.reason.strip(),
        ),
    ]


def _refusal(
    state: WorkOrderState, command: RecordRefusal, ctx: DecisionContext
) -> list[EventPayload]:
    must_be_open(state, "WO-4", "record a refusal on")
    if blank(command.reason):
        raise DomainError("WO-4", "a recorded refusal needs what happened", field="reason")
    if state.assignee in state.refusals_by:
        raise DomainError(
            "WO-4",
            f"a refusal by {state.assignee} is recorded already on {state.work_order_id}",
        )
    reason = command.reason.strip()
    return [
        WorkOrderRefusalRecorded(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            recorded_by=ctx.actor,
            assignee=state.assignee,
            reason=reason,
        ),
        *penalty(
            ctx,
            state,
            state.assignee,
            REFUSAL_PENALTY_FEN,
            "WO-4",
            f"Refused work order {state.work_order_id}: {reason}"[:1000],
            ctx.now,
        ),
    ]


def _progress(
    state: WorkOrderState, command: ReportProgress, ctx: DecisionContext
) -> list[EventPayload]:
    must_be_assignee(state, ctx.actor, "WO-5", "report progress on")
    if state.status in OPEN_STATUSES and state.status != ACCEPTED:
        raise DomainError(
            "WO-3", f"accept work order {state.work_order_id} before reporting progress"
        )
    if state.status != ACCEPTED:
        raise DomainError(
            "WO-5", f"work order {state.work_order_id} is {state.status}: nothing to report"
        )
    if blank(command.note):
        raise DomainError("WO-5", "a progress report needs a note", field="note")
    assert state.deadline is not None
    if ctx.now >= state.deadline:
        raise DomainError(
            "WO-5",
            f"progress must be reported before the reply-by time "
            f"{state.deadline.isoformat()}, which has passed",
        )
    if command.expected_by is None:
        raise DomainError(
            "WO-5",
            "a progress report gives the new expected completion time (expected_by), "
            "which becomes the order's deadline",
            field="expected_by",
        )
    if command.expected_by.tzinfo is None or command.expected_by <= ctx.now:
        raise DomainError(
            "WO-5", "expected_by must be in the future, with a time zone", field="expected_by"
        )
    return [
        WorkOrderProgressReported(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            reported_by=ctx.actor,
            note=command.note.strip(),
            expected_by=command.expected_by.astimezone(UTC),
        )
    ]


def _unreasonable(
    state: WorkOrderState, command: JudgeUnreasonable, ctx: DecisionContext
) -> list[EventPayload]:
    if not state.escalated:
        raise DomainError(
            "WO-9",
            f"only an escalated order can be judged unreasonable; {state.work_order_id} "
            "was not escalated",
        )
    if state.judged_unreasonable:
        raise DomainError("WO-9", f"{state.work_order_id} was judged unreasonable already")
    if blank(command.reason):
        raise DomainError("WO-9", "the judgement needs a reason", field="reason")
    reason = command.reason.strip()
    return [
        WorkOrderJudgedUnreasonable(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            judged_by=ctx.actor,
            issuer=state.issuer,
            reason=reason,
        ),
        *penalty(
            ctx,
            state,
            state.issuer,
            UNREASONABLE_PENALTY_FEN,
            "WO-9",
            f"Unreasonable dispatch of {state.work_order_id}: {reason}"[:1000],
            ctx.now,
        ),
    ]


def _overdue(
    state: WorkOrderState, command: MarkOverdue, ctx: DecisionContext
) -> list[EventPayload]:
    # A timer for a deadline that has since moved, an order that complied, or one whose
    # overdue a decision already recorded (WO-5 rev.): no effect.
    if state.deadline != command.deadline or missed_deadline(state, command.deadline) is None:
        return []
    return overdue(state, ctx, command.deadline)


def _roll_call(
    state: WorkOrderState, command: CallReviewRoll, ctx: DecisionContext
) -> list[EventPayload]:
    """WO-7 (rev.): an order open at a working day's review time makes that day's review
    due, and answers again on the next working day; a closed one leaves the roll call."""
    site = ctx.site
    if command.day is None:  # a reopened order rejoins the roll call
        if state.status not in OPEN_STATUSES:
            return []
        day = first_review_day(site, ctx.now)
        return [WorkOrderReviewPlanned(local_date=day, reminder_at=reminder_at(site, day))]
    at = reminder_at(site, command.day)
    if not open_at(state, at):
        return []
    following = next_review_day(site, command.day)
    return [
        WorkOrderOpenAtReview(
            local_date=command.day,
            reminder_at=at,
            end_of_day=end_of_day(site, command.day),
            next_local_date=following,
            next_reminder_at=reminder_at(site, following),
        )
    ]


def _reassign(
    state: WorkOrderState, command: ReassignWorkOrder, ctx: DecisionContext
) -> list[EventPayload]:
    must_be_open(state, "WO-2", "reassign")
    must_not_leave_key_location(state, "reassign")
    missing = [n for n in ("assignee", "assignee_role", "reason") if blank(getattr(command, n))]
    if missing:
        raise DomainError(
            "WO-2", f"reassigning needs: {', '.join(missing)}", field=",".join(missing)
        )
    if command.assignee_role not in ASSIGNEE_ROLES:
        raise DomainError(
            "WO-2",
            f"assignee_role {command.assignee_role!r} may not receive work orders",
            field="assignee_role",
        )
    if command.assignee.strip() == state.assignee:
        raise DomainError("WO-2", f"{state.assignee} is the assignee already", field="assignee")
    return [
        *settle_overdue(state, ctx),  # WO-5: a missed deadline is the previous assignee's
        WorkOrderReassigned(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            reassigned_by=ctx.actor,
            previous_assignee=state.assignee,
            assignee=command.assignee.strip(),
            assignee_role=command.assignee_role,
            reason=command.reason.strip(),
        ),
    ]


_HANDLERS: dict[type[Any], Callable[[WorkOrderState, Any, DecisionContext], list[EventPayload]]] = {
    NumberedIssue: issue,
    AcceptWorkOrder: _accept,
    RecordEscalation: _escalate,
    ReassignWorkOrder: _reassign,
    RecordRefusal: _refusal,
    ReportProgress: _progress,
    CompleteWorkOrder: complete,
    SignOffWorkOrder: sign_off,
    RecordCallback: callback,
    ArchiveWorkOrder: archive,
    JudgeUnreasonable: _unreasonable,
    MarkOverdue: _overdue,
    CallReviewRoll: _roll_call,
}
