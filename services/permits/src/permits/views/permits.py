"""Reads of permits: active permits (for patrols and the ladder), the site's board, refunds.

`active_permits` / `active_permit_of_unit` are the names other areas (patrols, violations,
flow 2) build on: keep them stable.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from opsledger.readmodels import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from permits.domain.permit import ACTIVE_STAGES
from permits.readmodels.permits import PERMITS

PermitRow = PERMITS.row_model


@dataclass(frozen=True)
class ActivePermit:
    """A permit that is active (RP-5, RP-6): approved and not yet accepted or closed.

    Works may or may not have started (`works_started`): an approved permit whose fees
    are still unpaid is active too (patrols and the ladder apply from approval). `stage`
    is one of "approved", "works", "finished", "acceptance". `owner_id` is the applicant,
    whom RP-1 checked is an owner of the unit in the register.
    """

    permit_id: str
    site_id: str
    unit_id: str
    owner_id: str
    applicant_id: str
    contractor: str
    stage: str
    works_started: bool
    started_at: datetime | None


def _active(row: sa.RowMapping) -> ActivePermit:
    return ActivePermit(
        permit_id=row["permit_id"],
        site_id=row["site_id"],
        unit_id=row["unit_id"],
        owner_id=row["owner_id"],
        applicant_id=row["applicant_id"],
        contractor=row["contractor"],
        stage=row["stage"],
        works_started=bool(row["works_started"]),
        started_at=PermitRow.model_validate({**row}).started_at,
    )


def _active_query(site_id: str) -> sa.Select[tuple[object, ...]]:
    t = PERMITS.table
    return (
        sa.select(t)
        .where(t.c.site_id == site_id, t.c.stage.in_(sorted(ACTIVE_STAGES)))
        .order_by(t.c.unit_id, t.c.permit_id)
    )


async def active_permits(conn: AsyncConnection, site_id: str) -> list[ActivePermit]:
    """Every active permit of the site, by unit."""
    rows = (await conn.execute(_active_query(site_id))).mappings().all()
    return [_active(r) for r in rows]


async def active_permit_of_unit(
    conn: AsyncConnection, site_id: str, unit_id: str
) -> ActivePermit | None:
    """The unit's active permit, or None (a unit has at most one: `ApplyForPermit`)."""
    query = _active_query(site_id).where(PERMITS.table.c.unit_id == unit_id)
    row = (await conn.execute(query)).mappings().first()
    return None if row is None else _active(row)


async def board(conn: AsyncConnection, site_id: str, stage: str | None = None) -> list[Row]:
    """The site's permits with their stage, next step, its deadline and who owes it;
    the soonest deadline first, closed ones last."""
    t = PERMITS.table
    query = sa.select(t).where(t.c.site_id == site_id)
    if stage is not None:
        query = query.where(t.c.stage == stage)
    closed = sa.case((t.c.next_step.is_(None), 1), else_=0)
    undated = sa.case((sa.and_(t.c.next_due_at.is_(None), t.c.next_due_on.is_(None)), 1), else_=0)
    query = query.order_by(
        closed,
        undated,
        t.c.next_due_at.asc().nulls_last(),  # the same order on PostgreSQL and SQLite
        t.c.next_due_on.asc().nulls_last(),
        t.c.applied_at,
        t.c.permit_id,
    )
    rows = (await conn.execute(query)).mappings().all()
    return [PermitRow.model_validate({**r}) for r in rows]


async def permits_of_unit(conn: AsyncConnection, site_id: str, unit_id: str) -> list[str]:
    """Ids of every permit of a unit, oldest first."""
    t = PERMITS.table
    query = (
        sa.select(t.c.permit_id)
        .where(t.c.site_id == site_id, t.c.unit_id == unit_id)
        .order_by(t.c.applied_at, t.c.permit_id)
    )
    return list((await conn.execute(query)).scalars().all())


async def refunds(conn: AsyncConnection, site_id: str, overdue_only: bool = False) -> list[Row]:
    """Deposits due back (form signed, not refunded), the most pressing first;
    `overdue_only`: those whose target passed (the timer's event recorded it)."""
    t = PERMITS.table
    query = sa.select(t).where(
        t.c.site_id == site_id, t.c.form_signed_at.is_not(None), t.c.refunded_at.is_(None)
    )
    if overdue_only:
        query = query.where(t.c.target_missed.is_(True))
    rows = (await conn.execute(query.order_by(t.c.refund_target_at, t.c.permit_id))).mappings()
    return [PermitRow.model_validate({**r}) for r in rows.all()]
