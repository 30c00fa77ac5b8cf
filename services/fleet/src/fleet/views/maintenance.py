"""FL-4 reads: repairs per site (open ones first), oil / small parts purchases."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from fleet.readmodels.maintenance import REPAIRS, SMALL_PARTS
from fleet.views.vehicles import _Row, _rows


class RepairRow(_Row):
    repair_id: str
    vehicle_id: str
    fault_id: str
    driver_id: str
    shop: str
    description: str
    requested_at: datetime
    status: str
    by_phone: bool
    form_no: str | None
    parts_signed: bool
    parts_fen: int
    uninspected: str | None
    settled_fen: int | None
    invoice_no: str | None


class SmallPartsRow(_Row):
    purchase_id: str
    vehicle_id: str
    items: str | None
    estimated_fen: int
    confirmed_by: str | None
    approved_by: str | None
    bought_fen: int | None
    invoice_no: str | None
    reimbursable: bool
    reason: str | None


async def repairs(
    conn: AsyncConnection, site_id: str, vehicle_id: str | None = None
) -> list[RepairRow]:
    t = REPAIRS.table
    query = sa.select(t).where(t.c.site_id == site_id)
    if vehicle_id is not None:
        query = query.where(t.c.vehicle_id == vehicle_id)
    done = sa.case((t.c.status == "payment_approved", 1), else_=0)
    return await _rows(conn, RepairRow, query.order_by(done, t.c.requested_at, t.c.repair_id))


async def small_parts(conn: AsyncConnection, site_id: str) -> list[SmallPartsRow]:
    t = SMALL_PARTS.table
    query = sa.select(t).where(t.c.site_id == site_id).order_by(t.c.purchase_id)
    return await _rows(conn, SmallPartsRow, query)
