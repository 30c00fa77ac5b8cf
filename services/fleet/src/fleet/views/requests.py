"""Flow 3 reads: the site's vehicle requests, those waiting for the director first."""

import sqlalchemy as sa
from opsledger.readmodels import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from fleet.domain.requests import AWAITING, RESERVED
from fleet.readmodels.requests import VEHICLE_REQUESTS
from fleet.views.vehicles import _rows

VehicleRequestRow = VEHICLE_REQUESTS.row_model


async def vehicle_requests(conn: AsyncConnection, site_id: str) -> list[Row]:
    t = VEHICLE_REQUESTS.table
    pending = sa.case((t.c.status == AWAITING, 0), (t.c.status == RESERVED, 1), else_=2)
    query = (
        sa.select(t).where(t.c.site_id == site_id).order_by(pending, t.c.needed_at, t.c.request_id)
    )
    return await _rows(conn, VehicleRequestRow, query)
