"""Append-only event store on SQLAlchemy Core (PostgreSQL and SQLite, one code path).

Ordering guarantee: followers read `position > checkpoint` and never skip an event that
commits late. On PostgreSQL every appending transaction takes
`LOCK TABLE events IN EXCLUSIVE MODE` before it inserts, so positions are handed out in
commit order (the lock is held until commit; plain readers are not blocked). On SQLite
every transaction begins IMMEDIATE (see `db.create_engine`), which has the same effect.
We chose the writer-side lock over transaction-id filtering because it keeps the global
order a single integer that any follower can checkpoint, on both databases; its cost is
that appends are serialised, which `make bench` measures.
"""

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import sqlalchemy as sa
from opsledger_contracts import REGISTRY, UPCASTERS, EventEnvelope, EventPayload, EventRegistry
from opsledger_contracts.upcasting import UpcasterChain
from sqlalchemy import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.clock import Clock, SystemClock, as_utc
from opsledger.db import events


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
        if conn.dialect.name == "postgresql":
            await conn.execute(sa.text("LOCK TABLE events IN EXCLUSIVE MODE"))
        ids = [e.event_id for e in new_events]
        # One round trip for both checks: the stream's version and any id already stored.
        probe = sa.select(
            sa.select(sa.func.max(events.c.version))
            .where(events.c.stream_id == stream_id)
            .scalar_subquery(),
            sa.select(sa.func.count())
            .select_from(events)
            .where(events.c.event_id.in_(ids))
            .scalar_subquery(),
        )
        version_row, stored_count = (await conn.execute(probe)).one()
        if stored_count:
            if stored_count != len(ids):
                raise DuplicateEventError(
                    f"{stored_count} of {len(ids)} events of this batch are stored already"
                )
            stored = await conn.execute(
                sa.select(events).where(events.c.event_id.in_(ids)).order_by(events.c.position)
            )
            return [self._to_recorded(r) for r in stored.mappings().all()]

        current = int(version_row or 0)
        if expected_version is not None and expected_version != current:
            raise ConcurrencyError(stream_id, expected_version, current)
        recorded_at = self._clock.now()
        rows = [
            {
                "event_id": e.event_id,
                "stream_id": stream_id,
                "stream_type": stream_type,
                "version": current + i,
                "event_type": e.payload.event_type,
                "schema_version": e.payload.schema_version,
                "site_id": e.site_id,
                "actor": e.actor,
                "correlation_id": e.correlation_id,
                "causation_id": e.causation_id,
                "occurred_at": e.occurred_at or recorded_at,
                "recorded_at": recorded_at,
                "payload": e.payload.model_dump(mode="json"),
            }
            for i, e in enumerate(new_events, start=1)
        ]
        try:
            result = await conn.execute(
                events.insert().returning(events.c.position, sort_by_parameter_order=True), rows
            )
        except IntegrityError as exc:
            if "uq_events_stream_version" in str(exc) or "stream_id, events.version" in str(exc):
                raise ConcurrencyError(stream_id, expected_version or current, current + 1) from exc
            raise
        positions = [int(p) for p in result.scalars().all()]
        return [
            self._to_recorded({**row, "position": pos})
            for row, pos in zip(rows, positions, strict=True)
        ]

    async def read_stream(
        self,
        conn: AsyncConnection,
        stream_id: str,
        *,
        to_version: int | None = None,
        as_of: datetime | None = None,
    ) -> list[RecordedEvent]:
        """A stream in version order; optionally only up to a version or a recorded time."""
        query = sa.select(events).where(events.c.stream_id == stream_id)
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
        """Events after a global position, in position order, at most `limit`."""
        query = sa.select(events).where(events.c.position > after_position)
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
