"""Read models built from the event log, with the checkpoint in the same transaction.

Any projection can be dropped and rebuilt from the events (`opsledger rebuild`), and
`opsledger verify` rebuilds each one into a scratch database and compares it with the
live tables: the audit guarantee that read models say nothing the log does not.
"""

import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from uuid import uuid4

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.clock import Clock
from opsledger.db import checkpoints, create_engine
from opsledger.eventstore import EventStore, RecordedEvent
from opsledger.metrics import Metrics

log = structlog.get_logger(__name__)


class Projection(Protocol):
    """A read model: its tables and how one event changes them.

    `apply` must be deterministic in the event alone (no clock, no other I/O), so a
    rebuild gives exactly the live result.
    """

    name: str
    tables: Sequence[sa.Table]

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None: ...


def checkpoint_name(projection: Projection) -> str:
    return f"projection:{projection.name}"


async def read_checkpoint(conn: AsyncConnection, name: str, *, for_update: bool = False) -> int:
    query = sa.select(checkpoints.c.position).where(checkpoints.c.name == name)
    if for_update and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return int((await conn.execute(query)).scalar() or 0)


async def write_checkpoint(conn: AsyncConnection, name: str, position: int, clock: Clock) -> None:
    now = clock.now()
    updated = await conn.execute(
        checkpoints.update()
        .where(checkpoints.c.name == name)
        .values(position=position, updated_at=now)
    )
    if not updated.rowcount:
        await conn.execute(
            checkpoints.insert().values(name=name, position=position, updated_at=now)
        )


class ProjectionRunner:
    """Applies new events to each projection, batch by batch."""

    def __init__(
        self,
        engine: AsyncEngine,
        store: EventStore,
        clock: Clock,
        projections: Sequence[Projection],
        metrics: Metrics | None = None,
        batch_size: int = 500,
    ) -> None:
        self._engine = engine
        self._store = store
        self._clock = clock
        self.projections = list(projections)
        self._metrics = metrics
        self._batch_size = batch_size

    async def run_once(self) -> int:
        """Apply one batch to every projection; returns how many events were applied."""
        applied = 0
        for projection in self.projections:
            applied += await self._advance(projection)
        return applied

    async def catch_up(self) -> int:
        total = 0
        while applied := await self.run_once():
            total += applied
        return total

    async def _advance(self, projection: Projection) -> int:
        name = checkpoint_name(projection)
        async with self._engine.begin() as conn:
            position = await read_checkpoint(conn, name, for_update=True)
            batch = await self._store.read_all(conn, position, self._batch_size)
            for event in batch:
                await projection.apply(conn, event)
            if batch:
                position = batch[-1].position
                await write_checkpoint(conn, name, position, self._clock)
            head = await self._store.head_position(conn)
        if self._metrics is not None:
            self._metrics.projection_position.labels(projection=projection.name).set(position)
            self._metrics.projection_lag.labels(projection=projection.name).set(head - position)
        return len(batch)

    def find(self, name: str) -> Projection:
        for projection in self.projections:
            if projection.name == name:
                return projection
        known = ", ".join(p.name for p in self.projections) or "none"
        raise KeyError(f"no projection {name!r} (known: {known})")

    async def rebuild(self, projection: Projection) -> int:
        """Drop, recreate and refill one projection in ONE transaction.

        Readers see the old tables until the new ones commit (DDL is transactional on
        PostgreSQL and SQLite), and the live runner waits on the checkpoint row lock.
        """
        name = checkpoint_name(projection)
        count = 0
        async with self._engine.begin() as conn:
            await read_checkpoint(conn, name, for_update=True)
            await conn.run_sync(_recreate_tables, projection.tables)
            position = 0
            while batch := await self._store.read_all(conn, position, self._batch_size):
                for event in batch:
                    await projection.apply(conn, event)
                position = batch[-1].position
                count += len(batch)
            await write_checkpoint(conn, name, position, self._clock)
        log.info("projection_rebuilt", projection=projection.name, events=count)
        return count


def _recreate_tables(sync_conn: sa.Connection, tables: Sequence[sa.Table]) -> None:
    for table in reversed(tables):
        table.drop(sync_conn, checkfirst=True)
    for table in tables:
        table.create(sync_conn)


@dataclass(frozen=True)
class Difference:
    """One way a rebuilt projection differs from the live one."""

    projection: str
    table: str
    detail: str


@asynccontextmanager
async def scratch_engine(live: AsyncEngine) -> AsyncIterator[AsyncEngine]:
    """An empty database beside the live one: a temp SQLite file, or a temp PG database."""
    if live.dialect.name == "sqlite":
        with tempfile.TemporaryDirectory(prefix="opsledger-verify-") as tmp:
            engine = create_engine(f"sqlite+aiosqlite:///{Path(tmp) / 'scratch.db'}")
            try:
                yield engine
            finally:
                await engine.dispose()
        return
    name = f"opsledger_verify_{uuid4().hex[:12]}"
    admin = create_engine(
        live.url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT"
    )
    try:
        async with admin.connect() as conn:
            await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine = create_engine(live.url.set(database=name).render_as_string(hide_password=False))
        try:
            yield engine
        finally:
            await engine.dispose()
            async with admin.connect() as conn:
                await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        await admin.dispose()


async def verify(
    live: AsyncEngine, store: EventStore, projections: Sequence[Projection], batch_size: int = 1000
) -> list[Difference]:
    """Rebuild every projection from the log into scratch tables and compare with live.

    The live tables are compared at their own checkpoint: the scratch build applies
    exactly the events up to each live checkpoint, so a projection that is merely behind
    is not reported as different.
    """
    differences: list[Difference] = []
    async with scratch_engine(live) as scratch:
        for projection in projections:
            async with live.connect() as conn:
                upto = await read_checkpoint(conn, checkpoint_name(projection))
            async with scratch.begin() as sconn:
                await sconn.run_sync(_recreate_tables, projection.tables)
            async for batch in store.iter_all(live, 0, batch_size):
                todo = [e for e in batch if e.position <= upto]
                if todo:
                    async with scratch.begin() as sconn:
                        for event in todo:
                            await projection.apply(sconn, event)
                if len(todo) < len(batch):
                    break
            for table in projection.tables:
                differences.extend(await compare_tables(projection.name, table, live, scratch))
    return differences


async def _rows(engine: AsyncEngine, table: sa.Table) -> list[tuple[Any, ...]]:
    order = list(table.primary_key.columns) or list(table.columns)
    async with engine.connect() as conn:
        return [tuple(r) for r in (await conn.execute(sa.select(table).order_by(*order))).all()]


async def compare_tables(
    projection: str, table: sa.Table, live: AsyncEngine, scratch: AsyncEngine
) -> list[Difference]:
    live_rows, rebuilt_rows = await _rows(live, table), await _rows(scratch, table)
    columns = [c.name for c in table.columns]
    key_cols = [c.name for c in table.primary_key.columns] or columns
    idx = [columns.index(c) for c in key_cols]
    live_by_key = {tuple(r[i] for i in idx): r for r in live_rows}
    rebuilt_by_key = {tuple(r[i] for i in idx): r for r in rebuilt_rows}
    found: list[Difference] = []
    for key in sorted(live_by_key.keys() | rebuilt_by_key.keys(), key=repr):
        old, new = live_by_key.get(key), rebuilt_by_key.get(key)
        if old is None:
            found.append(Difference(projection, table.name, f"row {key} missing from live table"))
        elif new is None:
            found.append(
                Difference(projection, table.name, f"row {key} in live table but not in the log")
            )
        elif old != new:
            cols = [
                f"{c}: live={a!r} rebuilt={b!r}"
                for c, a, b in zip(columns, old, new, strict=True)
                if a != b
            ]
            found.append(
                Difference(projection, table.name, f"row {key} differs ({'; '.join(cols)})")
            )
    return found
