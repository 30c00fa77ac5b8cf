"""Fleet's read queries over its read models (one module; routes call these via `Reads`)."""

from dataclasses import fields
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

import sqlalchemy as sa
from opsledger.readmodels import Row
from opsledger.redaction import read_by, redact
from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy.ext.asyncio import AsyncConnection

from fleet.domain.conduct import LedgerLine
from fleet.readmodels.vehicles import (
    DRIVERS,
    FUEL_MONTHS,
    FUEL_PURCHASES,
    LEDGER,
    TRIPS,
    VEHICLES,
)
from fleet.readmodels.vehicles import (
    LEDGER_READERS as LEDGER_READERS,  # re-exported: the routes redact with it
)

V = TypeVar("V", bound=BaseModel)


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _utc(cls, data: Any) -> Any:
        """SQLite hands timestamps back naive: they were stored as UTC instants."""
        if isinstance(data, dict):
            return {
                k: v.replace(tzinfo=UTC) if isinstance(v, datetime) and v.tzinfo is None else v
                for k, v in data.items()
            }
        return data


# Every answer of a read model's rows is derived from its columns (a column added is a
# field of the answer, with no edit here). The type checker sees each as a `Row`.
if TYPE_CHECKING:
    VehicleRow: TypeAlias = Row
    TripRow: TypeAlias = Row
    DriverRow: TypeAlias = Row
    PurchaseRow: TypeAlias = Row
    FuelMonthRow: TypeAlias = Row
else:
    VehicleRow, TripRow = VEHICLES.row_model, TRIPS.row_model
    DriverRow, PurchaseRow = DRIVERS.row_model, FUEL_PURCHASES.row_model
    FuelMonthRow = FUEL_MONTHS.row_model


class ReconciliationReport(_Row):
    site_id: str
    month: str
    vehicles: list[FuelMonthRow]
    anomalous: int
    fines_fen: int | None = read_by(LEDGER_READERS)


class LedgerView(_Row):
    person: str
    site_id: str
    month: str
    entries: list[LedgerLine]  # the conduct state's lines, as the read model keeps them
    penalties_fen: int
    rewards_fen: int
    net_fen: int


async def _rows(conn: AsyncConnection, model: type[V], query: sa.Select[Any]) -> list[V]:
    result = await conn.execute(query)
    return [model.model_validate(dict(row._mapping)) for row in result]


async def vehicle_board(conn: AsyncConnection, site_id: str) -> list[VehicleRow]:
    t = VEHICLES.table
    query = sa.select(t).where(t.c.site_id == site_id).order_by(t.c.plate)
    return await _rows(conn, VehicleRow, query)


async def vehicle_trips(
    conn: AsyncConnection, site_id: str, vehicle_id: str, month: str | None = None
) -> list[TripRow]:
    t = TRIPS.table
    query = sa.select(t).where(t.c.site_id == site_id, t.c.vehicle_id == vehicle_id)
    if month is not None:
        query = query.where(t.c.month == month)
    return await _rows(conn, TripRow, query.order_by(t.c.dispatched_at, t.c.trip_id))


async def trips_out(conn: AsyncConnection, site_id: str) -> list[TripRow]:
    t = TRIPS.table
    query = sa.select(t).where(t.c.site_id == site_id, t.c.returned_at.is_(None))
    return await _rows(conn, TripRow, query.order_by(t.c.trip_id))


async def vehicle_fuel(
    conn: AsyncConnection, site_id: str, vehicle_id: str, month: str | None = None
) -> list[PurchaseRow]:
    t = FUEL_PURCHASES.table
    query = sa.select(t).where(t.c.site_id == site_id, t.c.vehicle_id == vehicle_id)
    if month is not None:
        query = query.where(t.c.month == month)
    return await _rows(conn, PurchaseRow, query.order_by(t.c.filled_at, t.c.purchase_id))


async def drivers(conn: AsyncConnection, site_id: str) -> list[DriverRow]:
    t = DRIVERS.table
    query = sa.select(t).where(t.c.site_id == site_id).order_by(t.c.driver_id)
    return await _rows(conn, DriverRow, query)


async def certified_drivers(conn: AsyncConnection, site_id: str, day: date) -> list[DriverRow]:
    """Drivers whose certificate is valid on site-local `day` (FL-1)."""
    t = DRIVERS.table
    query = sa.select(t).where(
        t.c.site_id == site_id,
        t.c.valid_from <= day,
        t.c.valid_to >= day,
        t.c.suspended.is_(False),
        t.c.revoked.is_(False),
    )
    return await _rows(conn, DriverRow, query.order_by(t.c.driver_id))


async def reconciliation(
    conn: AsyncConnection, site_id: str, month: str, roles: frozenset[str]
) -> ReconciliationReport:
    """The monthly reconciliation per site: every closed vehicle-month, anomalies first."""
    t = FUEL_MONTHS.table
    query = (
        sa.select(t)
        .where(t.c.site_id == site_id, t.c.month == month)
        .order_by(t.c.anomalous.desc(), t.c.excess_litres.desc(), t.c.vehicle_id)
    )
    rows = await _rows(conn, FuelMonthRow, query)
    report = ReconciliationReport(
        site_id=site_id,
        month=month,
        vehicles=rows,
        anomalous=sum(1 for r in rows if r.anomalous),
        fines_fen=sum(r.fine_fen or 0 for r in rows),
    )
    return redact(report, roles)


async def ledger(conn: AsyncConnection, site_id: str, person: str, month: str) -> LedgerView:
    """A person's fleet penalties and rewards in one month (what payroll receives)."""
    t = LEDGER.table
    query = sa.select(t).where(t.c.site_id == site_id, t.c.person == person, t.c.month == month)
    result = await conn.execute(query.order_by(t.c.entry_id))
    names = [f.name for f in fields(LedgerLine)]
    rows = [LedgerLine(*(row._mapping[n] for n in names)) for row in result]
    penalties = sum(r.amount_fen for r in rows if r.kind == "penalty")
    rewards = sum(r.amount_fen for r in rows if r.kind == "reward")
    return LedgerView(
        person=person,
        site_id=site_id,
        month=month,
        entries=rows,
        penalties_fen=penalties,
        rewards_fen=rewards,
        net_fen=rewards - penalties,
    )
