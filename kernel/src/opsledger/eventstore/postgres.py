"""The PostgreSQL backend: one `opsledger_append(...)` call per append, safe-head reads.

See the package docstring for the protocol (migrations kernel_0002..kernel_0005).
"""

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.eventstore.base import Appended, NewEvent, Status, dumps

_PG_APPEND = sa.text(
    "SELECT status, pos, ver FROM opsledger_append(:stream_id, :stream_type, :expected, :ids,"
    " :types, :schemas, :sites, :actors, :correlations, :causations, :occurred, :recorded,"
    " :payloads)"
)
_SAFE_HEAD = sa.text("SELECT opsledger_safe_head()")


async def safe_head(conn: AsyncConnection) -> int:
    """PostgreSQL: the highest position below which no transaction is still in flight.

    Call it in READ COMMITTED and read rows in a later statement (its snapshot is then
    taken after this one), never in the same statement.
    """
    return int((await conn.execute(_SAFE_HEAD)).scalar() or 0)


class PostgresBackend:
    """`Backend` on PostgreSQL."""

    async def append(
        self,
        conn: AsyncConnection,
        stream_id: str,
        stream_type: str,
        expected_version: int | None,
        new_events: Sequence[NewEvent],
        payloads: Sequence[Mapping[str, Any]],
        recorded_at: datetime,
    ) -> Appended:
        params: dict[str, Any] = {
            "stream_id": stream_id,
            "stream_type": stream_type,
            "expected": expected_version,
            "ids": [e.event_id for e in new_events],
            "types": [e.payload.event_type for e in new_events],
            "schemas": [e.payload.schema_version for e in new_events],
            "sites": [e.site_id for e in new_events],
            "actors": [e.actor for e in new_events],
            "correlations": [e.correlation_id for e in new_events],
            "causations": [e.causation_id for e in new_events],
            "occurred": [e.occurred_at or recorded_at for e in new_events],
            "recorded": recorded_at,
            "payloads": [dumps(p) for p in payloads],
        }
        rows = (await conn.execute(_PG_APPEND, params)).all()
        status, count, current = rows[0]
        if status != "appended":
            stored = None if count is None else int(count)
            return Appended(cast(Status, status), stored, int(current), [])
        by_version = {int(ver): int(pos) for _, pos, ver in rows}
        first = min(by_version)
        positions = [by_version[first + i] for i in range(len(new_events))]
        return Appended("appended", None, first - 1, positions)

    async def read_bound(self, conn: AsyncConnection) -> int | None:
        return await safe_head(conn)

    async def head(self, conn: AsyncConnection) -> int:
        return await safe_head(conn)
