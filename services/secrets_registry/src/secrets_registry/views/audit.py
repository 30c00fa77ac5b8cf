"""The read audit as the officer, the committee and auditors read it (SR-20).

The audit must not become a side door (item 5): a read of one carrier is listed only to
a reader who may see that carrier (a read of an id that does not exist is as absent as
one of a carrier the reader may not see), and how many carriers another person's list
showed is masked (`listed`, not `listed:N`). The event in the log keeps everything.
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncConnection

from secrets_registry.domain.clearance import Clearance
from secrets_registry.readmodels.audit import READS
from secrets_registry.views.carriers import carrier


class ReadRecord(BaseModel):
    read_id: str
    reader: str
    route: str
    target: str
    result: str
    at: datetime


async def reads(
    conn: AsyncConnection,
    site_id: str,
    viewer: str,
    clearance: Clearance | None,
    reader: str | None = None,
    limit: int = 500,
) -> list[ReadRecord]:
    t = READS.table
    query = sa.select(t).where(t.c.site_id == site_id)
    if reader is not None:
        query = query.where(t.c.reader == reader)
    rows = (await conn.execute(query.order_by(t.c.at.desc(), t.c.read_id).limit(limit))).all()
    records = []
    for r in rows:
        own = r.reader == viewer
        if (
            r.carrier_id
            and not own
            and await carrier(conn, site_id, r.carrier_id, clearance) is None
        ):
            continue
        records.append(
            ReadRecord(
                read_id=r.read_id,
                reader=r.reader,
                route=r.route,
                target=r.target,
                result=r.result if own else r.result.split(":")[0],
                at=r.at if r.at.tzinfo else r.at.replace(tzinfo=UTC),
            )
        )
    return records
