"""Key locations as the officer reads them (SR-9): entry list, who is inside, breaches,
and every entry and exit."""

from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from secrets_registry.domain.locations import LocationState
from secrets_registry.readmodels.carriers import KEY_LOCATIONS, PASSAGES


class LocationView(BaseModel):
    location_id: str
    site_id: str
    name: str
    kind: str
    entry_list: list[str]
    inside: list[str]
    breaches: int

    @classmethod
    def of(cls, s: LocationState) -> "LocationView":
        return cls(
            location_id=s.location_id,
            site_id=s.site_id,
            name=s.name,
            kind=s.kind,
            entry_list=sorted(s.entry_list),
            inside=list(s.inside),
            breaches=s.breaches,
        )


class PassageRow(BaseModel):
    person_id: str
    entry: str  # entered | left | alone (the SR-9 breach)
    at: datetime


async def locations(conn: AsyncConnection, site_id: str) -> list[LocationView]:
    t = KEY_LOCATIONS.table
    rows = (await conn.execute(sa.select(t).where(t.c.site_id == site_id))).all()
    return [
        LocationView(
            location_id=r.location_id,
            site_id=r.site_id,
            name=r.name,
            kind=r.kind,
            entry_list=r.entry_list.split(),
            inside=r.inside.split(),
            breaches=r.breaches,
        )
        for r in sorted(rows, key=lambda r: r.location_id)
    ]


async def passages(conn: AsyncConnection, site_id: str, location_id: str) -> list[PassageRow]:
    t = PASSAGES.table
    query = sa.select(t).where(t.c.site_id == site_id, t.c.location_id == location_id)
    rows = (await conn.execute(query.order_by(t.c.at, t.c.passage_id))).all()
    return [
        PassageRow(
            person_id=r.person_id,
            entry=r.entry,
            at=r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC),
        )
        for r in rows
    ]
