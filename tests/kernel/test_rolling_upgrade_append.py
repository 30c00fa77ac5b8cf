"""A kernel migration that replaces `opsledger_append`, with replicas of the previous version
still running (the upgrade order in kernel/README.md, "Running more than one replica":
the database is migrated first, replicas are replaced after).

So the newest append function (the database migrated to head here) must write rows the
previous version's readers read right, and must answer the previous version's appends.
The previous version's statements are frozen below as that version sends them (the
kernel at main 0885bf2, migration kernel_0004; `EventStore.read_all`/`head_position`,
`OutboxRelay` through `read_all`, `EventStore._append_postgres`), not imported: a later
change to eventstore.py leaves them as they were. What this does not cover: a previous
version's Python decoding (the current `RecordedEvent` decoding is not exercised through
the frozen reader; raw columns are compared instead), and SQLite (no append function,
one process).
"""

import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
import sqlalchemy as sa
from opsledger.eventstore import EventStore, NewEvent
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tests.kernel.payloads import CounterIncremented

pytestmark = pytest.mark.postgres

PREVIOUS_SAFE_HEAD = sa.text("SELECT opsledger_safe_head()")
PREVIOUS_READ = sa.text(
    "SELECT events.position, events.event_id, events.stream_id, events.stream_type,"
    " events.version, events.event_type, events.schema_version, events.site_id,"
    " events.actor, events.correlation_id, events.causation_id, events.occurred_at,"
    " events.recorded_at, events.payload FROM events"
    " WHERE events.position > :after AND events.position <= :head"
    " ORDER BY events.position LIMIT :limit"
)
PREVIOUS_APPEND = sa.text(
    "SELECT status, pos, ver FROM opsledger_append(:stream_id, :stream_type, :expected, :ids,"
    " :types, :schemas, :sites, :actors, :correlations, :causations, :occurred, :recorded,"
    " :payloads)"
)
AT = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


async def previous_read_all(conn: AsyncConnection, after: int) -> list[dict[str, Any]]:
    """The previous version's follower read: the safe head, then rows up to it."""
    head = int((await conn.execute(PREVIOUS_SAFE_HEAD)).scalar() or 0)
    if head <= after:
        return []
    params = {"after": after, "head": head, "limit": 1000}
    return [dict(r) for r in (await conn.execute(PREVIOUS_READ, params)).mappings()]


def event(by: int) -> NewEvent:
    return NewEvent(CounterIncremented(by=by), "site-a", "staff-1", "corr-1", "cause-1", AT)


@pytest.fixture
def postgres(engine: AsyncEngine) -> AsyncEngine:
    if engine.dialect.name != "postgresql":
        pytest.skip("the append function exists on PostgreSQL only")
    return engine


async def test_the_previous_reader_reads_what_the_newest_append_wrote_in_order(
    postgres: AsyncEngine,
) -> None:
    store = EventStore()
    early = await postgres.connect()
    try:
        await early.begin()
        (first,) = await store.append(early, "early", "Counter", 0, [event(1)])
        async with postgres.begin() as conn:
            later = await store.append(conn, "later", "Counter", 0, [event(2), event(3)])
        async with postgres.connect() as conn:
            assert await previous_read_all(conn, 0) == []  # stops below the one in flight
        await early.commit()
    finally:
        await early.close()
    async with postgres.connect() as conn:
        rows = await previous_read_all(conn, 0)
    written = [first, *later]
    assert [r["position"] for r in rows] == [e.position for e in written]
    for row, recorded in zip(rows, written, strict=True):
        assert row["event_id"] == recorded.event_id
        assert (row["stream_id"], row["stream_type"], row["version"]) == (
            recorded.stream_id,
            "Counter",
            recorded.version,
        )
        assert (row["event_type"], row["schema_version"]) == ("CounterIncremented", 1)
        assert (row["site_id"], row["actor"]) == ("site-a", "staff-1")
        assert (row["correlation_id"], row["causation_id"]) == ("corr-1", "cause-1")
        assert row["occurred_at"] == AT and row["recorded_at"] == recorded.recorded_at
        assert row["payload"] == json.loads(json.dumps(recorded.payload))


def previous_params(stream_id: str, expected: int | None, bys: list[int]) -> dict[str, Any]:
    """The previous version's arguments, built as its `_append_postgres` built them."""
    return {
        "stream_id": stream_id,
        "stream_type": "Counter",
        "expected": expected,
        "ids": [uuid4() for _ in bys],
        "types": ["CounterIncremented" for _ in bys],
        "schemas": [1 for _ in bys],
        "sites": ["site-a" for _ in bys],
        "actors": ["staff-1" for _ in bys],
        "correlations": ["corr-1" for _ in bys],
        "causations": [None for _ in bys],
        "occurred": [AT for _ in bys],
        "recorded": AT,
        "payloads": [json.dumps({"by": by}) for by in bys],
    }


async def test_the_newest_append_answers_the_previous_writer_as_before(
    postgres: AsyncEngine,
) -> None:
    store = EventStore()
    batch = previous_params("old-writer", 0, [4, 5])
    async with postgres.begin() as conn:
        appended = (await conn.execute(PREVIOUS_APPEND, batch)).all()
    assert [(s, v) for s, _, v in appended] == [("appended", 1), ("appended", 2)]
    async with postgres.begin() as conn:  # a retry of the same batch: stored, a no-op
        (retry,) = (await conn.execute(PREVIOUS_APPEND, batch)).all()
    assert retry[0] == "stored"
    async with postgres.begin() as conn:  # a stale expected version: conflict, current 2
        (conflict,) = (
            await conn.execute(PREVIOUS_APPEND, previous_params("old-writer", 0, [6]))
        ).all()
    assert (conflict[0], conflict[2]) == ("conflict", 2)
    async with postgres.connect() as conn:
        read = await store.read_all(conn, 0)
    assert [(e.stream_id, e.version, e.payload) for e in read] == [
        ("old-writer", 1, {"by": 4}),
        ("old-writer", 2, {"by": 5}),
    ]
