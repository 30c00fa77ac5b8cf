"""`EventStore`: reads and appends inside the caller's connection/transaction.

Everything here is plain SQLAlchemy Core; the append and the read bound go to the
connection's backend (postgres.py, sqlite.py). Written events are returned as built
(payload dumped once, upcast only when an upcaster exists for that version), not read
back.
"""

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from opsledger_contracts import UPCASTERS
from opsledger_contracts.upcasting import UpcasterChain
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.clock import Clock, SystemClock, as_utc
from opsledger.db import events
from opsledger.eventstore.base import (
    Backend,
    ConcurrencyError,
    DuplicateEventError,
    NewEvent,
    RecordedEvent,
)
from opsledger.eventstore.postgres import PostgresBackend
from opsledger.eventstore.sqlite import SqliteBackend

# What a read needs: every column but the chain's hashes (opsledger.chain reads those).
_READ = [c for c in events.c if c.name not in ("prev_hash", "hash")]

_BACKENDS: dict[str, Backend] = {"postgresql": PostgresBackend(), "sqlite": SqliteBackend()}
# `make bench`'s "before the chain" rows only (with a database at kernel_0007).
_UNCHAINED: dict[str, Backend] = {**_BACKENDS, "sqlite": SqliteBackend(chain=False)}


def _backend(conn: AsyncConnection) -> Backend:
    return _BACKENDS[conn.dialect.name]


class EventStore:
    """Reads and appends events inside the caller's connection/transaction."""

    def __init__(
        self, clock: Clock | None = None, upcasters: UpcasterChain = UPCASTERS, chain: bool = True
    ) -> None:
        """`chain=False` skips the tamper-evident chain on SQLite: for `make bench`'s
        before/after rows only (PostgreSQL chains in its append function)."""
        self._clock = clock or SystemClock()
        self._upcasters = upcasters
        self._appenders = _BACKENDS if chain else _UNCHAINED

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
        payloads = [e.payload.model_dump(mode="json") for e in new_events]
        answer = await self._appenders[conn.dialect.name].append(
            conn, stream_id, stream_type, expected_version, new_events, payloads, recorded_at
        )
        if answer.status == "duplicate":
            raise DuplicateEventError(
                f"{answer.stored} of {len(new_events)} events of this batch are stored already"
            )
        if answer.status == "conflict":
            raise ConcurrencyError(stream_id, expected_version or 0, answer.current)
        if answer.status == "stored":
            return await self._stored(conn, [e.event_id for e in new_events])
        if answer.status != "appended":
            raise RuntimeError(f"unexpected append status {answer.status!r}")
        return [
            self._written(e, stream_id, stream_type, answer.current + i, pos, p, recorded_at)
            for i, (e, pos, p) in enumerate(
                zip(new_events, answer.positions, payloads, strict=True), 1
            )
        ]

    async def _stored(self, conn: AsyncConnection, ids: list[UUID]) -> list[RecordedEvent]:
        stored = await conn.execute(
            sa.select(*_READ).where(events.c.event_id.in_(ids)).order_by(events.c.position)
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
        query = sa.select(*_READ).where(events.c.stream_id == stream_id)
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
        query = sa.select(*_READ).where(events.c.position > after_position)
        bound = await _backend(conn).read_bound(conn)
        if bound is not None:
            if bound <= after_position:
                return []
            query = query.where(events.c.position <= bound)
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
        return await _backend(conn).head(conn)

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
