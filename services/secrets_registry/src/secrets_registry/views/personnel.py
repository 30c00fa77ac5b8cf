"""Personnel queries and answers (SR-1 … SR-8, SR-18): the officer's reads.

Answers carry ids, levels and dates, never a vetting, file note or carrier title. Which
carriers a person holds is filtered by the reader's clearance with the carriers' own
rule (`views.carriers.visible_ids`, SR-13 / issue 20 item 5): a carrier the reader may
not see is absent from the ids and from the counts, as if it did not exist.
"""

from datetime import date
from typing import Any

import sqlalchemy as sa
from opsledger.readmodels import Row
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from secrets_registry.domain.clearance import Clearance
from secrets_registry.domain.personnel import PersonState
from secrets_registry.domain.personnel.state import Application
from secrets_registry.readmodels.personnel import HOLDINGS, PEOPLE
from secrets_registry.views.carriers import visible_ids

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
    def of(cls, s: PersonState, seen: set[str]) -> "PersonView":
        """`seen`: the carrier ids the reader may see (the others are left out)."""
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
            held_carriers=sorted(s.held_carriers & seen),
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


async def person(
    conn: AsyncConnection, state: PersonState, clearance: Clearance | None
) -> PersonView:
    """One file, its held carrier ids filtered by the reader's clearance."""
    seen = await visible_ids(conn, state.site_id, state.held_carriers, clearance)
    return PersonView.of(state, seen)


async def _held(
    conn: AsyncConnection, site_id: str, clearance: Clearance | None
) -> dict[str, list[str]]:
    """Per person, the carrier ids they hold that the reader may see (sorted)."""
    t = HOLDINGS.table
    query = sa.select(t).where(t.c.site_id == site_id).order_by(t.c.person_id, t.c.carrier_id)
    rows = (await conn.execute(query)).all()
    seen = await visible_ids(conn, site_id, (r.carrier_id for r in rows), clearance)
    held: dict[str, list[str]] = {}
    for r in rows:
        if r.carrier_id in seen:
            held.setdefault(r.person_id, []).append(r.carrier_id)
    return held


async def _board(
    conn: AsyncConnection, query: sa.Select[Any], site_id: str, clearance: Clearance | None
) -> list[Row]:
    """Rows of the board, `carriers_held` counting only the carriers the reader sees."""
    held = await _held(conn, site_id, clearance)
    return [
        PersonRow.model_validate({**r, "carriers_held": len(held.get(r["person_id"], ()))})
        for r in (await conn.execute(query)).mappings()
    ]


async def people(conn: AsyncConnection, site_id: str, clearance: Clearance | None) -> list[Row]:
    t = PEOPLE.table
    query = sa.select(t).where(t.c.site_id == site_id).order_by(t.c.person_id)
    return await _board(conn, query, site_id, clearance)


async def in_declassification(
    conn: AsyncConnection, site_id: str, day: date, clearance: Clearance | None
) -> list[Row]:
    """SR-5: people inside their declassification period on `day`, soonest end first."""
    t = PEOPLE.table
    query = (
        sa.select(t)
        .where(t.c.site_id == site_id, t.c.period_ends_on >= day, t.c.in_post.is_(False))
        .order_by(t.c.period_ends_on, t.c.person_id)
    )
    return await _board(conn, query, site_id, clearance)


async def holdings(
    conn: AsyncConnection, site_id: str, clearance: Clearance | None
) -> list[Holding]:
    """SR-13 rev.2, SR-18: who holds which carrier the reader may see (ids only); a
    person holding none of those is not listed."""
    held = await _held(conn, site_id, clearance)
    return [Holding(person_id=p, carrier_ids=c) for p, c in held.items()]
