"""Carrier reads (SR-13, SR-20, issue 20 items 5 and 10), each filtered by the reader's
clearance before anything is shown or counted: a carrier the reader may not see is
absent from every answer exactly as if it did not exist."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import Row
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from secrets_registry.domain.carriers import visible
from secrets_registry.domain.carriers.state import SIGNED_OUT, STORED, TAKEN_OUT
from secrets_registry.domain.clearance import CarrierLevel, Clearance
from secrets_registry.readmodels.carriers import CARRIERS, REGISTER_LINES

CarrierRow = CARRIERS.row_model
INVENTORY_EVERY = timedelta(days=365)  # SR-17: the yearly inventory
REGISTERS = ("send_receive", "use", "return", "destruction")


class RegisterLineRow(BaseModel):
    """One line of a register: ids, people and what happened, never a title."""

    line_id: str
    carrier_id: str
    level: str
    book: str  # send_receive | use | return | destruction
    entry: str
    person: str
    detail: str
    at: datetime
    recorded_by: str


class Count(BaseModel):
    site_id: str
    total: int


class Holding(BaseModel):
    carrier_id: str
    level: str
    holder: str
    status: str


class DueCarrier(BaseModel):
    carrier_id: str
    level: str
    due: str  # inventory | return | destruction
    since: date | None


def _scopes(text: str) -> frozenset[str]:
    return frozenset(s for s in text.split("|") if s)


def _seen(row: Any, clearance: Clearance | None) -> bool:
    level = CarrierLevel(row.level)
    return visible(row.site_id, level, _scopes(row.scope), clearance)


def _utc(row: dict[str, Any]) -> dict[str, Any]:
    """SQLite hands timestamps back naive: they were stored as UTC instants."""
    return {
        k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v
        for k, v in row.items()
    }


async def _visible(
    conn: AsyncConnection, table: sa.Table, site_id: str, clearance: Clearance | None, *where: Any
) -> list[Any]:
    query = sa.select(table).where(table.c.site_id == site_id, *where)
    rows = (await conn.execute(query)).all()
    return [row for row in rows if _seen(row, clearance)]


async def carrier(
    conn: AsyncConnection, site_id: str, carrier_id: str, clearance: Clearance | None
) -> Row | None:
    t = CARRIERS.table
    rows = await _visible(conn, t, site_id, clearance, t.c.carrier_id == carrier_id)
    return CarrierRow.model_validate(_utc(dict(rows[0]._mapping))) if rows else None


async def visible_ids(
    conn: AsyncConnection, site_id: str, carrier_ids: Iterable[str], clearance: Clearance | None
) -> set[str]:
    """Of `carrier_ids`, those the reader may see (personnel reads of who holds what);
    one not (yet) in the register is not seen."""
    wanted = set(carrier_ids)
    if not wanted or clearance is None:
        return set()
    t = CARRIERS.table
    rows = await _visible(conn, t, site_id, clearance, t.c.carrier_id.in_(sorted(wanted)))
    return {r.carrier_id for r in rows}


async def carriers(
    conn: AsyncConnection,
    site_id: str,
    clearance: Clearance | None,
    level: str | None = None,
    status: str | None = None,
    text: str | None = None,
) -> list[Row]:
    """The register, or a search in it (level, status, words of the title)."""
    t = CARRIERS.table
    where = [t.c.level == level] if level else []
    where += [t.c.status == status] if status else []
    rows = await _visible(conn, t, site_id, clearance, *where)
    if text:
        words = text.casefold().split()
        rows = [r for r in rows if all(w in r.title.casefold() for w in words)]
    rows.sort(key=lambda r: r.carrier_id)
    return [CarrierRow.model_validate(_utc(dict(r._mapping))) for r in rows]


async def count(conn: AsyncConnection, site_id: str, clearance: Clearance | None) -> Count:
    return Count(
        site_id=site_id, total=len(await _visible(conn, CARRIERS.table, site_id, clearance))
    )


async def register(
    conn: AsyncConnection,
    site_id: str,
    name: str,
    clearance: Clearance | None,
    carrier_id: str | None = None,
) -> list[RegisterLineRow]:
    """SR-20: one of the four registers, a projection of the log."""
    t = REGISTER_LINES.table
    where = [t.c.book == name]
    where += [t.c.carrier_id == carrier_id] if carrier_id else []
    rows = await _visible(conn, t, site_id, clearance, *where)
    rows.sort(key=lambda r: (r.at, r.line_id))
    return [RegisterLineRow.model_validate(_utc(dict(r._mapping))) for r in rows]


async def holdings(
    conn: AsyncConnection, site_id: str, clearance: Clearance | None
) -> list[Holding]:
    """Who holds what now (signed out or taken out)."""
    t = CARRIERS.table
    rows = await _visible(conn, t, site_id, clearance, t.c.status.in_((SIGNED_OUT, TAKEN_OUT)))
    return [
        Holding(carrier_id=r.carrier_id, level=r.level, holder=r.holder or "", status=r.status)
        for r in sorted(rows, key=lambda r: r.carrier_id)
    ]


def _due(row: Any, day: date) -> DueCarrier | None:
    if row.due_back and row.return_by is not None and row.return_by <= day:
        return DueCarrier(
            carrier_id=row.carrier_id, level=row.level, due="return", since=row.return_by
        )
    ends = row.retention_ends_on
    if not row.due_back and ends is not None and ends <= day:
        return DueCarrier(carrier_id=row.carrier_id, level=row.level, due="destruction", since=ends)
    registered = row.registered_at.date() if row.registered_at is not None else None
    last = row.inventoried_on or registered
    if last is None or last + INVENTORY_EVERY <= day:
        return DueCarrier(carrier_id=row.carrier_id, level=row.level, due="inventory", since=last)
    return None


async def due(
    conn: AsyncConnection, site_id: str, day: date, clearance: Clearance | None
) -> list[DueCarrier]:
    """Carriers due back to their originator, for destruction or for inventory on `day`."""
    t = CARRIERS.table
    held = t.c.status.in_((STORED, SIGNED_OUT, TAKEN_OUT))
    rows = await _visible(conn, t, site_id, clearance, held)
    found = [_due(r, day) for r in sorted(rows, key=lambda r: r.carrier_id)]
    return [d for d in found if d is not None]
