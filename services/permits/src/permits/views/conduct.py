"""Works-conduct reads: patrol coverage per day (RP-5), violations per permit and per
contractor (RP-6), a permit's works record."""

from datetime import date, datetime
from typing import TYPE_CHECKING, TypeAlias

import sqlalchemy as sa
from opsledger.readmodels import Row
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from permits.domain.conduct import ConductState
from permits.readmodels.conduct import PATROL_DAYS, VIOLATIONS


class DayCoverage(BaseModel):
    """RP-5 rev.2: of the permits active on a site-local day, which were patrolled."""

    local_date: date
    active: int
    patrolled: int
    missed: list[str]  # permits whose day ended without a patrol
    unpatrolled: list[str]  # not patrolled yet (the day may still be running)


# A violation as its read model shows it: one field per shown column (no restating).
if TYPE_CHECKING:
    ViolationRow: TypeAlias = Row
else:
    ViolationRow = VIOLATIONS.row_model


class ContractorViolations(BaseModel):
    contractor: str
    permits: int
    violations: int
    serious: int


class WorksView(BaseModel):
    """A permit's works record: where it stands on patrols and the RP-6 ladder."""

    permit_id: str
    site_id: str
    unit_id: str
    contractor: str
    open: bool
    patrol_days: int
    missed_days: list[date]
    checks: int
    violations: list[str]
    notice_issued_at: datetime | None
    persists_after_notice: bool
    complaints: list[str]
    complaints_since_notice: int
    stopped: str | None
    approvals: list[str]

    @classmethod
    def of(cls, s: ConductState) -> "WorksView":
        return cls(
            permit_id=s.permit_id,
            site_id=s.site_id,
            unit_id=s.unit_id,
            contractor=s.contractor,
            open=s.open,
            patrol_days=sum(1 for d in s.days if d.patrols),
            missed_days=[d.local_date for d in s.days if d.missed],
            checks=s.checks,
            violations=[v.violation_id for v in s.violations if not v.withdrawn],
            notice_issued_at=s.notice_at,
            persists_after_notice=s.persists_after_notice,
            complaints=[ticket for ticket, _ in s.complaints],
            complaints_since_notice=s.complaints_since_notice(),
            stopped=s.stopped,
            approvals=list(s.approvals),
        )


async def patrol_coverage(
    conn: AsyncConnection, site_id: str, first: date, last: date
) -> list[DayCoverage]:
    t = PATROL_DAYS.table
    query = (
        sa.select(t.c.local_date, t.c.permit_id, t.c.patrols, t.c.missed)
        .where(t.c.site_id == site_id, t.c.local_date >= first, t.c.local_date <= last)
        .order_by(t.c.local_date, t.c.permit_id)
    )
    days: dict[date, DayCoverage] = {}
    for row in (await conn.execute(query)).all():
        day = days.setdefault(
            row.local_date,
            DayCoverage(
                local_date=row.local_date, active=0, patrolled=0, missed=[], unpatrolled=[]
            ),
        )
        day.active += 1
        if row.patrols:
            day.patrolled += 1
        elif row.missed:
            day.missed.append(row.permit_id)
        else:
            day.unpatrolled.append(row.permit_id)
    return list(days.values())


async def violations(
    conn: AsyncConnection, site_id: str, permit_id: str | None, contractor: str | None
) -> list[ViolationRow]:
    t = VIOLATIONS.table
    query = sa.select(t).where(t.c.site_id == site_id)
    if permit_id is not None:
        query = query.where(t.c.permit_id == permit_id)
    if contractor is not None:
        query = query.where(t.c.contractor == contractor)
    rows = (await conn.execute(query.order_by(t.c.permit_id, t.c.number))).mappings().all()
    return [ViolationRow.model_validate(dict(r)) for r in rows]


async def violations_per_contractor(
    conn: AsyncConnection, site_id: str
) -> list[ContractorViolations]:
    t = VIOLATIONS.table
    query = (
        sa.select(
            t.c.contractor,
            sa.func.count(sa.distinct(t.c.permit_id)).label("permits"),
            sa.func.count().label("violations"),
            sa.func.sum(sa.case((t.c.serious, 1), else_=0)).label("serious"),
        )
        .where(t.c.site_id == site_id, t.c.withdrawn.is_(False))
        .group_by(t.c.contractor)
        .order_by(t.c.contractor)
    )
    return [
        ContractorViolations(
            contractor=r.contractor, permits=r.permits, violations=r.violations, serious=r.serious
        )
        for r in (await conn.execute(query)).all()
    ]
