"""Flow 4: who the desk may put forward for a key location (candidates, WO-12)."""

from datetime import date

import sqlalchemy as sa
from opsledger.readmodels import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from dispatch.readmodels.secrecy import CLEARANCES

ClearanceRow = CLEARANCES.row_model


async def cleared_staff(
    conn: AsyncConnection, site_id: str, location_id: str, day: date
) -> list[Row]:
    """People with a clearance in force on `day` naming `location_id` (the registry's
    entry list may clear others too: issuing checks both on the streams)."""
    t = CLEARANCES.table
    query = (
        sa.select(t)
        .where(
            t.c.site_id == site_id,
            t.c.level.is_not(None),
            t.c.pledge_valid_until >= day,
        )
        .order_by(t.c.person_id)
    )
    rows = [ClearanceRow.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]
    return [r for r in rows if location_id in str(getattr(r, "key_locations", "")).split(",")]
