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
from callcenter.domain.calls import staffing
from callcenter.domain.rules import CallcenterRules
from callcenter.readmodels.desk import CALLS, CUSTOMERS, REPAIRS, SEAT_SESSIONS, TICKETS


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
    - surveyed satisfaction (CC-6 rev.): survey forms whose overall score is 4 or 5, over
      the tickets of the month that have one (not callbacks);
    - repairs (CC-6 rev.): every dispatch work order we follow (`cc_repairs`, with or
      without a ticket) that is a repair: classed urgent/minor by dispatch, or carrying a
      fault code, or ordered by a repair ticket; counted in the site-local month of issue;
    - timeliness per class: repairs completed, or overdue, in that month's cohort;
      timely = completed by the reply-by time as issued (a progress report moves nothing);
    - first-time fix: repairs not flagged as a repeat of an earlier one (WO-10).
    """
    t = TICKETS.table
    valid = sa.and_(
        t.c.kind == "complaint",
        sa.or_(t.c.closed_outcome.is_(None), t.c.closed_outcome != "invalid_complaint"),
    )
    resolved = sa.and_(t.c.kind.in_(("complaint", "repair")), t.c.ever_resolved)
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
        _count(t.c.survey_overall.is_not(None)).label("surveys"),
        _count(t.c.survey_overall >= 4).label("surveys_satisfied"),
        _count(t.c.sla_breached).label("sla_breaches"),
    ).where(t.c.site_id == site_id, t.c.month == month)
    r = REPAIRS.table
    repair_tickets = sa.select(t.c.ticket_id).where(t.c.site_id == site_id, t.c.kind == "repair")
    repair = sa.or_(
        r.c.repair_class.is_not(None),
        r.c.fault_code.is_not(None),
        r.c.ticket_id.in_(repair_tickets),
    )
    judged = sa.and_(repair, r.c.timely.is_not(None))
    by_class: dict[str, sa.ColumnElement[bool]] = {
        "urgent": r.c.repair_class == "urgent",
        "minor": r.c.repair_class == "minor",
        "unclassed": r.c.repair_class.is_(None),
    }
    repairs = sa.select(
        _count(repair).label("repairs"),
        _count(sa.and_(repair, sa.not_(r.c.repeat_repair))).label("repairs_first_time"),
        *(_count(sa.and_(judged, c)).label(f"{name}_repairs") for name, c in by_class.items()),
        *(
            _count(sa.and_(judged, c, r.c.timely)).label(f"{name}_on_time")
            for name, c in by_class.items()
        ),
    ).where(r.c.site_id == site_id, r.c.month == month)
    c = CALLS.table
    calls = sa.select(
        sa.func.count().label("calls"),
        _count(c.c.outcome == "answered").label("answered_calls"),
    ).where(c.c.site_id == site_id, c.c.month == month)
    counted = (await conn.execute(tickets)).mappings().one()
    repaired = (await conn.execute(repairs)).mappings().one()
    rang = (await conn.execute(calls)).mappings().one()
    return kpis.MonthCounts(**{k: int(v) for k, v in {**counted, **repaired, **rang}.items()})


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
    """CC-6/CC-11 figures of a site-local month against the site's targets; seats sampled
    from the month's start up to now."""
    rules = site.rules(CallcenterRules)
    figures = kpis.evaluate(await month_counts(conn, site_id, month), rules)
    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=site.zone)
    following = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=site.zone)
    sessions = await seat_sessions(conn, site_id, start, following)
    # CC-11 (rev.): the site's bands and minimums (peak, the 20:00-08:00 night, every hour).
    coverage = staffing.seat_coverage(
        sessions, start, min(following, now), site.zone, rules.staffing
    )
    return figures + kpis.judge_coverage(coverage, rules)


async def seat_coverage(
    conn: AsyncConnection, site_id: str, month: str, now: datetime, site: SiteCalendar
) -> list[staffing.BandCoverage]:
    """CC-11 (rev.) seats online of a site-local month, from its start up to now: per band
    (peak, night, every hour) the quarter-hours sampled, those with the site's minimum
    online, and the fewest seen. Names are the KPI's: `seats_online_<band>`."""
    year, mon = (int(x) for x in month.split("-"))
    start = datetime(year, mon, 1, tzinfo=site.zone)
    following = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=site.zone)
    sessions = await seat_sessions(conn, site_id, start, following)
    rules = site.rules(CallcenterRules)
    return staffing.seat_coverage(sessions, start, min(following, now), site.zone, rules.staffing)
