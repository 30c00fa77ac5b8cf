"""The event store's port: what a database backend does, and the types around it.

`EventStore` (store.py) holds everything that is plain SQLAlchemy Core; the two things
that differ per database sit behind `Backend`: the append (one server-side call on
PostgreSQL, one hop to aiosqlite's thread on SQLite) and how far a follower may read.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol
from uuid import UUID, uuid4

from opsledger_contracts import REGISTRY, EventEnvelope, EventPayload, EventRegistry
from sqlalchemy.ext.asyncio import AsyncConnection

Status = Literal["appended", "stored", "duplicate", "conflict"]


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


@dataclass(frozen=True)
class Appended:
    """A backend's answer to an append.

    `status`: appended, stored (every id stored already: a clean retry), duplicate (some
    stored) or conflict (the expected version is not the current one). `stored`: how
    many of the ids are stored (stored, duplicate). `current`: the stream's version
    before the append. `positions`: the new events' positions, in order (appended).
    """

    status: Status
    stored: int | None
    current: int
    positions: list[int]


class Backend(Protocol):
    """The port: the part of the event store that is particular to one database."""

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
        """Append atomically, checking idempotency and the expected version; no commit."""
        ...

    async def read_bound(self, conn: AsyncConnection) -> int | None:
        """The highest position a follower may read up to now; None: any (no appends can
        commit out of order). Call it before the read, in a statement of its own."""
        ...

    async def head(self, conn: AsyncConnection) -> int:
        """The highest position a follower may read up to (all below it are final)."""
        ...


def dumps(payload: object) -> str:
    """A payload as the store keeps its JSON text."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
