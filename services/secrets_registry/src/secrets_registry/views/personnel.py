"""Personnel queries and answers (SR-1 … SR-8, SR-18): the officer's reads.

Answers carry ids, levels and dates, never a vetting, file note or carrier title.
"""

from datetime import date

import sqlalchemy as sa
from opsledger.readmodels import Row
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from secrets_registry.domain.personnel import PersonState
from secrets_registry.domain.personnel.state import Application
from secrets_registry.readmodels.personnel import HOLDINGS, PEOPLE

PersonRow = PEOPLE.row_model


class PersonView(BaseModel):
    """One person's record as the officer, the committee, an auditor or the person sees it."""

    person_id: str
    site_id: str
    department: str
    post: str
    level: str | None
    key_department: bool
    in_post: bool
    entered_on: date | None
    vetted_on: date | None
    last_year_appraisal: str
    trained_on: date | None
    pledged_until: date | None
    departure_pledge_on: date | None
    key_locations: list[str]
    scopes: list[str]
    held_carriers: list[str]
    registers: list[str]
    proposed_level: str | None
    travels: dict[str, str]
    applications: dict[str, str]
    left_on: date | None
    declassification_ends_on: date | None
    unauthorised_departure: str

    @classmethod
    def of(cls, s: PersonState) -> "PersonView":
        return cls(
            person_id=s.person_id,
            site_id=s.site_id,
            department=s.department,
            post=s.post,
            level=None if s.level is None else s.level.value,
            key_department=s.key_department,
            in_post=s.in_post,
            entered_on=s.entered_on,
            vetted_on=s.vetted_on,
            last_year_appraisal=s.appraisal,
            trained_on=s.trained_on,
            pledged_until=s.pledged_until,
            departure_pledge_on=s.departure_pledge_on,
            key_locations=sorted(s.key_locations),
            scopes=sorted(s.scopes),
            held_carriers=sorted(s.held_carriers),
            registers=sorted(s.registers),
            proposed_level=None if s.proposal is None else s.proposal.level.value,
            travels=dict(s.travels),
            applications={k: _stage(a) for k, a in s.applications.items()},
            left_on=s.left_on,
            declassification_ends_on=s.period_ends_on,
            unauthorised_departure=s.unauthorised,
        )


def _stage(app: Application) -> str:
    if app.used:
        return "done"
    if app.approved is not None:
        return "approved" if app.approved else "denied"
    if app.reviewed is not None:
        return "reviewed" if app.reviewed else "review_failed"
    return "applied"


class Holding(BaseModel):
    person_id: str
    carrier_ids: list[str]


async def people(conn: AsyncConnection, site_id: str) -> list[Row]:
    t = PEOPLE.table
    query = sa.select(t).where(t.c.site_id == site_id).order_by(t.c.person_id)
    return [PersonRow.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]


async def in_declassification(conn: AsyncConnection, site_id: str, day: date) -> list[Row]:
    """SR-5: people inside their declassification period on `day`, soonest end first."""
    t = PEOPLE.table
    query = (
        sa.select(t)
        .where(t.c.site_id == site_id, t.c.period_ends_on >= day, t.c.in_post.is_(False))
        .order_by(t.c.period_ends_on, t.c.person_id)
    )
    return [PersonRow.model_validate(dict(r)) for r in (await conn.execute(query)).mappings()]


async def holdings(conn: AsyncConnection, site_id: str) -> list[Holding]:
    """SR-13 rev.2, SR-18: who holds which carrier (ids only), per person."""
    t = HOLDINGS.table
    query = sa.select(t).where(t.c.site_id == site_id).order_by(t.c.person_id, t.c.carrier_id)
    held: dict[str, list[str]] = {}
    for row in (await conn.execute(query)).mappings():
        held.setdefault(row["person_id"], []).append(row["carrier_id"])
    return [Holding(person_id=p, carrier_ids=c) for p, c in held.items()]
