"""Dispatch's work-order events become `RecordWorkOrderProgress` on the ticket (CC-4).

The subscription name `work-orders` keys the inbox and the consumer group: never rename.
Events without a ticket are ignored; an unknown ticket is refused (404) and logged.
"""

from dataclasses import replace

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events import dispatch as wo

from callcenter.domain.repairs import FollowRepair
from callcenter.domain.tickets.commands import RecordWorkOrderProgress

WORK_ORDER_EVENTS: tuple[type[EventPayload], ...] = (
    wo.WorkOrderIssued,
    wo.WorkOrderAccepted,
    wo.WorkOrderEscalated,
    wo.WorkOrderProgressReported,
    wo.WorkOrderOverdue,
    wo.WorkOrderCompleted,
    wo.WorkOrderSignedOff,
    wo.WorkOrderCallbackRecorded,
    wo.WorkOrderArchived,
    wo.RepeatRepairFlagged,
)
WORK_ORDER_EVENT_TYPES: frozenset[str] = frozenset(m.event_type for m in WORK_ORDER_EVENTS)


def progress_of(payload: EventPayload) -> tuple[str, str, str, bool | None] | None:
    """(status, who, detail, confirmed) of a dispatch work-order event."""
    match payload:
        case wo.WorkOrderIssued():
            return "issued", payload.issuer, f"assigned to {payload.assignee}", None
        case wo.WorkOrderAccepted():
            return "accepted", payload.assignee, f"accepted at {payload.accepted_at}", None
        case wo.WorkOrderEscalated():
            detail = f"escalated to {payload.escalated_to}: {payload.reason}"
            return "escalated", payload.escalated_by, detail, None
        case wo.WorkOrderProgressReported():
            return "progress_reported", payload.reported_by, payload.note, None
        case wo.WorkOrderOverdue():
            return "overdue", payload.assignee, f"reply-by {payload.reply_by} passed", None
        case wo.WorkOrderCompleted():
            detail = f"{payload.process}: {payload.result}"
            return "completed", payload.completed_by, detail, None
        case wo.WorkOrderSignedOff():
            return "signed_off", payload.recorded_by, f"signed by {payload.signed_by}", None
        case wo.WorkOrderCallbackRecorded():
            return "callback_recorded", payload.dispatcher, payload.note, payload.confirmed
        case wo.WorkOrderArchived():
            return "archived", payload.archived_by, "", None
        case wo.RepeatRepairFlagged():
            detail = f"repeat of {payload.previous_work_order_id} within {payload.window_days} days"
            return "repeat_repair", "dispatch", detail, None
    return None


def follow_work_order(
    payload: EventPayload, envelope: EventEnvelope
) -> RecordWorkOrderProgress | None:
    """Dispatch's step, for the ticket it concerns (None: not about one of our tickets)."""
    ticket_id = getattr(payload, "ticket_id", None)
    progress = progress_of(payload)
    if not ticket_id or progress is None:
        return None
    status, who, detail, confirmed = progress
    return RecordWorkOrderProgress(
        ticket_id=str(ticket_id),
        work_order_id=str(getattr(payload, "work_order_id")),  # noqa: B009
        serial_no=int(getattr(payload, "serial_no")),  # noqa: B009
        status=status,
        by=who,
        at=envelope.occurred_at,
        detail=detail[:4000],
        confirmed=confirmed,
        source_event_id=str(envelope.event_id),
    )


REPAIR_EVENTS: tuple[type[EventPayload], ...] = (
    wo.WorkOrderIssued,
    wo.WorkOrderOverdue,
    wo.WorkOrderCompleted,
    wo.RepeatRepairFlagged,
)


def follow_repair(payload: EventPayload, envelope: EventEnvelope) -> FollowRepair | None:
    """CC-6: every work order's facts (with or without a ticket) for the repair KPIs."""
    base = FollowRepair(
        work_order_id=str(getattr(payload, "work_order_id")),  # noqa: B009
        site_id=envelope.site_id,
        step="issued",
        at=envelope.occurred_at,
        source_event_id=str(envelope.event_id),
        ticket_id=getattr(payload, "ticket_id", None),
    )
    match payload:
        case wo.WorkOrderIssued():
            return replace(
                base,
                repair_class=payload.repair_class,
                fault_code=payload.fault_code,
                reply_by=payload.reply_by,
            )
        case wo.WorkOrderCompleted():
            # Dispatch's completion time when it sends one, else when it recorded it.
            return replace(
                base,
                step="completed",
                at=payload.completed_at or envelope.occurred_at,
                repair_class=payload.repair_class,
                reply_by=payload.reply_by,
            )
        case wo.WorkOrderOverdue():
            return replace(base, step="overdue")
        case wo.RepeatRepairFlagged():
            return replace(base, step="repeat_repair")
    return None


INBOUND = [
    Inbound(
        name="work-orders",
        topic=events_topic("dispatch"),
        events=WORK_ORDER_EVENTS,
        policy=follow_work_order,
    ),
    # A new subscription (its own inbox and consumer group): every repair for CC-6.
    Inbound(
        name="repairs",
        topic=events_topic("dispatch"),
        events=REPAIR_EVENTS,
        policy=follow_repair,
    ),
]
