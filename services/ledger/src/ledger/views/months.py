"""The months of a site, from the read model."""

from typing import Any

import sqlalchemy as sa
from ledger.readmodels.months import LEDGER_MONTHS
from sqlalchemy.ext.asyncio import AsyncConnection


async def months_of(conn: AsyncConnection, site_id: str) -> list[Any]:
    table = LEDGER_MONTHS.table
    query = sa.select(table).where(table.c.site_id == site_id).order_by(table.c.month)
    model = LEDGER_MONTHS.row_model
    return [model.model_validate(dict(row)) for row in (await conn.execute(query)).mappings()]
