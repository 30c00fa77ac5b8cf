"""Close-out of an order (WO-6): completion, sign-off, callback, archive."""

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import (
    WorkOrderArchived,
    WorkOrderCallbackRecorded,
    WorkOrderCompleted,
    WorkOrderSignedOff,
)

from dispatch.domain.work_order.checks import (
    blank,
    must_be_assignee,
    settle_overdue,
)
from dispatch.domain.work_order.commands import (
    DISPATCH_ROLES,
    ArchiveWorkOrder,
    CompleteWorkOrder,
    RecordCallback,
    SignOffWorkOrder,
)
from dispatch.domain.work_order.key_location import must_have_both_checked_in
from dispatch.domain.work_order.state import (
    ACCEPTED,
    ARCHIVED,
    COMPLETED,
    ESCALATED,
    ISSUED,
    SIGNED_OFF,
    WorkOrderState,
)


def complete(
    state: WorkOrderState, command: CompleteWorkOrder, ctx: DecisionContext
) -> list[EventPayload]:
    must_be_assignee(state, ctx.actor, "WO-6", "complete")
    if state.status in (ISSUED, ESCALATED):
        raise DomainError(
            "WO-3", f"work order {state.work_order_id} must be accepted before completion"
        )
    if state.status != ACCEPTED:
        raise DomainError("WO-6", f"work order {state.work_order_id} is {state.status} already")
    must_have_both_checked_in(state)  # WO-12 rev.2
    missing = [n for n, v in (("process", command.process), ("result", command.result)) if blank(v)]
    if missing:
        raise DomainError(
            "WO-6",
            f"completion records the process and the result: missing {', '.join(missing)}",
            field=",".join(missing),
        )
    # WO-5 (rev.): completed after the deadline without a report before it: overdue and
    # fined in this decision, whether or not the overdue timer has run.
    return [
        *settle_overdue(state, ctx),
        WorkOrderCompleted(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            completed_by=ctx.actor,
            process=command.process.strip(),
            result=command.result.strip(),
            # CC-6 facts for callcenter's timeliness KPI, per repair class.
            completed_at=ctx.now,
            reply_by=state.reply_by,
            repair_class=state.repair_class,  # as issued
        ),
    ]


def sign_off(
    state: WorkOrderState, command: SignOffWorkOrder, ctx: DecisionContext
) -> list[EventPayload]:
    if not ctx.roles & (DISPATCH_ROLES | {"admin"}):
        must_be_assignee(state, ctx.actor, "WO-6", "record the sign-off of")
    if state.status != COMPLETED:
        raise DomainError(
            "WO-6",
            f"the customer signs off a completed order; {state.work_order_id} is {state.status}",
        )
    if blank(command.signed_by):
        raise DomainError("WO-6", "name the customer who signed", field="signed_by")
    return [
        WorkOrderSignedOff(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            signed_by=command.signed_by.strip(),
            recorded_by=ctx.actor,
        )
    ]


def callback(
    state: WorkOrderState, command: RecordCallback, ctx: DecisionContext
) -> list[EventPayload]:
    if state.status != SIGNED_OFF:
        raise DomainError(
            "WO-6",
            f"the callback follows the customer's sign-off; {state.work_order_id} is "
            f"{state.status}",
        )
    return [
        WorkOrderCallbackRecorded(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            dispatcher=ctx.actor,
            confirmed=command.confirmed,
            note=command.note.strip(),
        )
    ]


def archive(
    state: WorkOrderState, command: ArchiveWorkOrder, ctx: DecisionContext
) -> list[EventPayload]:
    if state.status == ARCHIVED:
        raise DomainError("WO-6", f"work order {state.work_order_id} is archived already")
    missing = []
    if not state.completed:
        missing.append("completion (process and result)")
    if not state.signed_off:
        missing.append("customer sign-off")
    if not state.called_back:
        missing.append("confirmed callback")
    if missing:
        raise DomainError(
            "WO-6",
            f"work order {state.work_order_id} cannot be archived without: {', '.join(missing)}",
        )
    return [
        WorkOrderArchived(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            archived_by=ctx.actor,
        )
    ]
