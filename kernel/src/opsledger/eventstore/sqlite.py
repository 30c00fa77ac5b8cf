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


_CHAIN_AT = "SELECT hash FROM event_chain WHERE position = ?"
_CHAIN_HEAD = "SELECT position, hash FROM event_chain ORDER BY position DESC LIMIT 1"
_UNCHAINED = (
    "SELECT position, event_id, stream_id, stream_type, version, event_type, schema_version,"
    " site_id, actor, correlation_id, causation_id, occurred_at, recorded_at, payload"
    " FROM events WHERE position > ? AND position < ? ORDER BY position"
)
_CHAIN_INSERT = "INSERT INTO event_chain (position, prev_hash, hash) VALUES (?, ?, ?)"


def chain_appended(db: sqlite3.Connection, first: int, new: list[tuple[int, bytes]]) -> None:
    """Chain the events just inserted (position, canonical bytes), in the append's
    transaction: one writer, so everything before `first` is final. Events before them
    left unchained (inserted by an older kernel or by hand) are chained first, in order."""
    before = db.execute(_CHAIN_AT, (first - 1,)).fetchone()
    if before is not None:  # the usual case: one primary-key lookup
        prev, todo = bytes(before[0]), new
    else:
        head = db.execute(_CHAIN_HEAD).fetchone()
        head_pos, prev = (0, GENESIS) if head is None else (int(head[0]), bytes(head[1]))
        missed = db.execute(_UNCHAINED, (head_pos, first)).fetchall()
        todo = [(int(r[0]), sqlite_row_canonical(r)) for r in missed] + new
    rows = []
    for position, data in todo:
        digest = link(prev, data)
        rows.append((position, prev, digest))
        prev = digest
    db.executemany(_CHAIN_INSERT, rows)


def sqlite_time(value: datetime) -> str:
    """The text SQLAlchemy's SQLite DateTime stores (naive ISO, microseconds), in UTC:
    a time given in another zone would otherwise be stored as its wall clock."""
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S.%f")


def _new_canonical(position: int, version: int, row: tuple[Any, ...]) -> bytes:
    """Canonical bytes of a row about to be stored (the tuple `rows` in `append` builds)."""
    return sqlite_row_canonical((position, row[0], row[1], row[2], version, *row[3:]))


class SqliteBackend:
    """`Backend` on SQLite. `chain=False` only for `make bench`'s before/after rows."""

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
            chained = []
            for i, row in enumerate(rows, start=1):
                cursor = db.execute(_SQLITE_INSERT, (*row[:3], current + i, *row[3:]))
                position = int(cursor.lastrowid or 0)
                positions.append(position)
                if self.chain:
                    chained.append((position, _new_canonical(position, current + i, row)))
            if self.chain:
                chain_appended(db, positions[0], chained)
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
