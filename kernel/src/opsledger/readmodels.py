"""Read models derived from an aggregate's state: `rows(state)`, never a second evolve.

A read model declares its columns and how one aggregate state becomes rows. The kernel
owns the table: its physical name carries a hash of the definition, so a changed
definition is a new table, built from the events beside the old one at start-up and
switched to when caught up (readers never see an empty table); the old one is dropped
then. No hand-written migration is needed. When a stream changes, its rows are replaced
by `rows(new_state)`, with the checkpoint in the same transaction.
"""

import gc
import hashlib
import inspect
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any, Generic, TypeVar
from uuid import UUID

import sqlalchemy as sa
import structlog
from opsledger_contracts import UpcasterChain
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.catalog import EventCatalog
from opsledger.checkpoints import write_checkpoint
from opsledger.clock import as_utc
from opsledger.db import checkpoints, lock_for_transaction
from opsledger.decider import Aggregate, Event
from opsledger.eventstore import EventStore, RecordedEvent
from opsledger.runtime import Runtime

log = structlog.get_logger(__name__)

S = TypeVar("S")
# progress(position reached, position to reach): for a bar on long rebuilds.
Progress = Callable[[int, int], None]
SOURCE_COLUMN = "source_stream"  # the stream a row was derived from (kernel-owned)
CHECKPOINT_PREFIX = "readmodel:"
_INSERT_CHUNK = 1000
_BULK_CHUNK = 50_000  # rows per executemany on SQLite (one hop to aiosqlite's thread)


@dataclass(frozen=True, kw_only=True)
class ReadModel(Generic[S]):
    """A table of rows derived from each stream of one aggregate.

    `columns` must include a primary key; `rows(state)` gives 0..n rows per stream and
    must depend on the state alone (no clock, no I/O), so a rebuild equals the live table.
    Bump `revision` when `rows` changes in a way its source text does not show.
    """

    name: str
    aggregate: Aggregate[S, Any]
    columns: Sequence[sa.Column[Any]]
    rows: Callable[[S], Iterable[Mapping[str, Any]]]
    indexes: Sequence[Sequence[str]] = ()
    revision: int = 1
    table: sa.Table = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            # (a UtcDateTime is a TypeDecorator, not a DateTime: it is left as it is)
            if isinstance(column.type, sa.DateTime):
                column.type = UtcDateTime()  # answers always carry their zone, on SQLite too
        if not any(c.primary_key for c in self.columns):
            raise ValueError(f"read model {self.name}: declare a primary key column")
        physical = f"{self.name}_{self.fingerprint()[:8]}"
        table = sa.Table(
            physical,
            sa.MetaData(),
            *self.columns,
            sa.Column(SOURCE_COLUMN, sa.String(200), nullable=False, index=True),
        )
        for i, cols in enumerate(self.indexes):
            sa.Index(f"ix_{physical}_{i}", *(table.c[c] for c in cols))
        object.__setattr__(self, "table", table)

    def fingerprint(self) -> str:
        """Changes whenever the table's shape or the `rows` function's source changes."""
        parts = [self.name, str(self.revision), self.aggregate.stream_type]
        parts += [f"{c.name}:{c.type!r}:{c.nullable}:{c.primary_key}" for c in self.columns]
        parts += [",".join(ix) for ix in self.indexes]
        try:
            parts.append(inspect.getsource(self.rows))
        except (OSError, TypeError):
            parts.append(getattr(self.rows, "__qualname__", ""))
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    @property
    def checkpoint(self) -> str:
        return CHECKPOINT_PREFIX + self.table.name

    def rows_of(self, stream_id: str, state: S) -> list[dict[str, Any]]:
        return [{**row, SOURCE_COLUMN: stream_id} for row in self.rows(state)]


class UtcDateTime(sa.TypeDecorator[datetime]):
    """A timestamp stored as UTC and read back zone-aware (SQLite drops the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class StateCache(Generic[S]):
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


# The payload as JSON text (PostgreSQL's jsonb would arrive json.loads'ed into dicts),
# so it is parsed once, by pydantic's JSON validator.
_SCAN = sa.text(
    "SELECT position, event_id, stream_id, stream_type, version, event_type,"
    " schema_version, site_id, actor, occurred_at, CAST(payload AS TEXT) FROM events"
    " WHERE position > :after AND position <= :upto AND stream_type IN :types"
    " ORDER BY position LIMIT :limit"
).bindparams(sa.bindparam("types", expanding=True))


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a fold or a table write allocates.

    Folding keeps every state alive and makes no cycles, yet each few hundred new objects
    would start a collection rescanning the young ones (about a third of a rebuild's CPU,
    measured). Plain reference counting still frees everything short-lived; what other
    tasks leave in cycles meanwhile is collected when this ends.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _instant(value: Any) -> datetime:
    # Raw driver values: asyncpg gives aware datetimes, SQLite gives UTC text.
    if isinstance(value, datetime):
        return as_utc(value)
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


async def fold_all(
    engine: AsyncEngine,
    store: EventStore,
    catalog: EventCatalog,
    aggregates: Iterable[Aggregate[Any, Any]],
    upto: int | None = None,
    batch_size: int = 10_000,
    progress: Progress | None = None,
) -> tuple[dict[str, dict[str, Any]], int]:
    """Every stream's state of the given aggregates, folded in memory from the log.

    Reads raw rows of just those stream types (no per-row ORM processing) up to `upto`
    (default: the head when the fold starts), each batch in its own short read (no
    snapshot held for the whole fold), and decodes each payload once.
    """
    by_type = {a.stream_type: a for a in aggregates}
    states: dict[str, dict[str, Any]] = {t: {} for t in by_type}
    async with engine.connect() as conn:
        head = await store.head_position(conn)
    upto = head if upto is None else upto
    after = 0
    with _collector_paused():
        while True:
            async with engine.connect() as conn:
                params = {"after": after, "upto": upto, "types": list(by_type), "limit": batch_size}
                rows = (await conn.execute(_SCAN, params)).all()
            _fold_rows(rows, store.upcasters, catalog, by_type, states)
            if progress is not None:
                progress(rows[-1][0] if rows else upto, upto)
            if len(rows) < batch_size:
                return states, upto
            after = rows[-1][0]


def _fold_rows(
    rows: Sequence[Sequence[Any]],
    upcasters: UpcasterChain,
    catalog: EventCatalog,
    by_type: Mapping[str, Aggregate[Any, Any]],
    states: dict[str, dict[str, Any]],
) -> None:
    # The store's upcasters, as the live path's reads use (not always the global chain).
    upcast, has_step, models = upcasters.upcast, upcasters.has_step, catalog.registry.get
    new_event = object.__new__
    for row in rows:
        (_, event_id, stream_id, stream_type, version, event_type, stored, *rest) = row
        site_id, actor, occurred_at, raw = rest
        if not has_step(event_type, stored):
            payload = models(event_type, stored).model_validate_json(raw)
        else:  # an older schema_version: upcast to the current one first
            schema_version, data = upcast(event_type, stored, json.loads(raw))
            payload = models(event_type, schema_version).model_validate(data)
        # Event's fields set as its __init__ would, without the frozen __init__'s
        # object.__setattr__ per field (~1.3 of each folded event's µs, measured).
        event = new_event(Event)
        event.__dict__.update(
            payload=payload,
            stream_id=stream_id,
            version=version,
            site_id=site_id,
            actor=actor,
            occurred_at=_instant(occurred_at),
            event_id=event_id if isinstance(event_id, UUID) else UUID(event_id),
        )
        aggregate, streams = by_type[stream_type], states[stream_type]
        streams[stream_id] = aggregate.evolve(streams.get(stream_id, aggregate.initial), event)


async def _insert(conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _INSERT_CHUNK):
        await conn.execute(table.insert(), rows[start : start + _INSERT_CHUNK])


def _records(
    table: sa.Table, dialect: sa.Dialect, model: ReadModel[Any], states: Mapping[str, Any]
) -> list[tuple[Any, ...]]:
    """Every stream's rows as value tuples in column order, bound as `table.insert()` would.

    Each value goes through its column type's bind processor for this dialect (UTC
    timestamps, SQLite's datetime text), so the bulk path stores exactly what the live
    path's INSERT stores; a missing key is NULL, an unknown one an error, as there.
    """
    names = [c.name for c in table.columns]
    known = frozenset(names)
    own = [n for n in names if n != SOURCE_COLUMN]  # the columns rows() gives
    pick = itemgetter(*own) if len(own) > 1 else lambda row: (row[own[0]],)
    source = names.index(SOURCE_COLUMN)
    binds = [
        (i, c.type.dialect_impl(dialect).bind_processor(dialect))
        for i, c in enumerate(table.columns)
    ]
    # NULL stays NULL for these processors (asked once), so None skips the call.
    processors = [(i, bind, bind(None) is None) for i, bind in binds if bind is not None]
    records: list[tuple[Any, ...]] = []
    for stream_id, state in states.items():
        for row in model.rows(state):
            try:
                values = [*pick(row)]
                exact = len(row) == len(own)
            except KeyError:
                values, exact = [row.get(name) for name in own], False
            if not exact and not row.keys() <= known:
                unknown = sorted(row.keys() - known)
                raise ValueError(f"read model {model.name}: rows() gave unknown {unknown}")
            values.insert(source, stream_id)
            for i, bind, skip_null in processors:
                if values[i] is not None or not skip_null:
                    values[i] = bind(values[i])
            records.append(tuple(values))
    return records


async def _bulk_insert(
    conn: AsyncConnection, table: sa.Table, records: list[tuple[Any, ...]]
) -> None:
    """The rows in one go: binary COPY on PostgreSQL, one executemany on SQLite."""
    names = [c.name for c in table.columns]
    if conn.dialect.name == "postgresql":
        # asyncpg's own connection, inside the transaction SQLAlchemy began on it.
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None  # a checked-out connection always has one
        await driver.copy_records_to_table(table.name, records=records, columns=names)
        return
    columns = ", ".join(f'"{n}"' for n in names)
    marks = ", ".join("?" for _ in names)  # SQLite's paramstyle
    insert = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
    for start in range(0, len(records), _BULK_CHUNK):
        await conn.exec_driver_sql(insert, records[start : start + _BULK_CHUNK])


async def write_table(
    conn: AsyncConnection, model: ReadModel[Any], states: Mapping[str, Any]
) -> int:
    """(Re)create the model's table in `conn` and fill it from `states`; returns rows."""
    table = model.table
    await conn.run_sync(lambda sync: table.drop(sync, checkfirst=True))
    await conn.run_sync(lambda sync: table.create(sync))
    with _collector_paused():
        records = _records(table, conn.dialect, model, states)
    await _bulk_insert(conn, table, records)
    return len(records)


class ReadModelRunner:
    """Keeps every read model of a service up to date, and builds or rebuilds them."""

    def __init__(
        self,
        runtime: Runtime,
        catalog: EventCatalog,
        read_models: Sequence[ReadModel[Any]],
        batch_size: int = 1000,
    ) -> None:
        self._rt = runtime
        self._catalog = catalog
        self.projections = list(read_models)  # the name `opsledger rebuild/verify` use
        names = [m.name for m in self.projections]
        if len(set(names)) != len(names):
            raise ValueError(f"read model names must be unique: {names}")
        self._batch_size = batch_size
        self._cache: StateCache[Any] = StateCache()

    def find(self, name: str) -> ReadModel[Any]:
        for model in self.projections:
            if model.name == name:
                return model
        known = ", ".join(m.name for m in self.projections) or "none"
        raise KeyError(f"no read model {name!r} (known: {known})")

    # -- start-up: build changed definitions beside the old tables ---------------------

    async def prepare(self) -> None:
        """Build every read model whose table does not exist yet, then drop stale ones."""
        async with self._rt.engine.connect() as conn:
            names = set((await conn.execute(sa.select(checkpoints.c.name))).scalars())
        for model in self.projections:
            if model.checkpoint not in names:
                count = await self.rebuild(model, only_if_missing=True)
                log.info("read_model_built", table=model.table.name, position=count)
            stale = [
                n
                for n in names
                if n.startswith(f"{CHECKPOINT_PREFIX}{model.name}_")
                and n != model.checkpoint
                and len(n) == len(model.checkpoint)
            ]
            for name in stale:
                await self._drop(name)

    async def _drop(self, checkpoint_name: str) -> None:
        physical = checkpoint_name.removeprefix(CHECKPOINT_PREFIX)
        async with self._rt.engine.begin() as conn:
            await conn.execute(sa.text(f'DROP TABLE IF EXISTS "{physical}"'))
            await conn.execute(checkpoints.delete().where(checkpoints.c.name == checkpoint_name))
        log.info("read_model_dropped", table=physical)

    async def rebuild(
        self,
        model: ReadModel[Any],
        *,
        only_if_missing: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Fold the log in memory, then replace the table and checkpoint in one transaction.

        Returns the position it was rebuilt up to.
        """
        rt = self._rt
        states, position = await fold_all(
            rt.engine, rt.store, self._catalog, [model.aggregate], progress=progress
        )
        async with rt.engine.begin() as conn:
            await lock_for_transaction(conn, model.checkpoint)  # one builder per table
            if only_if_missing and await self._has_checkpoint(conn, model):
                return 0  # another replica built it meanwhile
            await write_table(conn, model, states[model.aggregate.stream_type])
            await write_checkpoint(conn, model.checkpoint, position, rt.clock)
        self._cache = StateCache()
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

        An idle pass only reads (no row lock, no write), so an idle service writes nothing.
        """
        if not self.projections:
            return 0
        rt = self._rt
        async with rt.engine.begin() as conn:
            head = await rt.store.head_position(conn)
            # One statement for every checkpoint: this runs on each pass, busy or idle.
            names = [m.checkpoint for m in self.projections]
            query = sa.select(checkpoints.c.name, checkpoints.c.position).where(
                checkpoints.c.name.in_(names)
            )
            stored = {n: int(p) for n, p in (await conn.execute(query)).all()}
            positions = {m.name: stored.get(m.checkpoint, 0) for m in self.projections}
            low = min(positions.values())
            if low >= head:
                return 0
            batch = await rt.store.read_all(conn, low, self._batch_size)
            if not batch:
                return 0
            end = batch[-1].position
            for model in self.projections:
                todo = [e for e in batch if e.position > positions[model.name]]
                await self._apply(conn, model, todo)
                await write_checkpoint(conn, model.checkpoint, end, rt.clock)
        for model in self.projections:
            rt.metrics.projection_position.labels(projection=model.name).set(end)
            rt.metrics.projection_lag.labels(projection=model.name).set(head - end)
        return len(batch)

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
        source = model.table.c[SOURCE_COLUMN]
        streams = list(touched)
        for start in range(0, len(streams), _INSERT_CHUNK):
            chunk = streams[start : start + _INSERT_CHUNK]
            await conn.execute(model.table.delete().where(source.in_(chunk)))
        await _insert(conn, model.table, rows)

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
