"""`ReadModelRunner`: builds, rebuilds and keeps up to date every read model of a service.

Exclusion: a live pass, a rebuild and a drop of one read-model table hold that table's
lock (`Backend.lock`: a transaction-scoped advisory lock on PostgreSQL, the write lock on
SQLite) and read the checkpoint only under it. A pass only tries (a table another replica
or a rebuild holds is skipped this pass, so replicas never queue); a rebuild waits, then
folds whatever the log gained while it folded before switching, so no event between its
first fold and its switch is left out of the table.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.catalog import EventCatalog
from opsledger.checkpoints import write_checkpoint
from opsledger.db import checkpoints
from opsledger.decider import Aggregate, Event
from opsledger.eventstore import RecordedEvent
from opsledger.readmodels import registry
from opsledger.readmodels.backend import backend_for
from opsledger.readmodels.fold import Progress, fold_all, fold_more
from opsledger.readmodels.freshness import MAX_POSITION, Advances
from opsledger.readmodels.model import ReadModel
from opsledger.readmodels.tables import replace_streams, write_table
from opsledger.runtime import Runtime

log = structlog.get_logger(__name__)

GRACE = timedelta(days=1)  # an unused table of another version lives this long
HEARTBEAT_EVERY = timedelta(minutes=1)


class StateCache:
    """Recently folded states by stream, so a live pass rarely re-reads a stream."""

    def __init__(self, limit: int = 10_000) -> None:
        self._limit = limit
        self._items: dict[str, tuple[int, Any]] = {}

    def get(self, stream_id: str) -> tuple[int, Any] | None:
        return self._items.get(stream_id)

    def put(self, stream_id: str, version: int, state: Any) -> None:
        self._items.pop(stream_id, None)
        self._items[stream_id] = (version, state)
        if len(self._items) > self._limit:
            self._items.pop(next(iter(self._items)))


class ReadModelRunner:
    """Keeps every read model of a service up to date, and builds or rebuilds them.

    `grace`: how long a table of another definition (another version of the service)
    stays after the last replica using it stopped marking it seen, which it does once a
    `heartbeat_every` from its live loop.
    """

    def __init__(
        self,
        runtime: Runtime,
        catalog: EventCatalog,
        read_models: Sequence[ReadModel[Any]],
        batch_size: int = 1000,
        *,
        grace: timedelta = GRACE,
        heartbeat_every: timedelta = HEARTBEAT_EVERY,
    ) -> None:
        self._rt = runtime
        self._catalog = catalog
        self.projections = list(read_models)  # the name `opsledger rebuild/verify` use
        names = [m.name for m in self.projections]
        if len(set(names)) != len(names):
            raise ValueError(f"read model names must be unique: {names}")
        if grace <= heartbeat_every:
            raise ValueError(f"grace ({grace}) must be longer than heartbeat_every")
        self._batch_size = batch_size
        self._grace, self._heartbeat_every = grace, heartbeat_every
        self._last_heartbeat: datetime | None = None
        self._cache = StateCache()
        self._position_queries: dict[tuple[str, ...], sa.Select[tuple[str, int]]] = {}
        self._advances = Advances()

    @property
    def advances(self) -> Advances:
        """Set after each pass that moved a checkpoint (reads waiting for a position)."""
        return self._advances

    async def reached(self, conn: AsyncConnection) -> int:
        """The position every read model has applied (its lowest checkpoint)."""
        if not self.projections:
            return MAX_POSITION  # nothing trails the log
        return min((await self._positions(conn, self.projections)).values())

    def find(self, name: str) -> ReadModel[Any]:
        for model in self.projections:
            if model.name == name:
                return model
        known = ", ".join(m.name for m in self.projections) or "none"
        raise KeyError(f"no read model {name!r} (known: {known})")

    async def lock(self, conn: AsyncConnection, model: ReadModel[Any], *, wait: bool) -> bool:
        """Hold the model's table until `conn`'s transaction ends (False: held elsewhere)."""
        return await backend_for(conn).lock(conn, registry.table_lock(model.table.name), wait=wait)

    # -- start-up, heartbeat, other versions' tables ------------------------------------

    async def prepare(self) -> None:
        """Build every read model whose table does not exist yet; mark them in use.

        Tables of other definitions are left to the replicas still using them; they are
        dropped once unused for the grace period.
        """
        await registry.ensure(self._rt.engine)
        await self._heartbeat(self._rt.clock.now())

    async def _heartbeat(self, now: datetime) -> None:
        """Mark our tables seen, build any that is missing, drop the expired others."""
        async with self._rt.engine.begin() as conn:
            await registry.mark_seen(conn, self.projections, now)
            found = await registry.entries(conn, now)
            query = sa.select(checkpoints.c.name).where(
                checkpoints.c.name.in_([m.checkpoint for m in self.projections])
            )
            built = set((await conn.execute(query)).scalars())
        for model in self.projections:
            if model.checkpoint not in built:  # new, or dropped while we were away
                position = await self.rebuild(model, only_if_missing=True)
                log.info("read_model_built", table=model.table.name, position=position)
        await self._drop_unused(found, now - self._grace)
        self._last_heartbeat = now

    async def _drop_unused(self, found: Sequence[registry.Entry], cutoff: datetime) -> list[str]:
        ours = {m.table.name for m in self.projections}
        dropped = []
        for entry in found:
            if entry.table_name in ours or entry.last_seen_at > cutoff:
                continue
            if await registry.drop_if_unused(self._rt.engine, entry.table_name, cutoff):
                log.info("read_model_dropped", table=entry.table_name, last_seen=entry.last_seen_at)
                dropped.append(entry.table_name)
        return dropped

    async def prune(self, unused_for: timedelta) -> list[str]:
        """Drop other definitions' tables no replica marked seen for `unused_for` (0: all
        of them now); returns their names. `opsledger readmodels prune` runs it."""
        await registry.ensure(self._rt.engine)
        now = self._rt.clock.now()
        async with self._rt.engine.begin() as conn:
            await registry.mark_seen(conn, self.projections, now)
            found = await registry.entries(conn, now)
        return await self._drop_unused(found, now - unused_for)

    # -- rebuild ------------------------------------------------------------------------

    async def rebuild(
        self,
        model: ReadModel[Any],
        *,
        only_if_missing: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Fold the log in memory, then replace the table and checkpoint in one transaction.

        The fold runs outside any lock; the switch holds the table's lock (waiting for a
        live pass under way), folds what was appended meanwhile, and writes table and
        checkpoint at that head. Returns the position it was rebuilt up to.
        """
        rt, aggregates = self._rt, [model.aggregate]
        states, position = await fold_all(
            rt.engine, rt.store, self._catalog, aggregates, progress=progress
        )
        async with rt.engine.begin() as conn:
            await self.lock(conn, model, wait=True)  # one builder, no pass meanwhile
            if only_if_missing and await self._has_checkpoint(conn, model):
                return 0  # another replica built it meanwhile
            head = await rt.store.head_position(conn)
            if head > position:
                await fold_more(conn, rt.store, self._catalog, aggregates, states, position, head)
                position = head
            await write_table(conn, model, states[model.aggregate.stream_type])
            await write_checkpoint(conn, model.checkpoint, position, rt.clock)
        self._cache = StateCache()
        self._advances.moved()
        return position

    @staticmethod
    async def _has_checkpoint(conn: AsyncConnection, model: ReadModel[Any]) -> bool:
        query = sa.select(checkpoints.c.name).where(checkpoints.c.name == model.checkpoint)
        return (await conn.execute(query)).first() is not None

    # -- live ---------------------------------------------------------------------------

    async def catch_up(self) -> int:
        total = 0
        while applied := await self.run_once():
            total += applied
        return total

    async def run_once(self) -> int:
        """Apply the next batch to every read model in one transaction; 0 when idle.

        With work to do, each model's table is locked (tried, in one statement: one held
        by a rebuild or another replica's pass is skipped this time) and its checkpoint
        read again under the lock. An idle pass only reads, and takes no lock; the
        heartbeat writes once a `heartbeat_every`.
        """
        if not self.projections:
            return 0
        rt = self._rt
        now = rt.clock.now()
        if self._last_heartbeat is None or now - self._last_heartbeat >= self._heartbeat_every:
            await self._heartbeat(now)
        async with rt.engine.begin() as conn:
            head = await rt.store.head_position(conn)
            positions = await self._positions(conn, self.projections)
            if min(positions.values()) >= head:
                return 0  # idle: nothing locked, nothing written
            names = [registry.table_lock(m.table.name) for m in self.projections]
            taken = await backend_for(conn).try_locks(conn, names)
            held = [m for m, got in zip(self.projections, taken, strict=True) if got]
            if not held:
                return 0
            positions = await self._positions(conn, held)  # under the locks, this time
            low = min(positions.values())
            if low >= head:
                return 0
            batch = await rt.store.read_all(conn, low, self._batch_size)
            if not batch:
                return 0
            end = batch[-1].position
            for model in held:
                if positions[model.name] >= end:
                    continue  # ahead (just rebuilt): never move a checkpoint back
                todo = [e for e in batch if e.position > positions[model.name]]
                await self._apply(conn, model, todo)
                await write_checkpoint(conn, model.checkpoint, end, rt.clock)
        self._advances.moved()  # committed: reads waiting for a position look again
        for model in held:
            rt.metrics.projection_position.labels(projection=model.name).set(end)
            rt.metrics.projection_lag.labels(projection=model.name).set(head - end)
        return len(batch)

    async def _positions(
        self, conn: AsyncConnection, models: Sequence[ReadModel[Any]]
    ) -> dict[str, int]:
        """Each model's checkpoint, in one statement (this runs on each pass, busy or idle)."""
        names = tuple(m.checkpoint for m in models)
        query = self._position_queries.get(names)
        if query is None:  # built once per set of models, not on every pass
            query = self._position_queries[names] = sa.select(
                checkpoints.c.name, checkpoints.c.position
            ).where(checkpoints.c.name.in_(names))
        stored = {n: int(p) for n, p in (await conn.execute(query)).all()}
        return {m.name: stored.get(m.checkpoint, 0) for m in models}

    async def _apply(
        self, conn: AsyncConnection, model: ReadModel[Any], batch: Sequence[RecordedEvent]
    ) -> None:
        aggregate = model.aggregate
        touched: dict[str, list[RecordedEvent]] = {}
        for recorded in batch:
            if recorded.stream_type == aggregate.stream_type:
                touched.setdefault(recorded.stream_id, []).append(recorded)
        if not touched:
            return
        rows: list[dict[str, Any]] = []
        for stream_id, events in touched.items():
            state = await self._state_at(conn, aggregate, stream_id, events)
            rows.extend(model.rows_of(stream_id, state))
        await replace_streams(conn, model, list(touched), rows)

    async def _state_at(
        self,
        conn: AsyncConnection,
        aggregate: Aggregate[Any, Any],
        stream_id: str,
        events: Sequence[RecordedEvent],
    ) -> Any:
        """The stream's state as of the last of `events` (never beyond: verify compares)."""
        key = f"{aggregate.stream_type}/{stream_id}"
        target = events[-1].version
        cached = self._cache.get(key)
        if cached is not None and cached[0] == target:
            return cached[1]
        pending: Sequence[RecordedEvent]
        if cached is not None and events[0].version == cached[0] + 1:
            state, pending = cached[1], events
        elif events[0].version == 1:
            state, pending = aggregate.initial, events
        else:
            state = aggregate.initial
            pending = await self._rt.store.read_stream(conn, stream_id, to_version=target)
        decoded: list[Event] = [self._catalog.decode(r) for r in pending]
        state = aggregate.fold(decoded, state)
        self._cache.put(key, target, state)
        return state
