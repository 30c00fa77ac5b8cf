"""Handlers of dispatch: plain functions over a transaction."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from opsledger.db import lock_for_transaction
from opsledger.errors import NotFoundError
from opsledger.eventstore import RecordedEvent
from opsledger.runtime import CommandContext, Tx, execute
from opsledger.timers import DueTimer
from opsledger_contracts import DecodedEvent
from opsledger_contracts.events.callcenter import DiagnosticPingSent, WorkOrderRequested
from opsledger_contracts.events.dispatch import (
    EndOfDayReviewDue,
    FaultOrderRecorded,
    WorkOrderRequestClosed,
    WorkOrderRequestReceived,
    WorkOrderSerialAssigned,
)

from dispatch.adapters.projections import work_orders
from dispatch.domain import fault_history, requests, reviews
from dispatch.domain import work_orders as wo
from dispatch.domain.diagnostics import PingReceiptDecider, RecordPingReceipt
from dispatch.domain.diagnostics import stream_id as ping_stream_id
from dispatch.domain.rules import DispatchRules

OVERDUE_TIMER_KIND = "work_order_overdue"
SERIAL_STREAM_TYPE = "WorkOrderSerials"
# Concurrent issuers at one site conflict on the serial stream; each retry re-reads it.
ISSUE_ATTEMPTS = 50


def serials_stream_id(site_id: str) -> str:
    return f"work-order-serials-{site_id}"


def overdue_timer_id(work_order_id: str) -> str:
    return f"work-order-overdue-{work_order_id}"


# -- diagnostics (tracer) ---------------------------------------------------------------


async def on_diagnostic_ping_sent(tx: Tx, message: DecodedEvent) -> None:
    ping = message.payload
    assert isinstance(ping, DiagnosticPingSent)
    envelope = message.envelope
    ctx = CommandContext(
        actor="system:dispatch.diagnostics",
        site_id=envelope.site_id,
        correlation_id=envelope.correlation_id,
        causation_id=str(envelope.event_id),
    )
    command = RecordPingReceipt(
        ping_id=ping.ping_id,
        message=ping.message,
        sent_event_id=str(envelope.event_id),
        sent_at=envelope.occurred_at,
    )
    await execute(tx, PingReceiptDecider(), ping_stream_id(ping.ping_id), command, ctx)


# -- work-order requests from callcenter (flow 1) ---------------------------------------


async def on_work_order_requested(tx: Tx, message: DecodedEvent) -> None:
    """Record callcenter's request as an open request; a repeat for the ticket is a no-op."""
    request = message.payload
    assert isinstance(request, WorkOrderRequested)
    envelope = message.envelope
    stream = requests.stream_id(request.ticket_id)
    history = await tx.read_stream(stream)
    if requests.fold(history).received:
        return
    ctx = CommandContext(
        actor="system:dispatch.requests",
        site_id=envelope.site_id,
        correlation_id=envelope.correlation_id,
        causation_id=str(envelope.event_id),
    )
    received = WorkOrderRequestReceived(
        ticket_id=request.ticket_id,
        kind=request.kind,
        location=request.location,
        content=request.content,
        requirements=request.requirements,
        reply_by=request.reply_by,
        asset_id=request.asset_id,
        fault_code=request.fault_code,
        requested_event_id=str(envelope.event_id),
    )
    await tx.append(stream, requests.STREAM_TYPE, 0, [ctx.event(received, tx.clock.now())])


# -- issuing (WO-1, WO-2, WO-8, WO-10) --------------------------------------------------


@dataclass(frozen=True)
class Issued:
    work_order_id: str
    serial_no: int
    events: list[RecordedEvent]


async def issue_work_order(tx: Tx, ctx: CommandContext, command: wo.IssueWorkOrder) -> Issued:
    """Take the site's next serial and issue the order, all in this transaction (WO-8).

    The serial stream is appended with the version read (optimistic concurrency), so of
    two concurrent issuers one fails and is re-run by `Runtime.retrying`: numbers are
    never skipped (a refusal rolls back the serial too) nor reused.
    """
    now = tx.clock.now()
    site = ctx.site_id
    wo.validate_issue(command, now)  # before taking a number: a refusal consumes none
    serial_stream = serials_stream_id(site)
    # Queue the site's issuers instead of letting them all race and retry; the OCC
    # append below stays the guarantee, this only saves wasted attempts.
    await lock_for_transaction(tx.conn, serial_stream)
    serial_version = await tx.store.current_version(tx.conn, serial_stream)
    serial_no = serial_version + 1
    work_order_id = wo.work_order_id(site, serial_no)

    request_version = 0
    if command.ticket_id is not None:
        request_history = await tx.read_stream(requests.stream_id(command.ticket_id))
        requests.check_open(requests.fold(request_history), command.ticket_id, site)
        request_version = request_history[-1].version

    previous: str | None = None
    fault_stream, fault_version = "", 0
    if command.fault_code and command.location:
        key = fault_history.fault_key(command.asset_id, command.location, command.fault_code)
        fault_stream = fault_history.stream_id(site, key)
        history = await tx.read_stream(fault_stream)
        fault_version = history[-1].version if history else 0
        window = tx.sites.calendar(site).rules(DispatchRules).repeat_window
        previous = fault_history.previous_within(history, now, window)

    decider = wo.WorkOrderDecider(tx.sites.calendar(site))
    numbered = wo.NumberedIssue(command, work_order_id, serial_no, previous)
    payloads = decider.decide(decider.initial_state(), numbered, now)

    await tx.append(
        serial_stream,
        SERIAL_STREAM_TYPE,
        serial_version,
        [ctx.event(WorkOrderSerialAssigned(work_order_id=work_order_id, serial_no=serial_no), now)],
    )
    recorded = await tx.append(
        wo.stream_id(work_order_id), wo.STREAM_TYPE, 0, [ctx.event(p, now) for p in payloads]
    )
    if fault_stream:
        assert command.fault_code is not None and command.location is not None
        entry = FaultOrderRecorded(
            work_order_id=work_order_id,
            serial_no=serial_no,
            fault_code=command.fault_code,
            asset_id=command.asset_id,
            location=command.location.strip(),
            issued_at=now,
        )
        await tx.append(
            fault_stream, fault_history.STREAM_TYPE, fault_version, [ctx.event(entry, now)]
        )
    if command.ticket_id is not None:
        closed = WorkOrderRequestClosed(
            ticket_id=command.ticket_id, work_order_id=work_order_id, serial_no=serial_no
        )
        await tx.append(
            requests.stream_id(command.ticket_id),
            requests.STREAM_TYPE,
            request_version,
            [ctx.event(closed, now)],
        )
    assert command.reply_by is not None
    await _schedule_overdue(tx, work_order_id, site, command.reply_by)
    await _schedule_review_reminder(tx, site, now)
    return Issued(work_order_id, serial_no, recorded)


async def _schedule_overdue(tx: Tx, work_order_id: str, site_id: str, deadline: datetime) -> None:
    await tx.schedule_timer(
        timer_id=overdue_timer_id(work_order_id),
        kind=OVERDUE_TIMER_KIND,
        stream_id=wo.stream_id(work_order_id),
        site_id=site_id,
        due_at=deadline.astimezone(UTC),
        payload={"work_order_id": work_order_id, "deadline": deadline.astimezone(UTC).isoformat()},
    )


async def _schedule_review_reminder(tx: Tx, site_id: str, now: datetime) -> None:
    """WO-7: a reminder 10 minutes before end of day, on days orders are issued."""
    calendar = tx.sites.calendar(site_id)
    day = calendar.local_date(now)
    end = calendar.end_of_day(day)
    # Timers are stored as UTC instants (SQLite would keep a local wall time as text).
    due = (end - timedelta(minutes=reviews.REMINDER_MINUTES_BEFORE_END_OF_DAY)).astimezone(UTC)
    if due <= now:
        return
    await tx.schedule_timer(
        timer_id=f"end-of-day-review-{site_id}-{day.isoformat()}",
        kind=reviews.REMINDER_TIMER_KIND,
        stream_id=reviews.stream_id(site_id, day),
        site_id=site_id,
        due_at=due,
        payload={"local_date": day.isoformat(), "end_of_day": end.astimezone(UTC).isoformat()},
    )


# -- the rest of the lifecycle ----------------------------------------------------------


async def load(tx: Tx, work_order_id: str) -> tuple[wo.WorkOrderState, int]:
    """The order's state and stream version; NotFoundError when there is no such order."""
    history = await tx.read_stream(wo.stream_id(work_order_id))
    if not history:
        raise NotFoundError("work order", work_order_id)
    return wo.fold(history), history[-1].version


async def handle(
    tx: Tx, ctx: CommandContext, work_order_id: str, command: wo.Command
) -> tuple[wo.WorkOrderState, list[RecordedEvent]]:
    """Load, decide, append with the version read; returns the state after the command."""
    state, version = await load(tx, work_order_id)
    if state.site_id != ctx.site_id:
        raise NotFoundError("work order", work_order_id)
    now = tx.clock.now()
    decider = wo.WorkOrderDecider(tx.sites.calendar(state.site_id))
    payloads = decider.decide(state, command, now)
    recorded = await tx.append(
        wo.stream_id(work_order_id), wo.STREAM_TYPE, version, [ctx.event(p, now) for p in payloads]
    )
    for event in recorded:
        state = wo.evolve(state, event)
    if isinstance(command, wo.ReportProgress) and command.expected_by is not None:
        await _schedule_overdue(tx, work_order_id, state.site_id, command.expected_by)
    return state, recorded


async def on_overdue_timer(tx: Tx, timer: DueTimer) -> None:
    """WO-5: at the deadline, an order neither completed nor reported on goes overdue."""
    work_order_id = str(timer.payload["work_order_id"])
    deadline = datetime.fromisoformat(str(timer.payload["deadline"]))
    ctx = CommandContext.system("dispatch.overdue", timer.site_id, causation_id=timer.timer_id)
    await handle(tx, ctx, work_order_id, wo.MarkOverdue(deadline))


async def on_review_reminder_timer(tx: Tx, timer: DueTimer) -> None:
    """WO-7: tell the dispatcher the end-of-day review is due."""
    day = date.fromisoformat(str(timer.payload["local_date"]))
    end = datetime.fromisoformat(str(timer.payload["end_of_day"]))
    ctx = CommandContext.system("dispatch.review", timer.site_id, causation_id=timer.timer_id)
    due = EndOfDayReviewDue(local_date=day, end_of_day=end)
    await tx.append(
        reviews.stream_id(timer.site_id, day),
        reviews.STREAM_TYPE,
        None,
        [ctx.event(due, tx.clock.now())],
    )


# -- WO-7 end-of-day review -------------------------------------------------------------


async def record_end_of_day_review(
    tx: Tx, ctx: CommandContext, day: date, reasons: Mapping[str, str]
) -> RecordedEvent:
    """Refuse unless every unfinished order of `day` has a reason (WO-7).

    Unfinished orders come from the work_orders projection: it is updated within
    milliseconds of each commit, and a review is a human check, so eventual consistency
    is acceptable here (unlike serials and repeat repairs, which read streams).
    """
    site = ctx.site_id
    calendar = tx.sites.calendar(site)
    now = tx.clock.now()
    next_midnight = datetime.combine(
        day + timedelta(days=1), datetime.min.time(), calendar.zone
    ).astimezone(UTC)  # stored instants are UTC (SQLite compares them as text)
    unfinished_query = sa.select(work_orders.c.work_order_id).where(
        work_orders.c.site_id == site,
        work_orders.c.status.in_(sorted(wo.OPEN_STATUSES)),
        work_orders.c.issued_at < next_midnight,
    )
    unfinished = list((await tx.conn.execute(unfinished_query)).scalars())
    known_query = sa.select(work_orders.c.work_order_id).where(
        work_orders.c.site_id == site, work_orders.c.work_order_id.in_(list(reasons))
    )
    known = list((await tx.conn.execute(known_query)).scalars())
    review = reviews.decide_review(
        day=day,
        today=calendar.local_date(now),
        reviewer=ctx.actor,
        unfinished=unfinished,
        known=known,
        reasons=reasons,
    )
    (recorded,) = await tx.append(
        reviews.stream_id(site, day), reviews.STREAM_TYPE, None, [ctx.event(review, now)]
    )
    return recorded
