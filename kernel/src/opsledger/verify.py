"""`opsledger verify`: rebuild every read model from the log into a scratch database and
compare it row by row with the live table, at the live checkpoint.

The checkpoint and the live rows are read in one snapshot (REPEATABLE READ on
PostgreSQL, one transaction on SQLite), so a service that keeps running meanwhile is
compared at one moment, never its rows of one pass against the checkpoint of another.
"""

import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.catalog import EventCatalog
from opsledger.checkpoints import read_checkpoint
from opsledger.db import create_engine
from opsledger.decider import Event
from opsledger.eventstore import EventStore
from opsledger.readmodels import ReadModel, fold_all, write_table
from opsledger.readmodels.backend import backend_for
from opsledger.service import Check


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


async def _rows(conn: AsyncConnection, table: sa.Table) -> list[tuple[Any, ...]]:
    order = list(table.primary_key.columns) or list(table.columns)
    return [tuple(r) for r in (await conn.execute(sa.select(table).order_by(*order))).all()]


def compare_rows(
    projection: str,
    table: sa.Table,
    live_rows: list[tuple[Any, ...]],
    rebuilt_rows: list[tuple[Any, ...]],
) -> list[Difference]:
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


async def verify_read_models(
    live: AsyncEngine, store: EventStore, catalog: EventCatalog, models: Sequence[ReadModel[Any]]
) -> list[Difference]:
    """Differences between each live read model and its rebuild (empty: equal)."""
    differences: list[Difference] = []
    snapshot = backend_for(live).snapshot
    async with scratch_engine(live) as scratch:
        for model in models:
            async with snapshot(live) as conn:  # the checkpoint and the rows at one moment
                upto = await read_checkpoint(conn, model.checkpoint)
                live_rows = await _rows(conn, model.table)
            states, _ = await fold_all(live, store, catalog, [model.aggregate], upto=upto)
            async with scratch.begin() as conn:
                await write_table(conn, model, states[model.aggregate.stream_type])
                rebuilt_rows = await _rows(conn, model.table)
            differences.extend(compare_rows(model.name, model.table, live_rows, rebuilt_rows))
    return differences


async def run_checks(
    engine: AsyncEngine, store: EventStore, catalog: EventCatalog, checks: Sequence[Check]
) -> list[str]:
    """A service's own checks (`ServiceDefinition.checks`) over its whole log, decoded."""
    if not checks:
        return []
    events: list[Event] = []
    async with engine.connect() as conn:
        after = 0
        while batch := await store.read_all(conn, after_position=after, limit=2000):
            events.extend(catalog.decode(r) for r in batch)
            after = batch[-1].position
    return [problem for check in checks for problem in check(events)]
