"""FL-4 reads: repairs per site (open ones first), oil / small parts purchases."""

from typing import TYPE_CHECKING, TypeAlias

import sqlalchemy as sa
from opsledger.readmodels import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from fleet.readmodels.maintenance import REPAIRS, SMALL_PARTS
from fleet.views.vehicles import _rows

# Answers derived from the read models' columns; the type checker sees each as a `Row`.
if TYPE_CHECKING:
    RepairRow: TypeAlias = Row
    SmallPartsRow: TypeAlias = Row
else:
    RepairRow, SmallPartsRow = REPAIRS.row_model, SMALL_PARTS.row_model


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
