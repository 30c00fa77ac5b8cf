"""Read models of callcenter: rows derived from each aggregate's state (kernel-owned tables).

Rows depend on the state alone (no clock), so a rebuild equals the live table; a changed
definition is rebuilt beside the old table at start-up. No personal data in any of them.
"""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import ReadModel

from callcenter.domain.calls import CALL, SEAT, CallState, SeatState
from callcenter.domain.customers import CUSTOMER, CustomerState
from callcenter.domain.repairs import REPAIR, RepairState
from callcenter.domain.tickets import TICKET, TicketState

Row = dict[str, Any]
ID = sa.String(64)
WHEN = sa.DateTime(timezone=True)


def ticket_rows(s: TicketState) -> Iterable[Row]:
    """One row per ticket: the board (`GET /tickets`) and the CC-6 KPI inputs."""
    if s.ticket_id is None:
        return
    yield {
        "ticket_id": s.ticket_id,
        "site_id": s.site_id,
        "kind": s.kind,
        "channel": s.channel,
        "subject": s.subject,
        "status": s.status,
        "owner": s.owner,
        "complaint_level": s.complaint_level,
        "customer_id": s.customer_id,
        "month": s.month,
        "opened_at": s.opened_at,
        "first_response_due_at": s.sla_due_at,
        "responded": s.responded,
        "sla_paused": s.sla_paused,
        "sla_breached": s.sla_breached,
        "escalated_to": s.escalated_to,
        "work_order_open": s.work_order_open,
        "work_order_id": s.work_order_id,
        "work_order_status": s.work_order_status,
        "work_order_overdue": s.work_order_overdue,
        "repeat_repair": s.repeat_repair,
        "resolved": s.resolved,
        "ever_resolved": s.ever_resolved,
        "callback_reached": s.callback_confirmed,
        "callback_attempts": s.callback_attempts,
        "satisfaction": s.satisfaction,
        "survey_overall": s.survey_overall,
        "customer_record_missing": s.customer_record_missing,
        "closed_outcome": s.closed_outcome,
        "closed_at": s.closed_at,
        "updated_at": s.updated_at,
    }


# CC-6 inputs and board flags: every one a non-null boolean column.
TICKET_FLAGS = (
    "responded",
    "sla_paused",
    "sla_breached",
    "work_order_open",
    "work_order_overdue",
    "repeat_repair",
    "resolved",
    "ever_resolved",
    "callback_reached",
    "customer_record_missing",
)


def _text(name: str, size: int = 32, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.String(size), nullable=nullable)


TICKETS: ReadModel[TicketState] = ReadModel(
    name="cc_tickets",
    aggregate=TICKET,
    columns=[
        sa.Column("ticket_id", ID, primary_key=True),
        *(_text(name, 64) for name in ("site_id", "owner")),
        *(_text(name) for name in ("kind", "channel", "status")),
        _text("subject", 200),
        _text("month", 7),
        *(_text(name, 64, nullable=True) for name in ("customer_id", "work_order_id")),
        *(_text(name, nullable=True) for name in ("escalated_to", "work_order_status")),
        _text("closed_outcome", nullable=True),
        *(
            sa.Column(name, sa.Integer, nullable=True)
            for name in ("complaint_level", "satisfaction", "survey_overall")
        ),
        sa.Column("callback_attempts", sa.Integer, nullable=False),
        *(sa.Column(name, WHEN, nullable=False) for name in ("opened_at", "updated_at")),
        *(sa.Column(name, WHEN, nullable=True) for name in ("first_response_due_at", "closed_at")),
        *(sa.Column(name, sa.Boolean, nullable=False) for name in TICKET_FLAGS),
    ],
    rows=ticket_rows,
    indexes=[("site_id", "status"), ("site_id", "month")],
)


def customer_rows(s: CustomerState) -> Iterable[Row]:
    """Customer records WITHOUT personal data: id, site, dates, how often fully read."""
    if s.customer_id is None:
        return
    yield {
        "customer_id": s.customer_id,
        "site_id": s.site_id,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
        "full_reads": s.views,
    }


CUSTOMERS: ReadModel[CustomerState] = ReadModel(
    name="cc_customers",
    aggregate=CUSTOMER,
    columns=[
        sa.Column("customer_id", ID, primary_key=True),
        sa.Column("site_id", ID, nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.Column("full_reads", sa.Integer, nullable=False),
    ],
    rows=customer_rows,
    indexes=[("site_id",)],
)


def call_rows(s: CallState) -> Iterable[Row]:
    """Offered calls per site and site-local month (CC-11 answered-call rate)."""
    if s.call_id is None:
        return
    yield {
        "site_id": s.site_id,
        "call_id": s.call_id,
        "month": s.month,
        "outcome": s.outcome,
        "offered_at": s.offered_at,
    }


CALLS: ReadModel[CallState] = ReadModel(
    name="cc_calls",
    aggregate=CALL,
    columns=[
        sa.Column("site_id", ID, primary_key=True),
        sa.Column("call_id", ID, primary_key=True),
        sa.Column("month", sa.String(7), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("offered_at", WHEN, nullable=False),
    ],
    rows=call_rows,
    indexes=[("site_id", "month")],
)


def session_rows(s: SeatState) -> Iterable[Row]:
    """Seat log-in sessions per site and agent (CC-11 seats online)."""
    for session in s.sessions:
        yield {
            "site_id": s.site_id,
            "staff_id": s.staff_id,
            "login_at": session.login_at,
            "seat_id": session.seat_id,
            "logout_at": session.logout_at,
        }


SEAT_SESSIONS: ReadModel[SeatState] = ReadModel(
    name="cc_seat_sessions",
    aggregate=SEAT,
    columns=[
        sa.Column("site_id", ID, primary_key=True),
        sa.Column("staff_id", ID, primary_key=True),
        sa.Column("login_at", WHEN, primary_key=True),
        sa.Column("seat_id", ID, nullable=False),
        sa.Column("logout_at", WHEN, nullable=True),
    ],
    rows=session_rows,
    indexes=[("site_id", "login_at")],
)


def repair_rows(s: RepairState) -> Iterable[Row]:
    """Every dispatch work order with its CC-6 facts (class, timeliness, repeat)."""
    if s.work_order_id is None:
        return
    yield {
        "work_order_id": s.work_order_id,
        "site_id": s.site_id,
        "month": s.month,
        "ticket_id": s.ticket_id,
        "repair_class": s.repair_class,
        "fault_code": s.fault_code,
        "reply_by": s.reply_by,
        "completed_at": s.completed_at,
        "timely": s.timely,
        "repeat_repair": s.repeat,
    }


REPAIRS: ReadModel[RepairState] = ReadModel(
    name="cc_repairs",
    aggregate=REPAIR,
    columns=[
        sa.Column("work_order_id", ID, primary_key=True),
        sa.Column("site_id", ID, nullable=False),
        sa.Column("month", sa.String(7), nullable=False),
        *(_text(name, 64, nullable=True) for name in ("ticket_id", "fault_code")),
        _text("repair_class", 16, nullable=True),
        *(sa.Column(name, WHEN, nullable=True) for name in ("reply_by", "completed_at")),
        sa.Column("timely", sa.Boolean, nullable=True),
        sa.Column("repeat_repair", sa.Boolean, nullable=False),
    ],
    rows=repair_rows,
    indexes=[("site_id", "month")],
)

READ_MODELS: list[ReadModel[Any]] = [TICKETS, CUSTOMERS, CALLS, SEAT_SESSIONS, REPAIRS]
