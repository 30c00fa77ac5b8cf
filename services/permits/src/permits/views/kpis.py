"""The month's RP-2 / RP-11 figures of a site, read from the permit board (`domain.kpis`)."""

from datetime import datetime, time

import sqlalchemy as sa
from opsledger.calendar import SiteCalendar
from opsledger.readmodels import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from permits.domain import kpis
from permits.readmodels.permits import PERMITS
from permits.views.permits import PermitRow


def _month_bounds(site: SiteCalendar, month: str) -> tuple[datetime, datetime]:
    year, number = (int(p) for p in month.split("-"))
    start = datetime.combine(datetime(year, number, 1).date(), time(), site.zone)
    after = datetime(year + number // 12, number % 12 + 1, 1).date()
    return start, datetime.combine(after, time(), site.zone)


async def figures(
    conn: AsyncConnection, site_id: str, month: str, now: datetime, site: SiteCalendar
) -> list[kpis.Kpi]:
    t = PERMITS.table
    start, end = _month_bounds(site, month)

    async def rows(column: sa.Column[datetime]) -> list[Row]:
        query = sa.select(t).where(t.c.site_id == site_id, column >= start, column < end)
        result = await conn.execute(query)
        return [PermitRow.model_validate(dict(r._mapping)) for r in result]

    reviews = await rows(t.c.handed_at)
    refunds = await rows(t.c.form_signed_at)
    return kpis.evaluate(reviews, refunds, now)
