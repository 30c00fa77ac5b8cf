"""The tamper-evident log: every stored event is chained to the one before it.

`hash(e) = SHA-256(hash(previous event) || canonical(e))`, in the store's global order
(`position`), from `GENESIS` (32 zero bytes). The hashes live in the event's own row
(`events.prev_hash`, `events.hash`, kernel_0009), written by the append's INSERT.

Canonical bytes of an event (version 1): its columns, in this order, each as a netstring
`<byte length>:<UTF-8 bytes>,` (a NULL `causation_id` as `~,`):

    position, event_id (lower-case, dashed), stream_id, stream_type, version, event_type,
    schema_version, site_id, actor, correlation_id, causation_id, occurred_at,
    recorded_at, payload

Integers in decimal; instants in UTC as `YYYY-MM-DDTHH:MM:SS.ffffffZ`; the payload as
the database stores its JSON text (PostgreSQL: `payload::text`, jsonb's own rendering;
SQLite: the stored text). So the chain is one database's: a copy into another engine
re-chains. PostgreSQL computes the same bytes in SQL (`opsledger_chain_bytes`, migration
kernel_0008); `verify_chain` recomputes them here, independently.

When the hash is computed: in the append's INSERT, from the values it inserts, so every
committed event carries a hash fixed at its commit. SQLite has one writer, so the row is
always linked (`prev_hash` set). PostgreSQL links it when the position right before the
append's first one is linked (then every position below is final: what a single writer,
and most appends, meet); otherwise that position is in flight in another transaction (it
may still roll back) or a gap, and waiting for it would queue every commit behind the
one before it, which the store refuses by design (see opsledger.eventstore). The row is
then *sealed*: `prev_hash` NULL, `hash = SHA-256(canonical bytes)`, and the sealer
(`opsledger.chain_seal`) links it in position order once the readers' safe head passes
it, only if it still gives that hash. An edit before the link is therefore caught too.
"""

import hashlib
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.clock import as_utc
from opsledger.db import events

GENESIS = bytes(32)


def utc_text(value: datetime) -> str:
    """An instant as the canonical bytes spell it."""
    return as_utc(value).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def _sqlite_utc(text: str) -> str:
    """SQLite's stored 'YYYY-MM-DD HH:MM:SS.ffffff' (UTC) as `utc_text` spells it."""
    if len(text) == 26 and text[10] == " ":
        return f"{text[:10]}T{text[11:]}Z"
    return utc_text(datetime.fromisoformat(text))  # any other spelling: the slow way


def _field(value: str | None) -> bytes:
    if value is None:
        return b"~,"
    raw = value.encode()
    return b"%d:%s," % (len(raw), raw)


def _joined(values: Sequence[str | None]) -> bytes:
    return b"".join(_field(v) for v in values)


def canonical(
    position: int,
    event_id: UUID,
    stream_id: str,
    stream_type: str,
    version: int,
    event_type: str,
    schema_version: int,
    site_id: str,
    actor: str,
    correlation_id: str,
    causation_id: str | None,
    occurred_at: datetime,
    recorded_at: datetime,
    payload_text: str,
) -> bytes:
    """The canonical bytes of one stored event (see the module docstring)."""
    return _joined(
        (
            str(position),
            str(event_id),
            stream_id,
            stream_type,
            str(version),
            event_type,
            str(schema_version),
            site_id,
            actor,
            correlation_id,
            causation_id,
            utc_text(occurred_at),
            utc_text(recorded_at),
            payload_text,
        )
    )


def sqlite_row_canonical(row: Sequence[Any]) -> bytes:
    """Canonical bytes of an `events` row as SQLite stores it (uuid as 32 hex digits,
    naive UTC text), its columns in table order, payload the stored text. On the append
    path: string work only (no datetime or UUID objects)."""
    h = str(row[1]).replace("-", "").lower()
    return _joined(
        (
            str(row[0]),
            f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}",
            row[2],
            row[3],
            str(row[4]),
            row[5],
            str(row[6]),
            row[7],
            row[8],
            row[9],
            row[10],
            _sqlite_utc(str(row[11])),
            _sqlite_utc(str(row[12])),
            str(row[13]),
        )
    )


def link(prev_hash: bytes, canonical_bytes: bytes) -> bytes:
    return hashlib.sha256(prev_hash + canonical_bytes).digest()


def sealed(canonical_bytes: bytes) -> bytes:
    """The hash of an event sealed at its commit, before it is linked."""
    return hashlib.sha256(canonical_bytes).digest()


# -- reading the chain back ------------------------------------------------------------


@dataclass(frozen=True)
class ChainRow:
    """One event as stored, with its hashes: `prev_hash` None and `hash` set: sealed at its
    commit, not linked yet (PostgreSQL); both None: never written by the store."""

    position: int
    stream_id: str
    version: int
    canonical_at: dict[str, Any]
    prev_hash: bytes | None
    hash: bytes | None

    def bytes_at(self, position: int) -> bytes:
        return canonical(**{**self.canonical_at, "position": position})


def payload_text(dialect: str) -> sa.ColumnElement[str]:
    """The payload as the canonical bytes take it: the stored JSON text."""
    if dialect == "postgresql":
        return sa.cast(events.c.payload, sa.Text)
    return sa.type_coerce(events.c.payload, sa.Text)  # the stored text, not decoded


_COLUMNS = (
    "position",
    "event_id",
    "stream_id",
    "stream_type",
    "version",
    "event_type",
    "schema_version",
    "site_id",
    "actor",
    "correlation_id",
    "causation_id",
    "occurred_at",
    "recorded_at",
)


async def iter_chain(
    engine: AsyncEngine,
    upto: int | None = None,
    batch: int = 2000,
    after_position: int | None = None,
) -> AsyncIterator[list[ChainRow]]:
    """Every event with its hashes, in position order, in batches (own snapshots)."""
    after = 0 if after_position is None else after_position
    while True:
        async with engine.connect() as conn:
            query = (
                sa.select(
                    *(events.c[c] for c in _COLUMNS),
                    payload_text(conn.dialect.name).label("payload_text"),
                    events.c.prev_hash,
                    events.c.hash,
                )
                .where(events.c.position > after)
                .order_by(events.c.position)
                .limit(batch)
            )
            if upto is not None:
                query = query.where(events.c.position <= upto)
            rows = (await conn.execute(query)).mappings().all()
        if not rows:
            return
        yield [
            ChainRow(
                int(r["position"]),
                r["stream_id"],
                int(r["version"]),
                {
                    **{c: r[c] for c in _COLUMNS},
                    "payload_text": r["payload_text"],
                    "position": int(r["position"]),
                    "version": int(r["version"]),
                    "schema_version": int(r["schema_version"]),
                },
                None if r["prev_hash"] is None else bytes(r["prev_hash"]),
                None if r["hash"] is None else bytes(r["hash"]),
            )
            for r in rows
        ]
        after = int(rows[-1]["position"])


async def chain_head(conn: AsyncConnection) -> tuple[int, bytes]:
    """The last linked position and its hash ((0, GENESIS) before the first)."""
    row = (
        await conn.execute(
            sa.select(events.c.position, events.c.hash)
            .where(events.c.prev_hash.is_not(None))
            .order_by(events.c.position.desc())
            .limit(1)
        )
    ).first()
    return (0, GENESIS) if row is None else (int(row[0]), bytes(row[1]))


def chain_rows(
    start: tuple[int, bytes], rows: Sequence[tuple[int, bytes]]
) -> list[tuple[int, bytes, bytes]]:
    """(position, prev_hash, hash) for `rows` (position, canonical bytes) after `start`."""
    prev = start[1]
    out = []
    for position, data in rows:
        digest = link(prev, data)
        out.append((position, prev, digest))
        prev = digest
    return out
