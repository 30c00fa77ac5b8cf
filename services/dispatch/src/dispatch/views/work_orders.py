"""What readers see: the answer models and every read query of dispatch.

Queries run on the read models (`dispatch.readmodels`); a single order is folded from its
stream (always up to date) by the route.
"""

import datetime as dt
from collections.abc import Collection
from dataclasses import fields
from datetime import datetime
from typing import Any, Literal, Self

import sqlalchemy as sa
from opsledger.clock import as_utc
from opsledger.db import events
from opsledger.eventstore import RecordedEvent
from opsledger.redaction import may_read, read_by, redact
from opsledger_contracts.events.dispatch import DispatchLedgerEntryRecorded, PenaltyRecorded
from pydantic import BaseModel, field_validator
from sqlalchemy.ext.asyncio import AsyncConnection

from dispatch.domain.work_order.commands import ASSIGNEE_ROLES, ISSUER_ROLES
from dispatch.domain.work_order.state import OPEN_STATUSES, VehicleRequest, WorkOrderState
from dispatch.readmodels.work_orders import (
    DIAGNOSTIC_PINGS,
    PENALTIES,
    VEHICLE_PREFIX,
    WORK_ORDER_REQUESTS,
    WORK_ORDERS,
)

# Who reads work orders: who issues them, who is assigned them, finance and auditors.
WORK_ORDER_READERS = ISSUER_ROLES | ASSIGNEE_ROLES | {"finance", "auditor"}
# Penalties (WO-4, WO-5, WO-9) are for the penalty ledger's readers only: absent from
# every other reader's answers (orders, board, history, command replies).
PENALTY_READERS = frozenset({"dispatcher", "dispatch_lead", "dept_head", "finance", "auditor"})
PENALTY_EVENT_TYPES = frozenset(
    {PenaltyRecorded.event_type, DispatchLedgerEntryRecorded.event_type}
)

StatusFilter = Literal[
    "issued",
    "escalated",
    "accepted",
    "completed",
    "signed_off",
    "called_back",
    "archived",
    "open",
    "overdue",
]


class _View(BaseModel):
    """An answer; instants read back from SQLite are naive UTC, so they get their zone."""

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        return as_utc(value) if isinstance(value, datetime) else value

    @classmethod
    def of(cls, source: Any) -> Self:
        """From a state or a row whose attributes (or keys) are named like the fields."""
        get = source.get if isinstance(source, dict) else lambda n: getattr(source, n)
        return cls.model_validate({name: get(name) for name in cls.model_fields})


class WorkOrderView(_View):
    work_order_id: str
    site_id: str
    serial_no: int
    status: str
    overdue: bool
    escalated: bool
    judged_unreasonable: bool
    repeat_of: str | None
    issuer: str
    assignee: str
    assignee_role: str | None
    location: str
    content: str
    requirements: str
    reply_by: datetime
    deadline: datetime
    ticket_id: str | None
    asset_id: str | None
    fault_code: str | None
    repair_class: str | None
    issued_at: datetime
    accepted_at: datetime | None
    penalties_fen: int | None = read_by(PENALTY_READERS)
    # WO-11: the latest request and fleet's answer, the state's own record (not restated)
    vehicle: VehicleRequest | None = None


class WorkOrderRow(WorkOrderView):
    completed_at: datetime | None
    archived_at: datetime | None
    last_progress_at: datetime | None
    updated_at: datetime


class HistoryEntry(_View):
    version: int
    event_type: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    correlation_id: str
    payload: dict[str, Any]


class PenaltyItem(_View):
    work_order_id: str
    rule: str
    amount_fen: int
    reason: str
    occurred_at: datetime


class PersonPenalties(_View):
    person: str
    month: str
    total_fen: int
    items: list[PenaltyItem]


class RequestView(_View):
    ticket_id: str
    site_id: str
    kind: str
    location: str
    content: str
    requirements: str
    reply_by: datetime
    asset_id: str | None
    fault_code: str | None
    status: str
    work_order_id: str | None
    received_at: datetime
    inspection_id: str | None = None  # flow 2: permits' inspection of a unit
    permit_id: str | None = None
    unit_id: str | None = None


class ReviewView(_View):
    site_id: str
    date: dt.date
    reviewed_by: str
    reasons: dict[str, str]


class PingView(_View):
    ping_id: str
    site_id: str
    message: str
    sent_event_id: str
    sent_at: datetime
    received_at: datetime
    correlation_id: str


def work_order(state: WorkOrderState, roles: frozenset[str]) -> WorkOrderView:
    """The order as a reader with `roles` may see it (every route that shows one)."""
    return redact(WorkOrderView.of(state), roles)


def history(recorded: list[RecordedEvent], roles: frozenset[str]) -> list[HistoryEntry]:
    """The order's events; penalties only for the penalty ledger's readers."""
    penalties = may_read(roles, PENALTY_READERS)
    return [
        HistoryEntry.of(e) for e in recorded if penalties or e.event_type not in PENALTY_EVENT_TYPES
    ]


async def board(
    conn: AsyncConnection, site_id: str, status: StatusFilter | None, roles: frozenset[str]
) -> list[WorkOrderRow]:
    """The board of a site. `open`: issued, escalated or accepted; `overdue`: went
    overdue and not completed yet."""
    table = WORK_ORDERS.table
    query = sa.select(table).where(table.c.site_id == site_id)
    if status in ("open", "overdue"):
        query = query.where(table.c.status.in_(sorted(OPEN_STATUSES)))
        if status == "overdue":
            query = query.where(table.c.overdue.is_(True))
    elif status is not None:
        query = query.where(table.c.status == status)
    rows = (await conn.execute(query.order_by(table.c.serial_no))).mappings().all()
    return [redact(WorkOrderRow.of({**row, "vehicle": _vehicle(row)}), roles) for row in rows]


def _vehicle(row: Any) -> VehicleRequest | None:
    """The board's `vehicle_*` columns as the order's vehicle (WO-11), if it has one."""
    if row[VEHICLE_PREFIX + "request_id"] is None:
        return None
    values: dict[str, Any] = {}
    for f in fields(VehicleRequest):
        value = row[VEHICLE_PREFIX + f.name]
        values[f.name] = as_utc(value) if isinstance(value, datetime) else value  # SQLite: naive
    return VehicleRequest(**values)


async def penalties(conn: AsyncConnection, site_id: str, month: str) -> list[PersonPenalties]:
    """The penalty ledger of a site-local month, per person (WO-4, WO-5, WO-9)."""
    table = PENALTIES.table
    query = (
        sa.select(table)
        .where(table.c.site_id == site_id, table.c.month == month)
        .order_by(table.c.person, table.c.occurred_at, table.c.event_id)
    )
    by_person: dict[str, PersonPenalties] = {}
    for row in (await conn.execute(query)).mappings():
        person = row["person"]
        entry = by_person.setdefault(
            person, PersonPenalties(person=person, month=month, total_fen=0, items=[])
        )
        entry.total_fen += row["amount_fen"]
        entry.items.append(PenaltyItem.of(dict(row)))
    return list(by_person.values())


async def work_order_requests(
    conn: AsyncConnection, site_id: str, status: Literal["open", "closed"] | None
) -> list[RequestView]:
    table = WORK_ORDER_REQUESTS.table
    query = sa.select(table).where(table.c.site_id == site_id)
    if status is not None:
        query = query.where(table.c.status == status)
    rows = (await conn.execute(query.order_by(table.c.received_at))).mappings().all()
    return [RequestView.of(dict(row)) for row in rows]


async def ping(conn: AsyncConnection, ping_id: str) -> PingView | None:
    """A ping as dispatch received it, with the correlation id it arrived under."""
    table = DIAGNOSTIC_PINGS.table
    correlation = (
        sa.select(events.c.correlation_id)
        .where(events.c.stream_id == table.c.source_stream, events.c.version == 1)
        .scalar_subquery()
    )
    query = sa.select(table, correlation.label("correlation_id")).where(table.c.ping_id == ping_id)
    row = (await conn.execute(query)).mappings().first()
    return None if row is None else PingView.of(dict(row))


async def review_facts(
    conn: AsyncConnection, site_id: str, day_ends: datetime, named: Collection[str]
) -> tuple[list[str], list[str]]:
    """WO-7 (rev.): the site's orders open at `day_ends` (issued before it, not completed by
    it, whatever they are now), and which of the `named` orders are the site's."""
    ids, table = WORK_ORDERS.table.c.work_order_id, WORK_ORDERS.table
    of_site = table.c.site_id == site_id
    unfinished = sa.select(ids).where(
        of_site,
        table.c.issued_at < day_ends,
        sa.or_(table.c.status.in_(sorted(OPEN_STATUSES)), table.c.completed_at > day_ends),
    )
    known = sa.select(ids).where(of_site, ids.in_(list(named)))
    return (
        list((await conn.execute(unfinished)).scalars()),
        list((await conn.execute(known)).scalars()),
    )
