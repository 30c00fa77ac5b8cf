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
each call; kernel_0005 releases it on every path, a cancel or statement timeout included,
and `db.create_engine` never pools a cancelled connection). An aborted append leaves a gap
nobody waits for.

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

Layout: `base` (the port `Backend` and the types), `postgres` and `sqlite` (one backend
each), `store` (`EventStore`, everything that is plain SQLAlchemy Core).

Tamper-evident chain (opsledger.chain, kernel_0009): every append writes its events'
hashes in the same INSERT, so every committed event carries a hash fixed at its commit.
SQLite: always linked to the event before (one writer, in the same hop). PostgreSQL:
linked inside `opsledger_append` when the position before its first one is linked, else
sealed (a hash of its own bytes) and linked by the sealer once the safe head passes it:
never a wait on another append.

Written events are returned as built (payload dumped once, upcast only when an upcaster
exists for that version), not read back.
"""

from opsledger.eventstore.base import (
    ConcurrencyError,
    DuplicateEventError,
    NewEvent,
    RecordedEvent,
)
from opsledger.eventstore.postgres import safe_head
from opsledger.eventstore.store import EventStore

__all__ = [
    "ConcurrencyError",
    "DuplicateEventError",
    "EventStore",
    "NewEvent",
    "RecordedEvent",
    "safe_head",
]
