"""The SQLite backend: the whole append in one hop to aiosqlite's thread.

One writer (every transaction begins IMMEDIATE, see `db.create_engine`), so insert order
is commit order and a follower may read everything stored.
"""

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.chain import GENESIS, link, sqlite_row_canonical
from opsledger.clock import as_utc
from opsledger.db import events
from opsledger.eventstore.base import Appended, ConcurrencyError, NewEvent, Status, dumps

# Column order of `events` minus position (SQLite assigns it: INTEGER PRIMARY KEY).
_SQLITE_INSERT = (
    "INSERT INTO events (event_id, stream_id, stream_type, version, event_type,"
    " schema_version, site_id, actor, correlation_id, causation_id, occurred_at,"
    " recorded_at, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


# With the chain (kernel_0009): the position (one writer: the last one + 1) and hashes.
_SQLITE_INSERT_CHAINED = (
    "INSERT INTO events (position, event_id, stream_id, stream_type, version, event_type,"
    " schema_version, site_id, actor, correlation_id, causation_id, occurred_at,"
    " recorded_at, payload, prev_hash, hash)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_LAST = "SELECT position, prev_hash, hash FROM events ORDER BY position DESC LIMIT 1"
_LAST_LINKED = (
    "SELECT position, hash FROM events WHERE prev_hash IS NOT NULL ORDER BY position DESC LIMIT 1"
)
_UNLINKED = (
    "SELECT position, event_id, stream_id, stream_type, version, event_type, schema_version,"
    " site_id, actor, correlation_id, causation_id, occurred_at, recorded_at, payload"
    " FROM events WHERE position > ? ORDER BY position"
)
_LINK = "UPDATE events SET prev_hash = ?, hash = ? WHERE position = ?"


def chain_head_for_append(db: sqlite3.Connection) -> tuple[int, bytes]:
    """The last position and the hash to link the next event to, in the append's
    transaction: one writer, so everything stored is final. Rows left unlinked (added by
    an older kernel or by hand) are linked first, in order: the usual case is one
    primary-key lookup."""
    last = db.execute(_LAST).fetchone()
    if last is None:
        return 0, GENESIS
    if last[1] is not None:
        return int(last[0]), bytes(last[2])
    head = db.execute(_LAST_LINKED).fetchone()
    head_pos, prev = (0, GENESIS) if head is None else (int(head[0]), bytes(head[1]))
    links = []
    for row in db.execute(_UNLINKED, (head_pos,)).fetchall():
        digest = link(prev, sqlite_row_canonical(row))
        links.append((prev, digest, int(row[0])))
        prev = digest
    db.executemany(_LINK, links)
    return int(last[0]), prev


def sqlite_time(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores (naive ISO, microseconds), in UTC:
    a time given in another zone would otherwise be stored as its wall clock."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S.%f")


def _new_canonical(position: int, version: int, row: tuple[Any, ...]) -> bytes:
    """Canonical bytes of a row about to be stored (the tuple `rows` in `append` builds)."""
    return sqlite_row_canonical((position, row[0], row[1], row[2], version, *row[3:]))


class SqliteBackend:
    """`Backend` on SQLite. `chain=False` only for `make bench`'s before/after rows (a
    database at kernel_0007, without the chain's columns)."""

    def __init__(self, chain: bool = True) -> None:
        self.chain = chain

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
        """The whole append in one hop to aiosqlite's thread (each hop costs ~50 µs).

        The transaction began IMMEDIATE (db.create_engine), so this process holds
        SQLite's only write lock: the probe and the insert cannot race another writer.
        """
        ids = [e.event_id.hex for e in new_events]
        stamp = sqlite_time(recorded_at)
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
                sqlite_time(e.occurred_at) if e.occurred_at else stamp,
                stamp,
                dumps(p),
            )
            for e, p in zip(new_events, payloads, strict=True)
        ]

        def work(db: sqlite3.Connection) -> Appended:
            marks = ",".join("?" * len(ids))
            (stored,) = db.execute(
                f"SELECT count(*) FROM events WHERE event_id IN ({marks})", ids
            ).fetchone()
            (current,) = db.execute(
                "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = ?", (stream_id,)
            ).fetchone()
            status: Status | None = None
            if stored == len(ids):
                status = "stored"
            elif stored:
                status = "duplicate"
            elif expected_version is not None and expected_version != current:
                status = "conflict"
            if status is not None:
                return Appended(status, stored, current, [])
            positions = []
            if not self.chain:
                for i, row in enumerate(rows, start=1):
                    cursor = db.execute(_SQLITE_INSERT, (*row[:3], current + i, *row[3:]))
                    positions.append(int(cursor.lastrowid or 0))
                return Appended("appended", None, current, positions)
            position, prev = chain_head_for_append(db)
            chained = []
            for i, row in enumerate(rows, start=1):
                position += 1
                digest = link(prev, _new_canonical(position, current + i, row))
                chained.append((position, *row[:3], current + i, *row[3:], prev, digest))
                positions.append(position)
                prev = digest
            db.executemany(_SQLITE_INSERT_CHAINED, chained)
            return Appended("appended", None, current, positions)

        # aiosqlite's own queue (SQLAlchemy's adapter uses it the same way).
        driver: Any = (await conn.get_raw_connection()).driver_connection
        try:
            appended: Appended = await driver._execute(work, driver._conn)
        except sqlite3.IntegrityError as exc:  # only without BEGIN IMMEDIATE
            if "events.stream_id, events.version" not in str(exc):
                raise
            raise ConcurrencyError(stream_id, expected_version or 0, -1) from exc
        return appended

    async def read_bound(self, conn: AsyncConnection) -> int | None:
        return None  # one writer: positions commit in order

    async def head(self, conn: AsyncConnection) -> int:
        return int((await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar() or 0)
