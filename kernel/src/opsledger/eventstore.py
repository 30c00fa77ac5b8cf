"""Append-only event store on SQLAlchemy Core (PostgreSQL and SQLite).

Ordering guarantee: followers read `position > checkpoint` (`read_all`) and never skip
an event that commits late; the global order stays one integer any follower can
checkpoint.

PostgreSQL: one server round trip per append, `opsledger_append(...)` (migrations
kernel_0002/0003): it takes a per-stream lock (optimistic concurrency and idempotency
cannot race), checks idempotency (all ids stored: a no-op returning the stored events;
some: DuplicateEventError) and the expected version (ConcurrencyError naming the current
one), draws positions, inserts from arrays and returns the positions. There is no table
lock. Positions may therefore commit out of order, so each appender announces its first
position as "in flight" (a transaction-scoped advisory lock, released by PostgreSQL only
after the commit is visible), and `read_all`/`head_position` first ask
`opsledger_safe_head()` for the highest position below every announced one and read no
further (in a later statement, so its snapshot is taken after that answer). Drawing and
announcing are atomic for readers (a session advisory lock held for microseconds inside
each call). An aborted append leaves a gap nobody waits for.

Why not the table lock (`LOCK TABLE events IN EXCLUSIVE MODE`, kernel_0002, and what the
`eventsourcing` library does): it is held until the commit's WAL flush and across the
client's round trip to COMMIT, so appends are serialised on the flush and concurrent
writers never share one: measured, 8 writers appended *slower* than 1 (573 vs 938/s).
Without it, concurrent commits share flushes (PostgreSQL's group commit) and writers only
queue per stream. Why not reader-side transaction-id watermarks (Emmett): they order by
(xid, position), a checkpoint change for every follower, and any long transaction in the
cluster stalls every reader; here only an in-flight *append* holds readers back.
Why not in-process group commit: an append runs inside the caller's transaction (inbox
row, timers, checkpoint in the same commit), so appends of different transactions cannot
be merged into one call without merging the transactions themselves (that would be the
Runtime's job: run concurrent commands as savepoints of one transaction; not done).
Cost: a follower's read is two statements, and `opsledger_safe_head()` reads `pg_locks`.

SQLite: one writer (every transaction begins IMMEDIATE, see `db.create_engine`), so
insert order is commit order; the whole append runs in one hop to aiosqlite's thread.

Written events are returned as built (payload dumped once, upcast only when an upcaster
exists for that version), not read back.
"""

import json
import sqlite3
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from opsledger_contracts import REGISTRY, UPCASTERS, EventEnvelope, EventPayload, EventRegistry
from opsledger_contracts.upcasting import UpcasterChain
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.clock import Clock, SystemClock, as_utc
from opsledger.db import events

_PG_APPEND = sa.text(
    "SELECT status, pos, ver FROM opsledger_append(:stream_id, :stream_type, :expected, :ids,"
    " :types, :schemas, :sites, :actors, :correlations, :causations, :occurred, :recorded,"
    " :payloads)"
)
# Column order of `events` minus position (SQLite assigns it: INTEGER PRIMARY KEY).
_SQLITE_INSERT = (
    "INSERT INTO events (event_id, stream_id, stream_type, version, event_type,"
    " schema_version, site_id, actor, correlation_id, causation_id, occurred_at,"
    " recorded_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


_SAFE_HEAD = sa.text("SELECT opsledger_safe_head()")


async def safe_head(conn: AsyncConnection) -> int:
    """PostgreSQL: the highest position below which no transaction is still in flight.

    Call it in READ COMMITTED and read rows in a later statement (its snapshot is then
    taken after this one), never in the same statement.
    """
    return int((await conn.execute(_SAFE_HEAD)).scalar() or 0)


def _dumps(payload: object) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _sqlite_time(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores (naive ISO, microseconds), in UTC:
    a time given in another zone would otherwise be stored as its wall clock."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S.%f")


class ConcurrencyError(Exception):
    """The stream moved on since the caller read it (optimistic concurrency)."""

    def __init__(self, stream_id: str, expected_version: int, current_version: int) -> None:
        super().__init__(
            f"stream {stream_id} is at version {current_version}, expected {expected_version}"
        )
        self.stream_id = stream_id
        self.expected_version = expected_version
        self.current_version = current_version


class DuplicateEventError(Exception):
    """Part of a batch is stored already, part is not: the batch is not a clean retry."""


@dataclass(frozen=True)
class NewEvent:
    """An event about to be appended: its payload and who/what caused it."""

    payload: EventPayload
    site_id: str
    actor: str
    correlation_id: str
    causation_id: str | None = None
    occurred_at: datetime | None = None
    event_id: UUID = field(default_factory=uuid4)


@dataclass(frozen=True)
class RecordedEvent:
    """A stored event as read back; `payload` is upcast to `schema_version`."""

    position: int
    event_id: UUID
    stream_id: str
    stream_type: str
    version: int
    event_type: str
    schema_version: int
    stored_schema_version: int
    site_id: str
    actor: str
    correlation_id: str
    causation_id: str | None
    occurred_at: datetime
    recorded_at: datetime
    payload: Mapping[str, Any]

    def decode(self, registry: EventRegistry = REGISTRY) -> EventPayload:
        """The payload as its published contract model."""
        return registry.get(self.event_type, self.schema_version).model_validate(self.payload)

    def envelope(self, source: str) -> EventEnvelope:
        return EventEnvelope(
            event_id=self.event_id,
            event_type=self.event_type,
            schema_version=self.schema_version,
            source=source,
            site_id=self.site_id,
            stream_id=self.stream_id,
            stream_type=self.stream_type,
            stream_version=self.version,
            occurred_at=self.occurred_at,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            actor=self.actor,
        )


class EventStore:
    """Reads and appends events inside the caller's connection/transaction."""

    def __init__(self, clock: Clock | None = None, upcasters: UpcasterChain = UPCASTERS) -> None:
        self._clock = clock or SystemClock()
        self._upcasters = upcasters

    @property
    def upcasters(self) -> UpcasterChain:
        return self._upcasters

    async def current_version(self, conn: AsyncConnection, stream_id: str) -> int:
        query = sa.select(sa.func.max(events.c.version)).where(events.c.stream_id == stream_id)
        return int((await conn.execute(query)).scalar() or 0)

    async def append(
        self,
        conn: AsyncConnection,
        stream_id: str,
        stream_type: str,
        expected_version: int | None,
        new_events: Sequence[NewEvent],
    ) -> list[RecordedEvent]:
        """Append `new_events` after `expected_version` (None: wherever the stream ends).

        Re-appending a batch whose event ids are all stored already is a no-op that
        returns the stored events, so a retried command or message is harmless.
        """
        if not new_events:
            return []
        recorded_at = self._clock.now()
        if conn.dialect.name == "postgresql":
            return await self._append_postgres(
                conn, stream_id, stream_type, expected_version, new_events, recorded_at
            )
        return await self._append_sqlite(
            conn, stream_id, stream_type, expected_version, new_events, recorded_at
        )

    async def _append_postgres(
        self,
        conn: AsyncConnection,
        stream_id: str,
        stream_type: str,
        expected_version: int | None,
        new_events: Sequence[NewEvent],
        recorded_at: datetime,
    ) -> list[RecordedEvent]:
        payloads = [e.payload.model_dump(mode="json") for e in new_events]
        ids = [e.event_id for e in new_events]
        params: dict[str, Any] = {
            "stream_id": stream_id,
            "stream_type": stream_type,
            "expected": expected_version,
            "ids": ids,
            "types": [e.payload.event_type for e in new_events],
            "schemas": [e.payload.schema_version for e in new_events],
            "sites": [e.site_id for e in new_events],
            "actors": [e.actor for e in new_events],
            "correlations": [e.correlation_id for e in new_events],
            "causations": [e.causation_id for e in new_events],
            "occurred": [e.occurred_at or recorded_at for e in new_events],
            "recorded": recorded_at,
            "payloads": [_dumps(p) for p in payloads],
        }
        rows = (await conn.execute(_PG_APPEND, params)).all()
        status, count, current = rows[0]
        if status != "appended":
            self._refuse(status, stream_id, expected_version, len(new_events), count, current)
            return await self._stored(conn, ids)
        positions = {int(ver): int(pos) for _, pos, ver in rows}
        first = min(positions)
        return [
            self._written(
                e, stream_id, stream_type, first + i, positions[first + i], p, recorded_at
            )
            for i, (e, p) in enumerate(zip(new_events, payloads, strict=True))
        ]

    async def _append_sqlite(
        self,
        conn: AsyncConnection,
        stream_id: str,
        stream_type: str,
        expected_version: int | None,
        new_events: Sequence[NewEvent],
        recorded_at: datetime,
    ) -> list[RecordedEvent]:
        """The whole append in one hop to aiosqlite's thread (each hop costs ~50 µs).

        The transaction began IMMEDIATE (db.create_engine), so this process holds
        SQLite's only write lock: the probe and the insert cannot race another writer.
        """
        payloads = [e.payload.model_dump(mode="json") for e in new_events]
        ids = [e.event_id.hex for e in new_events]
        stamp = _sqlite_time(recorded_at)
        rows = [
            (
                e.event_id.hex,
                stream_id,
                stream_type,
                e.payload.event_type,
                e.payload.schema_version,
                e.site_id,
                e.actor,
                e.correlation_id,
                e.causation_id,
                _sqlite_time(e.occurred_at) if e.occurred_at else stamp,
                stamp,
                _dumps(p),
            )
            for e, p in zip(new_events, payloads, strict=True)
        ]

        def work(db: sqlite3.Connection) -> tuple[str, int, int, list[int]]:
            marks = ",".join("?" * len(ids))
            (stored,) = db.execute(
                f"SELECT count(*) FROM events WHERE event_id IN ({marks})", ids
            ).fetchone()
            (current,) = db.execute(
                "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = ?", (stream_id,)
            ).fetchone()
            if stored == len(ids):
                return "stored", stored, current, []
            if stored:
                return "duplicate", stored, current, []
            if expected_version is not None and expected_version != current:
                return "conflict", 0, current, []
            positions = []
            for i, row in enumerate(rows, start=1):
                cursor = db.execute(_SQLITE_INSERT, (*row[:3], current + i, *row[3:]))
                positions.append(int(cursor.lastrowid or 0))
            return "appended", len(rows), current, positions

        # aiosqlite's own queue (SQLAlchemy's adapter uses it the same way).
        driver: Any = (await conn.get_raw_connection()).driver_connection
        try:
            status, count, current, positions = await driver._execute(work, driver._conn)
        except sqlite3.IntegrityError as exc:  # only without BEGIN IMMEDIATE
            if "events.stream_id, events.version" not in str(exc):
                raise
            raise ConcurrencyError(stream_id, expected_version or 0, -1) from exc
        if status != "appended":
            self._refuse(status, stream_id, expected_version, len(new_events), count, current)
            return await self._stored(conn, [e.event_id for e in new_events])
        return [
            self._written(e, stream_id, stream_type, current + i, pos, p, recorded_at)
            for i, (e, pos, p) in enumerate(zip(new_events, positions, payloads, strict=True), 1)
        ]

    @staticmethod
    def _refuse(
        status: str,
        stream_id: str,
        expected_version: int | None,
        wanted: int,
        stored: int | None,
        current: int,
    ) -> None:
        """Raise for a refused append; return for a clean retry ('stored')."""
        if status == "duplicate":
            raise DuplicateEventError(
                f"{stored} of {wanted} events of this batch are stored already"
            )
        if status == "conflict":
            raise ConcurrencyError(stream_id, expected_version or 0, int(current))
        if status != "stored":
            raise RuntimeError(f"unexpected append status {status!r}")

    async def _stored(self, conn: AsyncConnection, ids: list[UUID]) -> list[RecordedEvent]:
        stored = await conn.execute(
            sa.select(events).where(events.c.event_id.in_(ids)).order_by(events.c.position)
        )
        return [self._to_recorded(r) for r in stored.mappings().all()]

    def _written(
        self,
        event: NewEvent,
        stream_id: str,
        stream_type: str,
        version: int,
        position: int,
        payload: dict[str, Any],
        recorded_at: datetime,
    ) -> RecordedEvent:
        """What was just written, without reading it back; upcast only if a step exists."""
        event_type = event.payload.event_type
        stored_version = event.payload.schema_version
        schema_version = stored_version
        if self._upcasters.has_step(event_type, stored_version):
            schema_version, payload = self._upcasters.upcast(event_type, stored_version, payload)
        return RecordedEvent(
            position=position,
            event_id=event.event_id,
            stream_id=stream_id,
            stream_type=stream_type,
            version=version,
            event_type=event_type,
            schema_version=schema_version,
            stored_schema_version=stored_version,
            site_id=event.site_id,
            actor=event.actor,
            correlation_id=event.correlation_id,
            causation_id=event.causation_id,
            occurred_at=as_utc(event.occurred_at or recorded_at),
            recorded_at=as_utc(recorded_at),
            payload=payload,
        )

    async def read_stream(
        self,
        conn: AsyncConnection,
        stream_id: str,
        *,
        to_version: int | None = None,
        as_of: datetime | None = None,
        after_version: int = 0,
    ) -> list[RecordedEvent]:
        """A stream in version order; optionally only up to a version or a recorded time,
        or only after a version (what follows a snapshot)."""
        query = sa.select(events).where(events.c.stream_id == stream_id)
        if after_version:
            query = query.where(events.c.version > after_version)
        if to_version is not None:
            query = query.where(events.c.version <= to_version)
        if as_of is not None:
            query = query.where(events.c.recorded_at <= as_of)
        rows = (await conn.execute(query.order_by(events.c.version))).mappings().all()
        return [self._to_recorded(r) for r in rows]

    async def read_all(
        self,
        conn: AsyncConnection,
        after_position: int = 0,
        limit: int = 1000,
        event_types: Sequence[str] | None = None,
    ) -> list[RecordedEvent]:
        """Events after a global position, in position order, at most `limit`.

        Never past a position whose transaction is still in flight (see the module
        docstring), so a follower that checkpoints the last position never skips one.
        """
        query = sa.select(events).where(events.c.position > after_position)
        if conn.dialect.name == "postgresql":
            head = await safe_head(conn)
            if head <= after_position:
                return []
            query = query.where(events.c.position <= head)
        if event_types is not None:
            query = query.where(events.c.event_type.in_(event_types))
        rows = (await conn.execute(query.order_by(events.c.position).limit(limit))).mappings().all()
        return [self._to_recorded(r) for r in rows]

    async def iter_all(
        self, engine: AsyncEngine, after_position: int = 0, batch_size: int = 1000
    ) -> AsyncIterator[list[RecordedEvent]]:
        """Every event after a position, in batches, each batch read in its own transaction."""
        position = after_position
        while True:
            async with engine.connect() as conn:
                batch = await self.read_all(conn, position, batch_size)
            if not batch:
                return
            yield batch
            position = batch[-1].position

    async def head_position(self, conn: AsyncConnection) -> int:
        """The highest position a follower may read up to (all below it are final)."""
        if conn.dialect.name == "postgresql":
            return await safe_head(conn)
        return int((await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar() or 0)

    def _to_recorded(self, row: RowMapping | Mapping[str, Any]) -> RecordedEvent:
        stored_version = int(row["schema_version"])
        version, payload = self._upcasters.upcast(
            row["event_type"], stored_version, dict(row["payload"])
        )
        return RecordedEvent(
            position=int(row["position"]),
            event_id=row["event_id"],
            stream_id=row["stream_id"],
            stream_type=row["stream_type"],
            version=int(row["version"]),
            event_type=row["event_type"],
            schema_version=version,
            stored_schema_version=stored_version,
            site_id=row["site_id"],
            actor=row["actor"],
            correlation_id=row["correlation_id"],
            causation_id=row["causation_id"],
            occurred_at=as_utc(row["occurred_at"]),
            recorded_at=as_utc(row["recorded_at"]),
            payload=payload,
        )
