"""Read models of callcenter (SQL tables fed by the event log).

Every `apply` depends on the event alone (no clock, no other I/O), so `opsledger
rebuild` and `opsledger verify` reproduce the live tables exactly. Site-local months
come from the events themselves (`month`, computed with the site calendar when the
command ran), never from a calendar looked up here.
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from opsledger.eventstore import RecordedEvent
from opsledger_contracts.events.callcenter import (
    CallLogged,
    CustomerRecordMissing,
    CustomerRecordViewed,
    SeatLoggedIn,
    SeatLoggedOut,
    SlaBreached,
    TicketCallbackRecorded,
    TicketClosed,
    TicketCustomerLinked,
    TicketEscalated,
    TicketEscalationTaken,
    TicketFirstResponded,
    TicketOpened,
    TicketResolved,
    TicketSlaPaused,
    TicketSlaResumed,
    TicketTransferred,
    TicketWorkOrderProgressed,
    WorkOrderRequested,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from callcenter.domain.customer_events import CustomerRecordCreated, CustomerRecordUpdated
from callcenter.domain.tickets import ticket_status

metadata = sa.MetaData()

tickets = sa.Table(
    "cc_tickets",
    metadata,
    sa.Column("ticket_id", sa.String(64), primary_key=True),
    sa.Column("site_id", sa.String(64), nullable=False, index=True),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("subject", sa.String(200), nullable=False),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("owner", sa.String(64), nullable=False),
    sa.Column("complaint_level", sa.Integer, nullable=True),
    sa.Column("customer_id", sa.String(64), nullable=True),
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("first_response_due_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("responded", sa.Boolean, nullable=False),
    sa.Column("sla_paused", sa.Boolean, nullable=False),
    sa.Column("sla_breached", sa.Boolean, nullable=False),
    sa.Column("escalated_to", sa.String(32), nullable=True),
    sa.Column("work_order_open", sa.Boolean, nullable=False),
    sa.Column("work_order_id", sa.String(64), nullable=True),
    sa.Column("work_order_status", sa.String(32), nullable=True),
    sa.Column("work_order_overdue", sa.Boolean, nullable=False),
    sa.Column("repeat_repair", sa.Boolean, nullable=False),
    sa.Column("resolved", sa.Boolean, nullable=False),
    sa.Column("ever_resolved", sa.Boolean, nullable=False),
    sa.Column("callback_reached", sa.Boolean, nullable=False),
    sa.Column("callback_attempts", sa.Integer, nullable=False),
    sa.Column("satisfaction", sa.Integer, nullable=True),
    sa.Column("customer_record_missing", sa.Boolean, nullable=False),
    sa.Column("closed_outcome", sa.String(32), nullable=True),
    sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)

customers = sa.Table(
    "cc_customers",
    metadata,
    sa.Column("customer_id", sa.String(64), primary_key=True),
    sa.Column("site_id", sa.String(64), nullable=False, index=True),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("full_reads", sa.Integer, nullable=False),
)

calls = sa.Table(
    "cc_calls",
    metadata,
    sa.Column("site_id", sa.String(64), primary_key=True),
    sa.Column("call_id", sa.String(64), primary_key=True),
    sa.Column("month", sa.String(7), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
)

seat_sessions = sa.Table(
    "cc_seat_sessions",
    metadata,
    sa.Column("site_id", sa.String(64), primary_key=True),
    sa.Column("staff_id", sa.String(64), primary_key=True),
    sa.Column("login_at", sa.DateTime(timezone=True), primary_key=True),
    sa.Column("seat_id", sa.String(64), nullable=False),
    sa.Column("logout_at", sa.DateTime(timezone=True), nullable=True),
)


def _on_ticket(row: dict[str, Any], event: RecordedEvent) -> None:
    """Change one ticket row for one event (the row is a plain dict here)."""
    p = event.payload
    t = event.event_type
    if t == TicketTransferred.event_type:
        row["owner"] = p["to_agent"]
    elif t == TicketFirstResponded.event_type:
        row["responded"] = True
    elif t == TicketSlaPaused.event_type:
        row["sla_paused"] = True
    elif t == TicketSlaResumed.event_type:
        resumed = TicketSlaResumed.model_validate(p)
        row["sla_paused"] = False
        row["first_response_due_at"] = resumed.first_response_due_at
    elif t == SlaBreached.event_type:
        row["sla_breached"] = True
    elif t == TicketEscalated.event_type:
        row["escalated_to"] = p["to_role"]
    elif t == TicketEscalationTaken.event_type:
        row["escalated_to"] = None
        row["owner"] = p["taken_by"]
    elif t == WorkOrderRequested.event_type:
        row["work_order_open"] = True
        row["work_order_status"] = "requested"
    elif t == TicketWorkOrderProgressed.event_type:
        row["work_order_id"] = p["work_order_id"]
        row["work_order_status"] = p["status"]
        if p["status"] == "overdue":
            row["work_order_overdue"] = True
        elif p["status"] == "repeat_repair":
            row["repeat_repair"] = True
    elif t == TicketResolved.event_type:
        row.update(
            resolved=True,
            ever_resolved=True,
            work_order_open=False,
            escalated_to=None,
            callback_attempts=0,
        )
    elif t == TicketCallbackRecorded.event_type:
        cb = TicketCallbackRecorded.model_validate(p)
        row["callback_attempts"] = cb.attempt
        if cb.reached:
            row["callback_reached"] = bool(cb.resolution_confirmed)
            row["satisfaction"] = cb.satisfaction
            row["resolved"] = bool(cb.resolution_confirmed)
    elif t == TicketCustomerLinked.event_type:
        row["customer_id"] = p["customer_id"]
    elif t == CustomerRecordMissing.event_type:
        row["customer_record_missing"] = True
    elif t == TicketClosed.event_type:
        row["closed_outcome"] = p["outcome"]
        row["closed_at"] = event.occurred_at
        row["work_order_open"] = False


class TicketsProjection:
    """One row per ticket: the list view (`GET /tickets`) and the CC-6 KPI figures."""

    name = "cc_tickets"
    tables: Sequence[sa.Table] = (tickets,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        if event.stream_type != "Ticket":
            return
        if event.event_type == TicketOpened.event_type:
            o = TicketOpened.model_validate(event.payload)
            await conn.execute(
                tickets.insert().values(
                    ticket_id=o.ticket_id,
                    site_id=event.site_id,
                    kind=o.kind,
                    channel=o.channel,
                    subject=o.subject,
                    status="open",
                    owner=o.owner,
                    complaint_level=o.complaint_level,
                    customer_id=o.customer_id,
                    month=o.month,
                    opened_at=event.occurred_at,
                    first_response_due_at=o.first_response_due_at,
                    responded=False,
                    sla_paused=False,
                    sla_breached=False,
                    escalated_to=None,
                    work_order_open=False,
                    work_order_id=None,
                    work_order_status=None,
                    work_order_overdue=False,
                    repeat_repair=False,
                    resolved=False,
                    ever_resolved=False,
                    callback_reached=False,
                    callback_attempts=0,
                    satisfaction=None,
                    customer_record_missing=False,
                    closed_outcome=None,
                    closed_at=None,
                    updated_at=event.occurred_at,
                    version=event.version,
                )
            )
            return
        ticket_id = str(event.payload.get("ticket_id", ""))
        found = (
            (await conn.execute(sa.select(tickets).where(tickets.c.ticket_id == ticket_id)))
            .mappings()
            .first()
        )
        if found is None:
            return
        row = dict(found)
        _on_ticket(row, event)
        row["status"] = ticket_status(
            closed=row["closed_outcome"] is not None,
            resolved=row["resolved"],
            escalated_to=row["escalated_to"],
            work_order_open=row["work_order_open"],
            responded=row["responded"],
        )
        row["updated_at"] = event.occurred_at
        row["version"] = event.version
        del row["ticket_id"]
        await conn.execute(tickets.update().where(tickets.c.ticket_id == ticket_id).values(**row))


class CustomersProjection:
    """Customer records WITHOUT personal data: id, site, dates, how often fully read."""

    name = "cc_customers"
    tables: Sequence[sa.Table] = (customers,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        cid = str(event.payload.get("customer_id", ""))
        if event.event_type == CustomerRecordCreated.event_type:
            await conn.execute(
                customers.insert().values(
                    customer_id=cid,
                    site_id=event.site_id,
                    created_at=event.occurred_at,
                    updated_at=event.occurred_at,
                    full_reads=0,
                )
            )
        elif event.event_type == CustomerRecordUpdated.event_type:
            await conn.execute(
                customers.update()
                .where(customers.c.customer_id == cid)
                .values(updated_at=event.occurred_at)
            )
        elif event.event_type == CustomerRecordViewed.event_type:
            await conn.execute(
                customers.update()
                .where(customers.c.customer_id == cid)
                .values(full_reads=customers.c.full_reads + 1)
            )


class CallsProjection:
    """Offered calls per site and month (CC-11 answered-call rate)."""

    name = "cc_calls"
    tables: Sequence[sa.Table] = (calls,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        if event.event_type != CallLogged.event_type:
            return
        c = CallLogged.model_validate(event.payload)
        await conn.execute(
            calls.insert().values(
                site_id=event.site_id,
                call_id=c.call_id,
                month=c.month,
                outcome=c.outcome,
                offered_at=c.offered_at,
            )
        )


class SeatSessionsProjection:
    """Seat log-in sessions per site and agent (CC-11 seats online)."""

    name = "cc_seat_sessions"
    tables: Sequence[sa.Table] = (seat_sessions,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        if event.event_type == SeatLoggedIn.event_type:
            await conn.execute(
                seat_sessions.insert().values(
                    site_id=event.site_id,
                    staff_id=event.payload["staff_id"],
                    login_at=event.occurred_at,
                    seat_id=event.payload["seat_id"],
                    logout_at=None,
                )
            )
        elif event.event_type == SeatLoggedOut.event_type:
            await conn.execute(
                seat_sessions.update()
                .where(
                    seat_sessions.c.site_id == event.site_id,
                    seat_sessions.c.staff_id == event.payload["staff_id"],
                    seat_sessions.c.logout_at.is_(None),
                )
                .values(logout_at=event.occurred_at)
            )


Projections = TicketsProjection | CustomersProjection | CallsProjection | SeatSessionsProjection


def build_projections() -> list[Projections]:
    return [TicketsProjection(), CustomersProjection(), CallsProjection(), SeatSessionsProjection()]
