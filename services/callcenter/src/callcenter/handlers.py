"""Command handlers: plain functions over a transaction (no HTTP, no Kafka)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import uuid4

from opsledger.calendar import SiteCalendar
from opsledger.errors import DomainError, NotFoundError
from opsledger.eventstore import RecordedEvent
from opsledger.runtime import CommandContext, Tx, execute, fold
from opsledger.timers import DueTimer
from opsledger_contracts import DecodedEvent, EventPayload
from opsledger_contracts.events import dispatch as wo
from opsledger_contracts.events.callcenter import (
    TicketClosed,
    TicketFirstResponded,
    TicketOpened,
    TicketSlaPaused,
    TicketSlaResumed,
)

from callcenter.domain import calls, customers, rosters, tickets
from callcenter.domain.diagnostics import DiagnosticPingDecider, SendDiagnosticPing, stream_id
from callcenter.domain.rules import CallcenterRules

SLA_TIMER = "callcenter.ticket-sla"
CUSTOMER_RECORD_TIMER = "callcenter.customer-record"


async def send_diagnostic_ping(
    tx: Tx, command: SendDiagnosticPing, ctx: CommandContext
) -> list[RecordedEvent]:
    return await execute(tx, DiagnosticPingDecider(), stream_id(command.ping_id), command, ctx)


# --- tickets --------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedTicket:
    state: tickets.TicketState
    site_id: str
    history: list[RecordedEvent]


async def load_ticket(tx: Tx, ticket_id: str) -> LoadedTicket:
    """The ticket's state and site from its stream; 404 when there is none."""
    history = await tx.read_stream(tickets.stream_id(ticket_id))
    if not history:
        raise NotFoundError("ticket", ticket_id)
    return LoadedTicket(fold(tickets.TicketDecider(), history), history[0].site_id, history)


def new_ticket_id(site_id: str) -> str:
    return f"T-{site_id}-{uuid4().hex[:12]}"


async def open_ticket(
    tx: Tx, command: tickets.OpenTicket, ctx: CommandContext
) -> list[RecordedEvent]:
    if command.customer_id is not None:
        await _require_customer_at_site(tx, command.customer_id, ctx.site_id)
    return await ticket_command(tx, command.ticket_id, command, ctx)


async def ticket_command(
    tx: Tx, ticket_id: str, command: tickets.TicketCommand, ctx: CommandContext
) -> list[RecordedEvent]:
    """Decide on the ticket stream, then keep its timers in step with what happened."""
    recorded = await execute(
        tx, tickets.TicketDecider(), tickets.stream_id(ticket_id), command, ctx
    )
    await _sync_timers(tx, ticket_id, ctx.site_id, recorded)
    return recorded


def sla_timer_id(ticket_id: str) -> str:
    return f"ticket-sla-{ticket_id}"


def customer_record_timer_id(ticket_id: str) -> str:
    return f"ticket-customer-record-{ticket_id}"


async def _sync_timers(
    tx: Tx, ticket_id: str, site_id: str, recorded: Sequence[RecordedEvent]
) -> None:
    sid = tickets.stream_id(ticket_id)
    for event in recorded:
        if event.event_type == TicketOpened.event_type:
            opened = TicketOpened.model_validate(event.payload)
            # CC-3: the breach is emitted when due, by a durable timer.
            await tx.schedule_timer(
                timer_id=sla_timer_id(ticket_id),
                kind=SLA_TIMER,
                stream_id=sid,
                site_id=site_id,
                due_at=opened.first_response_due_at,
                payload={"ticket_id": ticket_id},
            )
            # CC-7: a customer record must exist within 24 h (per site) of the first contact.
            record_within = tx.sites.calendar(site_id).rules(CallcenterRules).customer_record_hours
            await tx.schedule_timer(
                timer_id=customer_record_timer_id(ticket_id),
                kind=CUSTOMER_RECORD_TIMER,
                stream_id=sid,
                site_id=site_id,
                due_at=event.occurred_at + timedelta(hours=record_within),
                payload={"ticket_id": ticket_id},
            )
        elif event.event_type == TicketSlaResumed.event_type:
            resumed = TicketSlaResumed.model_validate(event.payload)
            await tx.schedule_timer(
                timer_id=sla_timer_id(ticket_id),
                kind=SLA_TIMER,
                stream_id=sid,
                site_id=site_id,
                due_at=resumed.first_response_due_at,
                payload={"ticket_id": ticket_id},
            )
        elif event.event_type in (
            TicketSlaPaused.event_type,
            TicketFirstResponded.event_type,
            TicketClosed.event_type,
        ):
            await tx.cancel_timer(sla_timer_id(ticket_id))


async def _require_customer_at_site(tx: Tx, customer_id: str, site_id: str) -> None:
    state = await load_customer(tx, customer_id)
    if state is None:
        raise DomainError(
            "CC-7", f"customer record {customer_id} does not exist", field="customer_id"
        )
    if state.site_id != site_id:
        raise DomainError(
            "CC-7", f"customer record {customer_id} belongs to another site", field="customer_id"
        )


async def link_customer(
    tx: Tx, ticket_id: str, customer_id: str, by: tickets.Actor, ctx: CommandContext
) -> list[RecordedEvent]:
    await _require_customer_at_site(tx, customer_id, ctx.site_id)
    command = tickets.LinkCustomer(customer_id=customer_id, customer_site_id=ctx.site_id, by=by)
    return await ticket_command(tx, ticket_id, command, ctx)


async def on_sla_due(tx: Tx, timer: DueTimer) -> None:
    """CC-3: the first-response deadline passed; the decider ignores stale timers."""
    ticket_id = str(timer.payload["ticket_id"])
    ctx = CommandContext.system("callcenter.sla", timer.site_id)
    await ticket_command(tx, ticket_id, tickets.MarkSlaBreached(due_at=timer.due_at), ctx)


async def on_customer_record_due(tx: Tx, timer: DueTimer) -> None:
    """CC-7: 24 h after the first contact, is there a customer record?"""
    ticket_id = str(timer.payload["ticket_id"])
    loaded = await load_ticket(tx, ticket_id)
    customer_id = loaded.state.customer_id
    exists = customer_id is not None and await load_customer(tx, customer_id) is not None
    ctx = CommandContext.system("callcenter.customer-records", loaded.site_id)
    command = tickets.MarkCustomerRecordMissing(due_at=timer.due_at, record_exists=exists)
    await ticket_command(tx, ticket_id, command, ctx)


# --- dispatch's work orders (CC-4) -----------------------------------------------------


def _progress_of(payload: EventPayload) -> tuple[str, str, str, bool | None] | None:
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


WORK_ORDER_EVENT_TYPES: frozenset[str] = frozenset(
    {
        wo.WorkOrderIssued.event_type,
        wo.WorkOrderAccepted.event_type,
        wo.WorkOrderEscalated.event_type,
        wo.WorkOrderProgressReported.event_type,
        wo.WorkOrderOverdue.event_type,
        wo.WorkOrderCompleted.event_type,
        wo.WorkOrderSignedOff.event_type,
        wo.WorkOrderCallbackRecorded.event_type,
        wo.WorkOrderArchived.event_type,
        wo.RepeatRepairFlagged.event_type,
    }
)


async def on_work_order_event(tx: Tx, message: DecodedEvent) -> None:
    """Append dispatch's step to the ticket it concerns (CC-4); others are ignored."""
    payload = message.payload
    ticket_id = getattr(payload, "ticket_id", None)
    progress = _progress_of(payload)
    if not ticket_id or progress is None:
        return
    history = await tx.read_stream(tickets.stream_id(ticket_id))
    if not history:
        return  # a ticket we do not know (another site's system, or a typo upstream)
    status, who, detail, confirmed = progress
    envelope = message.envelope
    ctx = CommandContext(
        actor="system:callcenter.work-orders",
        site_id=history[0].site_id,
        correlation_id=envelope.correlation_id,
        causation_id=str(envelope.event_id),
    )
    command = tickets.RecordWorkOrderProgress(
        work_order_id=str(getattr(payload, "work_order_id")),  # noqa: B009
        serial_no=int(getattr(payload, "serial_no")),  # noqa: B009
        status=status,
        by=who,
        at=envelope.occurred_at,
        detail=detail[:4000],
        confirmed=confirmed,
        source_event_id=str(envelope.event_id),
    )
    await ticket_command(tx, ticket_id, command, ctx)


# --- customer records (CC-7) ------------------------------------------------------------


def new_customer_id(site_id: str) -> str:
    return f"C-{site_id}-{uuid4().hex[:12]}"


async def load_customer(tx: Tx, customer_id: str) -> customers.CustomerState | None:
    history = await tx.read_stream(customers.stream_id(customer_id))
    if not history:
        return None
    return fold(customers.CustomerDecider(), history)


async def customer_command(
    tx: Tx, customer_id: str, command: customers.CustomerCommand, ctx: CommandContext
) -> list[RecordedEvent]:
    return await execute(
        tx, customers.CustomerDecider(), customers.stream_id(customer_id), command, ctx
    )


# --- rosters, swaps, leave, handovers (CC-8, CC-9) ---------------------------------------


def public_holidays(calendar: SiteCalendar, month: str) -> frozenset[date]:
    """The site's public holidays (and official days off) in a month, from `holidays`."""
    year, mon = (int(x) for x in month.split("-"))
    return calendar.public_holidays(year, mon)


async def roster_command(
    tx: Tx, site_id: str, month: str, command: rosters.RosterCommand, ctx: CommandContext
) -> list[RecordedEvent]:
    return await execute(
        tx, rosters.RosterDecider(), rosters.stream_id(site_id, month), command, ctx
    )


async def load_roster(tx: Tx, site_id: str, month: str) -> rosters.RosterState:
    return fold(rosters.RosterDecider(), await tx.read_stream(rosters.stream_id(site_id, month)))


async def hand_over(
    tx: Tx, command: rosters.HandOverShift, ctx: CommandContext
) -> list[RecordedEvent]:
    sid = rosters.handover_stream_id(ctx.site_id, command.day, command.shift)
    return await execute(tx, rosters.HandoverDecider(), sid, command, ctx)


# --- calls (CC-11) -------------------------------------------------------------------------


async def log_call(tx: Tx, command: calls.LogCall, ctx: CommandContext) -> list[RecordedEvent]:
    sid = calls.stream_id(ctx.site_id, command.call_id)
    return await execute(tx, calls.CallDecider(), sid, command, ctx)


async def seat_command(
    tx: Tx, command: calls.LogIn | calls.LogOut, ctx: CommandContext
) -> list[RecordedEvent]:
    sid = calls.seat_stream_id(ctx.site_id, command.staff_id)
    return await execute(tx, calls.SeatDecider(), sid, command, ctx)
