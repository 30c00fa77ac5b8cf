"""The read audit as the officer, the committee and auditors read it (SR-20)."""

from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from secrets_registry.readmodels.audit import READS


class ReadRecord(BaseModel):
    read_id: str
    reader: str
    route: str
    target: str
    result: str
    at: datetime


async def reads(
    conn: AsyncConnection, site_id: str, reader: str | None = None, limit: int = 500
) -> list[ReadRecord]:
    t = READS.table
    query = sa.select(t).where(t.c.site_id == site_id)
    if reader is not None:
        query = query.where(t.c.reader == reader)
    rows = (await conn.execute(query.order_by(t.c.at.desc(), t.c.read_id).limit(limit))).all()
    return [
        ReadRecord(
            read_id=r.read_id,
            reader=r.reader,
            route=r.route,
            target=r.target,
            result=r.result,
            at=r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC),
        )
        for r in rows
    ]
