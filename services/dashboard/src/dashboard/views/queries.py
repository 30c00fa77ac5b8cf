"""The one query behind cards, lists and CSV: `where` picks a card's rows, and both the
tallies (cards) and the rows (lists) use it, so a card always equals its list."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from dashboard.domain.kpis import Kpi, Tally
from dashboard.domain.periods import Period
from dashboard.readmodels.kpi_rows import KPI_ROWS
from sqlalchemy.ext.asyncio import AsyncConnection

T = KPI_ROWS.table


def current(today: date) -> Any:
    """A "now" row that still counts on `today` (site-local): no end, or not past it."""
    return sa.or_(T.c.ends.is_(None), T.c.ends >= today)


def where(kpi: Kpi, sites: Collection[str], period: Period | None, today: date) -> list[Any]:
    """A card's rows: its KPI, its sites, and (a period KPI) the days of the period; a
    "now" KPI is the current state, whatever the day."""
    clauses: list[Any] = [T.c.kpi == kpi.key, T.c.site_id.in_(sorted(sites))]
    if period is not None and kpi.kind == "period":
        clauses += [T.c.day >= period.first, T.c.day <= period.last]
    if kpi.kind == "now":
        clauses.append(current(today))
    return clauses


@dataclass
class Grid:
    """Tallies per (kpi, site) and site-local day, and the last application per (kpi, site)."""

    days: dict[tuple[str, str], dict[date, Tally]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    applied: dict[tuple[str, str], datetime] = field(default_factory=dict)
    _merged: dict[tuple[str, tuple[str, ...]], dict[date, Tally]] = field(default_factory=dict)

    def daily(self, kpi: Kpi, sites: Collection[str]) -> dict[date, Tally]:
        """The KPI's tallies per day over `sites` (summed once, then kept)."""
        key = (kpi.key, tuple(sites))
        found = self._merged.get(key)
        if found is None:
            found = {}
            for site in sites:
                for day, tally in self.days.get((kpi.key, site), {}).items():
                    found[day] = found[day] + tally if day in found else tally
            self._merged[key] = found
        return found

    def tally(self, kpi: Kpi, sites: Collection[str], period: Period | None) -> Tally:
        total = Tally()
        for day, tally in self.daily(kpi, sites).items():
            if period is None or kpi.kind == "now" or period.first <= day <= period.last:
                total += tally
        return total

    def last_applied(self, kpi: Kpi, sites: Collection[str]) -> datetime | None:
        found = [self.applied[(kpi.key, s)] for s in sites if (kpi.key, s) in self.applied]
        return max(found) if found else None


async def grid(
    conn: AsyncConnection, kpis: Collection[Kpi], sites: Collection[str], since: date, today: date
) -> Grid:
    """Every tally the page needs in one grouped query: the days since `since` (previous
    period and trend) for period KPIs, every day for "now" KPIs."""
    period_keys = [k.key for k in kpis if k.kind == "period"]
    now_keys = [k.key for k in kpis if k.kind == "now"]
    query = (
        sa.select(
            T.c.kpi,
            T.c.site_id,
            T.c.day,
            sa.func.count(),
            sa.func.sum(sa.case((T.c.counted, 1), else_=0)),
            sa.func.sum(sa.func.coalesce(T.c.value, 0.0)),
            sa.func.max(T.c.applied_at),
        )
        .where(T.c.site_id.in_(sorted(sites)))
        .where(
            sa.or_(
                sa.and_(T.c.kpi.in_(period_keys), T.c.day >= since),
                sa.and_(T.c.kpi.in_(now_keys), current(today)),
            )
        )
        .group_by(T.c.kpi, T.c.site_id, T.c.day)
    )
    found = Grid()
    for kpi, site, day, rows, counted, total, applied in (await conn.execute(query)).all():
        found.days[(kpi, site)][day] = Tally(int(rows), int(counted or 0), float(total or 0))
        if applied is not None:
            key = (kpi, site)
            found.applied[key] = max(applied, found.applied.get(key, applied))
    return found


async def rows(
    conn: AsyncConnection, kpi: Kpi, sites: Collection[str], period: Period | None, today: date
) -> list[sa.RowMapping]:
    """The rows behind a card, oldest first."""
    query = (
        sa.select(T)
        .where(*where(kpi, sites, period, today))
        .order_by(T.c.day, T.c.at, T.c.site_id, T.c.record_id, T.c.row_key)
    )
    return list((await conn.execute(query)).mappings().all())


async def sites_with_data(conn: AsyncConnection) -> list[str]:
    return list((await conn.execute(sa.select(T.c.site_id).distinct())).scalars().all())


async def last_applied(conn: AsyncConnection) -> datetime | None:
    """When the dashboard last applied an event that made a row (the live stream's tick)."""
    value: datetime | None = (await conn.execute(sa.select(sa.func.max(T.c.applied_at)))).scalar()
    return value
