"""Cards, company roll-up and drill-down lists, all from `queries` (one definition per KPI)."""

import functools
from collections.abc import Collection, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from dashboard.domain import kpis as arithmetic
from dashboard.domain.catalogue import CATALOGUE
from dashboard.domain.kpis import STATUS_WORDS, Kpi, Tally
from dashboard.domain.periods import TREND_DAYS, Period
from dashboard.views import queries
from dashboard.views.config import DashboardSettings
from sqlalchemy.ext.asyncio import AsyncConnection

COMPANY = "*"  # the site id of company cards in CSV and live event names


def visible_kpis(secrecy: bool) -> list[Kpi]:
    """The catalogue as this caller may see it: secrecy KPIs for secrecy roles only."""
    return [k for k in CATALOGUE if secrecy or not k.secrecy]


def catalogue_entry(kpi: Kpi, settings: DashboardSettings) -> dict[str, Any]:
    return {
        "key": kpi.key,
        "service": kpi.service,
        "unit": kpi.unit,
        "title": kpi.title,
        "counts": kpi.counts,
        "lower_is_better": kpi.lower_is_better,
        "target": settings.target(kpi.key, kpi.target, None),
        "warn_band": kpi.warn_band,
        "kind": kpi.kind,
        "secrecy": kpi.secrecy,
    }


def rows_path(kpi: Kpi, site_id: str | None, period: Period, csv: bool = False) -> str:
    where = f"/api/sites/{quote(site_id, safe='')}" if site_id else "/api"
    return f"{where}/kpis/{kpi.key}/rows{'.csv' if csv else ''}?period={period.name}"


def card(
    grid: queries.Grid,
    kpi: Kpi,
    sites: Collection[str],
    site_id: str | None,
    period: Period,
    today: date,
    settings: DashboardSettings,
) -> dict[str, Any]:
    """One card of `sites` (a site's, or the company's when `site_id` is None)."""
    now = arithmetic.figure(kpi, grid.tally(kpi, sites, period))
    before = arithmetic.figure(kpi, grid.tally(kpi, sites, period.previous()))
    target = settings.target(kpi.key, kpi.target, site_id)
    status = arithmetic.status(kpi, now.value, target)
    daily = grid.daily(kpi, sites)
    empty = arithmetic.figure(kpi, Tally()).value
    trend = [
        {"date": text, "value": arithmetic.figure(kpi, daily[day]).value if day in daily else empty}
        for day, text in _trend_days(period, today)
    ]
    applied = grid.last_applied(kpi, sites)
    return {
        "kpi": kpi.key,
        "site_id": site_id,
        "value": now.value,
        "numerator": now.numerator,
        "denominator": now.denominator,
        "target": target,
        "lower_is_better": kpi.lower_is_better,
        "status": status,
        "status_text": STATUS_WORDS[status],
        "previous_value": None if kpi.kind == "now" else before.value,
        "delta": arithmetic.delta(kpi, now.value, before.value),
        "trend": trend,
        "last_event_at": applied.isoformat() if applied else None,
        "rows_url": rows_path(kpi, site_id, period),
        "csv_url": rows_path(kpi, site_id, period, csv=True),
    }


@functools.lru_cache(maxsize=64)
def _trend_days(period: Period, today: date) -> tuple[tuple[date, str], ...]:
    return tuple((day, day.isoformat()) for day in period.trend_days(today))


def since(period: Period, today: date) -> date:
    """The first day any card of `period` looks at (previous period or trend)."""
    trend_start = min(period.last, today) - timedelta(days=TREND_DAYS - 1)
    return min(period.previous().first, trend_start)


async def page(
    conn: AsyncConnection,
    sites: Sequence[tuple[str, date]],
    period: Period,
    kpis: Sequence[Kpi],
    settings: DashboardSettings,
) -> dict[str, Any]:
    """Company roll-up and the grid of sites (`sites`: each with its local today)."""
    today = max((t for _, t in sites), default=period.last)
    grid = await queries.grid(conn, kpis, [s for s, _ in sites], since(period, today), today)
    every = [s for s, _ in sites]
    return {
        "company": [card(grid, k, every, None, period, today, settings) for k in kpis],
        "sites": [
            {
                "site_id": site,
                "cards": [card(grid, k, [site], site, period, local, settings) for k in kpis],
            }
            for site, local in sites
        ],
    }


def row_entry(row: Any, settings: DashboardSettings) -> dict[str, Any]:
    at: datetime = row["at"]
    return {
        "site_id": row["site_id"],
        "record_id": row["record_id"],
        "service": row["service"],
        "date": row["day"].isoformat(),
        "at": at.isoformat(),
        "counted": bool(row["counted"]),
        "value": row["value"],
        "detail": row["detail"],
        "url": settings.url(row["service"], row["ref"]),
    }


async def drill_down(
    conn: AsyncConnection,
    kpi: Kpi,
    sites: Collection[str],
    site_id: str | None,
    period: Period,
    settings: DashboardSettings,
    today: date,
) -> dict[str, Any]:
    """The list behind a card, and the card's figure computed from this very list."""
    found = await queries.rows(conn, kpi, sites, period, today)
    entries = [row_entry(r, settings) for r in found]
    tally = Tally(
        rows=len(found),
        counted=sum(1 for r in found if r["counted"]),
        total=sum(r["value"] or 0.0 for r in found),
    )
    figure = arithmetic.figure(kpi, tally)
    return {
        "kpi": kpi.key,
        "site_id": site_id,
        "period": period.name,
        "value": figure.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "count": len(entries),
        "rows": entries,
    }
