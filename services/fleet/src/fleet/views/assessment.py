"""FL-10 read: the month's 100-point assessment of every driver and vehicle of a site."""

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from fleet.readmodels.assessment import DRIVER_POINTS, VEHICLE_POINTS
from fleet.readmodels.vehicles import DRIVERS, VEHICLES
from fleet.views.vehicles import _Row, _rows

FULL_MARKS = 100


class Deduction(_Row):
    deduction_id: str
    points: int
    item: str
    rule: str
    note: str


class Score(_Row):
    subject: str
    score: int
    deducted: int
    deductions: list[Deduction]


class Assessment(_Row):
    site_id: str
    month: str
    drivers: list[Score]
    vehicles: list[Score]


class _DeductionRow(Deduction):
    subject: str


async def _scores(
    conn: AsyncConnection, points: sa.Table, subjects: list[str], site_id: str, month: str
) -> list[Score]:
    query = sa.select(points).where(points.c.site_id == site_id, points.c.month == month)
    rows = await _rows(conn, _DeductionRow, query.order_by(points.c.deduction_id))
    by_subject: dict[str, list[Deduction]] = {s: [] for s in subjects}
    for row in rows:
        by_subject.setdefault(row.subject, []).append(Deduction.model_validate(row.model_dump()))
    scores = []
    for subject in sorted(by_subject):
        items = by_subject[subject]
        deducted = sum(d.points for d in items)
        scores.append(
            Score(
                subject=subject,
                score=max(FULL_MARKS - deducted, 0),
                deducted=deducted,
                deductions=items,
            )
        )
    return scores


async def subjects(conn: AsyncConnection, site_id: str) -> tuple[list[str], list[str]]:
    """The site's drivers and vehicles as the boards list them (sorted ids)."""
    d, v = DRIVERS.table, VEHICLES.table
    drivers = (await conn.execute(sa.select(d.c.driver_id).where(d.c.site_id == site_id))).scalars()
    vehicles = (
        await conn.execute(sa.select(v.c.vehicle_id).where(v.c.site_id == site_id))
    ).scalars()
    return sorted(drivers), sorted(vehicles)


async def assessment(conn: AsyncConnection, site_id: str, month: str) -> Assessment:
    """Every driver and vehicle of the site: 100 minus the month's itemized deductions."""
    drivers, vehicles = await subjects(conn, site_id)
    return Assessment(
        site_id=site_id,
        month=month,
        drivers=await _scores(conn, DRIVER_POINTS.table, drivers, site_id, month),
        vehicles=await _scores(conn, VEHICLE_POINTS.table, vehicles, site_id, month),
    )
