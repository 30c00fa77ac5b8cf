"""Snapshots of long-lived streams (a vehicle, a person, a unit): load = the latest
valid snapshot + the events after it, instead of the whole history.

An aggregate opts in with `snapshot_every=N`: when a command takes its stream across a
multiple of N events, the state after it is written to the kernel's `snapshots` table
(one row per stream, the newest wins) in the command's transaction (on PostgreSQL's
single-append path, which has none, right after the append: best effort, a lost
snapshot only costs a longer fold next time).

A snapshot carries the stream version it was taken at and a fingerprint of the code
that made it: the state class (its JSON schema, so nested classes count too), the
sources of the state class and of `evolve`, and `snapshot_revision`. A snapshot whose
fingerprint differs is ignored (full fold), so changing the state or evolve never
loads a stale state. The state is stored as JSON through pydantic (dataclasses,
Decimal, datetimes, tuples, `AppendLog`), never pickled: a database row is no code.
"""

import hashlib
import inspect
import json
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from pydantic import TypeAdapter
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from opsledger.catalog import EventCatalog
from opsledger.db import kernel_metadata
from opsledger.decider import Aggregate
from opsledger.eventstore import RecordedEvent
from opsledger.runtime import Tx

S = TypeVar("S")

__all__ = ["Snapshotter", "Stored", "fingerprint", "snapshots"]

snapshots = sa.Table(
    "snapshots",
    kernel_metadata,
    sa.Column("stream_id", sa.String(200), primary_key=True),
    sa.Column("stream_type", sa.String(100), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("state", sa.Text(), nullable=False),
    sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
)


def _source(obj: Any) -> str:
    try:
        return inspect.getsource(obj)
    except (OSError, TypeError):
        return getattr(obj, "__qualname__", repr(obj))


def fingerprint(aggregate: Aggregate[Any, Any], adapter: TypeAdapter[Any]) -> str:
    """Changes whenever the state's shape, its class or `evolve` changes."""
    state_class = type(aggregate.initial)
    parts = [
        aggregate.stream_type,
        str(aggregate.snapshot_revision),
        f"{state_class.__module__}.{state_class.__qualname__}",
        json.dumps(adapter.json_schema(mode="serialization"), sort_keys=True),
        _source(state_class),
        _source(aggregate.evolve),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class Stored(Generic[S]):
    """A stream as loaded: its state, version, and how many events were folded."""

    state: S
    version: int
    events_read: int
    from_snapshot: int = 0  # the snapshot's version (0: folded from the start)
    # The stream's first event: it records the aggregate and site the stream belongs to.
    first: RecordedEvent | None = None


class Snapshotter:
    """Loads streams (through their snapshot when the aggregate keeps them) and writes
    snapshots when a command crosses the aggregate's interval."""

    def __init__(self, catalog: EventCatalog) -> None:
        self.catalog = catalog
        self._codecs: dict[int, tuple[TypeAdapter[Any], str]] = {}

    def codec(self, aggregate: Aggregate[Any, Any]) -> tuple[TypeAdapter[Any], str]:
        """The state's JSON adapter and the current fingerprint (computed once)."""
        found = self._codecs.get(id(aggregate))
        if found is None:
            adapter: TypeAdapter[Any] = TypeAdapter(type(aggregate.initial))
            found = self._codecs[id(aggregate)] = (adapter, fingerprint(aggregate, adapter))
        return found

    async def load(self, tx: Tx, aggregate: Aggregate[S, Any], stream_id: str) -> Stored[S]:
        state, after = aggregate.initial, 0
        if aggregate.snapshot_every > 0:
            adapter, current = self.codec(aggregate)
            row = (
                await tx.conn.execute(
                    sa.select(snapshots.c.version, snapshots.c.state).where(
                        snapshots.c.stream_id == stream_id,
                        snapshots.c.fingerprint == current,
                    )
                )
            ).first()
            if row is not None:
                state, after = adapter.validate_json(row.state), int(row.version)
        # From the snapshot's own last event: it must still be there (a restored backup
        # or a rewritten stream may end before it); else trust only the events.
        history = await tx.read_stream(stream_id, after_version=max(after - 1, 0))
        if after:
            if history and history[0].version == after:
                history = history[1:]
            else:
                state, after = aggregate.initial, 0
                history = await tx.read_stream(stream_id)
        state = aggregate.fold([self.catalog.decode(r) for r in history], state)
        version = history[-1].version if history else after
        head = await tx.read_stream(stream_id, to_version=1) if after else history[:1]
        first = head[0] if head else None
        return Stored(state, version, len(history), after, first)

    async def taken(
        self,
        tx: Tx,
        aggregate: Aggregate[S, Any],
        stream_id: str,
        before: int,
        after: int,
        state: S,
    ) -> bool:
        """After a command moved `stream_id` from `before` to `after`: write a snapshot of
        `state` when it crossed a multiple of the interval. True when written."""
        every = aggregate.snapshot_every
        if every <= 0 or before // every == after // every:
            return False
        adapter, current = self.codec(aggregate)
        values = {
            "stream_id": stream_id,
            "stream_type": aggregate.stream_type,
            "version": after,
            "fingerprint": current,
            "state": adapter.dump_json(state).decode(),
            "taken_at": tx.clock.now(),
        }
        insert = pg_insert if tx.conn.dialect.name == "postgresql" else sqlite_insert
        statement = insert(snapshots).values(**values)
        newer = {k: statement.excluded[k] for k in values if k != "stream_id"}
        await tx.conn.execute(
            statement.on_conflict_do_update(
                index_elements=[snapshots.c.stream_id],
                set_=newer,
                # an older snapshot never replaces a newer one of the same code
                where=(snapshots.c.version < statement.excluded.version)
                | (snapshots.c.fingerprint != statement.excluded.fingerprint),
            )
        )
        return True
