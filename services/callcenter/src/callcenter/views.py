"""Read queries of callcenter, over the read models (they may lag the log by a moment).

The KPIs are SQL aggregations here; the clock and the site calendar are passed in by the
route (`reads.now`, `reads.site(site_id)`), so the month window is worked out here too.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from opsledger.calendar import SiteCalendar
from opsledger.clock import as_utc
from sqlalchemy.ext.asyncio import AsyncConnection

from callcenter.domain import kpis
from callcenter.readmodels import CALLS, CUSTOMERS, SEAT_SESSIONS, TICKETS


async def tickets_board(
    conn: AsyncConnection, site_id: str, status: str | None, kind: str | None, limit: int
) -> list[dict[str, Any]]:
    t = TICKETS.table
    query = sa.select(t).where(t.c.site_id == site_id)
    if status:
        query = query.where(t.c.status == status)
    if kind:
        query = query.where(t.c.kind == kind)
    query = query.order_by(t.c.opened_at.desc()).limit(limit)
    return [dict(r) for r in (await conn.execute(query)).mappings()]


async def customers_of(conn: AsyncConnection, site_id: str) -> list[dict[str, Any]]:
    """No personal data: the read model has none (CC-7)."""
    t = CUSTOMERS.table
    query = sa.select(t).where(t.c.site_id == site_id).order_by(t.c.created_at)
    return [dict(r) for r in (await conn.execute(query)).mappings()]


def _count(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[Any]:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


async def month_counts(conn: AsyncConnection, site_id: str, month: str) -> kpis.MonthCounts:
    """CC-6 and CC-11 counts of a site-local month; tickets by month of first contact.

    Decisions where RULES.md is silent:
    - valid complaints are complaints not ruled invalid by a supervisor; closed ones count;
    - callback rate: resolved complaints and repairs with a confirmed callback, or closed
      `callback_unreachable` after the configured attempts;
    - satisfaction share: reached callbacks rating 4 or 5;
    - repair timeliness: repair tickets whose work order never went overdue (WO-5);
    - first-time fix: repair tickets with a work order not flagged a repeat (WO-10).
    """
    t = TICKETS.table
    valid = sa.and_(
        t.c.kind == "complaint",
        sa.or_(t.c.closed_outcome.is_(None), t.c.closed_outcome != "invalid_complaint"),
    )
    resolved = sa.and_(t.c.kind.in_(("complaint", "repair")), t.c.ever_resolved)
    repairs = sa.and_(t.c.kind == "repair", t.c.work_order_id.is_not(None))
    tickets = sa.select(
        sa.func.count().label("tickets"),
        _count(valid).label("valid_complaints"),
        _count(sa.and_(valid, t.c.closed_outcome.is_not(None))).label("closed_valid_complaints"),
        _count(resolved).label("resolved"),
        _count(
            sa.and_(
                resolved,
                sa.or_(t.c.callback_reached, t.c.closed_outcome == "callback_unreachable"),
            )
        ).label("called_back"),
        _count(t.c.satisfaction.is_not(None)).label("rated"),
        _count(t.c.satisfaction >= 4).label("satisfied"),
        _count(repairs).label("repairs"),
        _count(sa.and_(repairs, sa.not_(t.c.work_order_overdue))).label("repairs_on_time"),
        _count(sa.and_(repairs, sa.not_(t.c.repeat_repair))).label("repairs_first_time"),
        _count(t.c.sla_breached).label("sla_breaches"),
    ).where(t.c.site_id == site_id, t.c.month == month)
    c = CALLS.table
    calls = sa.select(
        sa.func.count().label("calls"),
        _count(c.c.outcome == "answered").label("answered_calls"),
    ).where(c.c.site_id == site_id, c.c.month == month)
    counted = (await conn.execute(tickets)).mappings().one()
    rang = (await conn.execute(calls)).mappings().one()
    return kpis.MonthCounts(**{k: int(v) for k, v in {**counted, **rang}.items()})


async def seat_sessions(
    conn: AsyncConnection, site_id: str, start: datetime, end: datetime
) -> list[tuple[datetime, datetime | None]]:
    """(login, logout or None) of every seat session overlapping [start, end)."""
    s = SEAT_SESSIONS.table
    query = sa.select(s.c.login_at, s.c.logout_at).where(
        s.c.site_id == site_id,
        s.c.login_at < end,
        sa.or_(s.c.logout_at.is_(None), s.c.logout_at > start),
    )
    return [
        (as_utc(a), as_utc(b) if b is not None else None)
        for a, b in (await conn.execute(query)).all()
    ]


async def kpi_figures(
    conn: AsyncConnection, site_id: str, month: str, now: datetime, site: SiteCalendar
) -> list[kpis.Kpi]:
    """CC-6/CC-11 figures of a site-local month; seats sampled from its start up to now."""
    figures = kpis.evaluate(await month_counts(conn, site_id, month))
    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=site.zone)
    following = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=site.zone)
    sessions = await seat_sessions(conn, site_id, start, following)
    return figures + kpis.seat_coverage(sessions, start, min(following, now), site.zone)
