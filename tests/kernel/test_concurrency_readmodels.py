"""The concurrency tier of read models: rebuilds, live passes, verify and two versions at once.

Interleavings are forced, never hoped for: the runtime's event store is wrapped so a pass
or a fold stops at a known call (`GatedStore`) until the test lets it go, and a PostgreSQL
session waiting for a lock is seen in `pg_stat_activity`, not guessed from a delay.
"""

import asyncio
import importlib.util
import os
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy as sa
from opsledger.clock import ManualClock
from opsledger.eventstore import EventStore, NewEvent, RecordedEvent
from opsledger.metrics import Metrics
from opsledger.readmodels import ReadModel, ReadModelRunner
from opsledger.runtime import Runtime
from opsledger.verify import verify_read_models
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tests.conftest import opsledger_cli
from tests.kernel.payloads import CounterIncremented
from tests.kernel.test_readmodels import CATALOG, COUNTER, TOTALS, _rows, _total_columns

START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


class Gate:
    """Where a paused call waits: `reached` once it is there, it goes on after `release`."""

    def __init__(self) -> None:
        self.reached = asyncio.Event()
        self._open = asyncio.Event()

    async def hold(self) -> None:
        self.reached.set()
        await self._open.wait()

    def release(self) -> None:
        self._open.set()

    async def wait_reached(self) -> None:
        await asyncio.wait_for(self.reached.wait(), 30)


class GatedStore(EventStore):
    """An EventStore whose next `head_position` or `read_all` call can be stopped once.

    The store is the one seam every read-model path goes through (a live pass reads its
    batch with `read_all` after its checkpoint; rebuild and verify ask `head_position`
    before folding), so the same test drives today's code and any later one.
    """

    def __init__(self) -> None:
        super().__init__()
        self._gates: dict[str, tuple[Gate, bool]] = {}

    def pause(self, call: str, *, after: bool = False) -> Gate:
        gate = Gate()
        self._gates[call] = (gate, after)
        return gate

    async def _through(self, call: str, after: bool) -> None:
        armed = self._gates.get(call)
        if armed is not None and armed[1] is after:
            del self._gates[call]
            await armed[0].hold()

    async def head_position(self, conn: AsyncConnection) -> int:
        await self._through("head_position", after=False)
        head = await super().head_position(conn)
        await self._through("head_position", after=True)
        return head

    async def read_all(
        self,
        conn: AsyncConnection,
        after_position: int = 0,
        limit: int = 1000,
        event_types: Sequence[str] | None = None,
    ) -> list[RecordedEvent]:
        await self._through("read_all", after=False)
        return await super().read_all(conn, after_position, limit, event_types)


def _runtime(engine: AsyncEngine, store: EventStore, clock: ManualClock | None = None) -> Runtime:
    return Runtime("kerneltest", engine, clock or ManualClock(START), Metrics("kerneltest"), store)


async def _add(engine: AsyncEngine, stream: str, by: int) -> None:
    store = EventStore()
    async with engine.begin() as conn:
        await store.append(
            conn, stream, "Counter", None, [NewEvent(CounterIncremented(by=by), "site-a", "s", "c")]
        )


async def _totals(engine: AsyncEngine, model: ReadModel[Any] = TOTALS) -> dict[str, int]:
    table = model.table
    async with engine.connect() as conn:
        rows = (await conn.execute(sa.select(table.c.counter_id, table.c.total))).all()
    return {str(r[0]): int(r[1]) for r in rows}


async def _checkpoint(engine: AsyncEngine, model: ReadModel[Any] = TOTALS) -> int:
    async with engine.connect() as conn:
        query = sa.text("SELECT position FROM checkpoints WHERE name = :n")
        return int((await conn.execute(query, {"n": model.checkpoint})).scalar() or 0)


async def _done_or_waiting_for_a_lock(engine: AsyncEngine, task: "asyncio.Task[Any]") -> None:
    """Until `task` finished or a session of this database waits for a lock (PostgreSQL)."""
    waiting = sa.text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    for _ in range(3000):  # 30 s at most: the state is observed, not waited out
        if task.done():
            return
        async with engine.connect() as conn:
            if (await conn.execute(waiting)).scalar():
                return
        await asyncio.wait({task}, timeout=0.01)
    raise AssertionError("the rebuild neither finished nor waited for a lock")


# -- 1. a rebuild and a live pass of the same read model exclude each other -------------


@pytest.mark.postgres
async def test_a_rebuild_loses_no_event_a_concurrent_live_pass_applied(
    engine: AsyncEngine,
) -> None:
    """The rebuild folds to H; live passes move the checkpoint to C > H meanwhile; one more
    pass reads C and is paused. The rebuild must not switch tables under that pass, and
    must not leave the events in (H, C] out of the table it switches to."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite: one writer at a time, a pass and a rebuild cannot interleave")
    store = GatedStore()
    live = ReadModelRunner(_runtime(engine, store), CATALOG, [TOTALS], batch_size=100)
    await live.prepare()
    await _add(engine, "a", 1)
    assert await live.catch_up() == 1

    folded = store.pause("head_position", after=True)  # the rebuild's head H is read
    tool = ReadModelRunner(_runtime(engine, store), CATALOG, [TOTALS])  # `opsledger rebuild`
    rebuild = asyncio.create_task(tool.rebuild(TOTALS))
    await folded.wait_reached()

    await _add(engine, "b", 5)  # (H, C]: applied live to the table the rebuild replaces
    assert await live.catch_up() == 1
    await _add(engine, "c", 7)
    paused = store.pause("read_all")  # the next pass: checkpoint C read, batch not yet
    pass_ = asyncio.create_task(live.run_once())
    await paused.wait_reached()

    folded.release()
    await _done_or_waiting_for_a_lock(engine, rebuild)
    paused.release()
    await asyncio.wait_for(asyncio.gather(rebuild, pass_), 30)
    await live.catch_up()

    assert await _totals(engine) == {"a": 1, "b": 5, "c": 7}
    async with engine.connect() as conn:
        head = await EventStore().head_position(conn)
    assert await _checkpoint(engine) == head
    assert await verify_read_models(engine, EventStore(), CATALOG, [TOTALS]) == []


@pytest.mark.postgres
async def test_a_live_pass_skips_a_read_model_a_rebuild_holds_and_applies_it_after(
    engine: AsyncEngine,
) -> None:
    """While a rebuild holds the read model, a pass neither waits nor writes into it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite: the write lock already makes every transaction wait its turn")
    store = GatedStore()
    live = ReadModelRunner(_runtime(engine, store), CATALOG, [TOTALS], batch_size=100)
    await live.prepare()
    await _add(engine, "a", 1)
    tool = ReadModelRunner(_runtime(engine, EventStore()), CATALOG, [TOTALS])
    async with engine.begin() as conn:  # what the rebuild holds while it writes the table
        await tool.lock(conn, TOTALS, wait=True)
        assert await asyncio.wait_for(live.run_once(), 30) == 0
    assert await live.catch_up() == 1
    assert await _totals(engine) == {"a": 1}


# -- 3. verify reads the checkpoint and the table at one moment --------------------------


async def test_verify_reports_nothing_while_the_live_pass_moves_on(engine: AsyncEngine) -> None:
    store = GatedStore()
    live = ReadModelRunner(_runtime(engine, store), CATALOG, [TOTALS], batch_size=100)
    await live.prepare()
    await _add(engine, "a", 1)
    await _add(engine, "b", 2)
    await live.catch_up()

    folding = store.pause("head_position")  # verify starts folding the log
    verify = asyncio.create_task(verify_read_models(engine, store, CATALOG, [TOTALS]))
    await folding.wait_reached()
    await _add(engine, "a", 10)
    assert await live.catch_up() == 1  # the live table and its checkpoint move on
    folding.release()
    assert await asyncio.wait_for(verify, 60) == []


# -- 2. two versions of a read model side by side (a rolling deploy, a rollback) -------


async def _checkpoint_names(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set((await conn.execute(sa.text("SELECT name FROM checkpoints"))).scalars())


def _version(revision: int) -> ReadModel[Any]:
    return ReadModel(
        name="counter_totals",
        aggregate=COUNTER,
        columns=_total_columns(),
        rows=_rows,
        revision=revision,
    )


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: sa.inspect(sync).get_table_names()))


async def test_a_new_version_leaves_the_table_the_old_replicas_serve(engine: AsyncEngine) -> None:
    old_def, new_def = _version(1), _version(2)
    clock = ManualClock(START)
    old = ReadModelRunner(_runtime(engine, EventStore(), clock), CATALOG, [old_def])
    await old.prepare()
    await _add(engine, "a", 1)
    await old.catch_up()

    new = ReadModelRunner(_runtime(engine, EventStore(), clock), CATALOG, [new_def])
    await new.prepare()  # a replica of the new version starts
    await _add(engine, "a", 2)
    assert await old.catch_up() == 1  # the old replicas go on serving theirs
    assert await new.catch_up() == 1
    assert await _totals(engine, old_def) == {"a": 3} == await _totals(engine, new_def)

    rollback = ReadModelRunner(_runtime(engine, EventStore(), clock), CATALOG, [old_def])
    await rollback.prepare()  # an old replica starts again (a rollback)
    assert {old_def.table.name, new_def.table.name} <= await _tables(engine)
    await _add(engine, "b", 4)
    assert await new.catch_up() == 1
    assert await _totals(engine, new_def) == {"a": 3, "b": 4}


async def test_an_old_table_goes_once_no_replica_used_it_for_the_grace_period(
    engine: AsyncEngine,
) -> None:
    old_def, new_def = _version(1), _version(2)
    clock = ManualClock(START)
    grace, beat = timedelta(hours=1), timedelta(minutes=1)

    def runner(model: ReadModel[Any]) -> ReadModelRunner:
        rt = _runtime(engine, EventStore(), clock)
        return ReadModelRunner(rt, CATALOG, [model], grace=grace, heartbeat_every=beat)

    old, new = runner(old_def), runner(new_def)
    await old.prepare()
    await new.prepare()
    for _ in range(3):  # both versions run for two hours: the old one keeps its table
        clock.advance(timedelta(minutes=40))
        await old.run_once()
        await new.run_once()
    assert old_def.table.name in await _tables(engine)

    clock.advance(grace + beat)  # the old replicas are gone
    await new.run_once()
    tables = await _tables(engine)
    assert old_def.table.name not in tables and new_def.table.name in tables
    assert old_def.checkpoint not in await _checkpoint_names(engine)

    again = runner(old_def)  # a rollback after the grace period rebuilds it before serving
    await _add(engine, "a", 6)
    await again.prepare()
    assert await _totals(engine, old_def) == {"a": 6}


async def test_prune_drops_the_other_versions_tables_now(engine: AsyncEngine) -> None:
    old_def, new_def = _version(1), _version(2)
    clock = ManualClock(START)
    old = ReadModelRunner(_runtime(engine, EventStore(), clock), CATALOG, [old_def])
    new = ReadModelRunner(_runtime(engine, EventStore(), clock), CATALOG, [new_def])
    await old.prepare()
    await new.prepare()
    assert await new.prune(unused_for=timedelta(hours=1)) == []  # the old one was just seen
    assert await new.prune(unused_for=timedelta(0)) == [old_def.table.name]
    assert await _tables(engine) >= {new_def.table.name}
    assert old_def.table.name not in await _tables(engine)


# -- 4. evolve is part of the definition -------------------------------------------------


async def test_a_changed_evolve_rebuilds_the_table(engine: AsyncEngine) -> None:
    def doubled(state: tuple[str, int, int], event: Any) -> tuple[str, int, int]:
        return event.stream_id, state[1] + 2 * event.payload.by, state[2] + 1

    before = TOTALS
    after = ReadModel(
        name=TOTALS.name,
        aggregate=replace(COUNTER, evolve=doubled),
        columns=_total_columns(),
        rows=_rows,
    )
    assert after.table.name != before.table.name
    first = ReadModelRunner(_runtime(engine, EventStore()), CATALOG, [before])
    await first.prepare()
    await _add(engine, "a", 3)
    await first.catch_up()
    second = ReadModelRunner(_runtime(engine, EventStore()), CATALOG, [after])
    await second.prepare()
    assert await _totals(engine, after) == {"a": 6}


def _module(directory: Path, name: str, step: str) -> ModuleType:
    """A module whose `evolve` reads the same in each copy; only its helper `_step` differs."""
    path = directory / f"{name}.py"
    path.write_text(
        "def _step(total, by):\n"
        f"    return {step}\n"
        "\n\n"
        "def evolve(state, event):\n"
        "    return event.stream_id, _step(state[1], event.payload.by), state[2] + 1\n"
    )
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_changed_helper_that_evolve_calls_changes_the_fingerprint(tmp_path: Path) -> None:
    plus, times = _module(tmp_path, "plus", "total + by"), _module(tmp_path, "times", "total * by")
    models = [
        ReadModel(
            name="counter_totals",
            aggregate=replace(COUNTER, evolve=module.evolve),
            columns=_total_columns(),
            rows=_rows,
        )
        for module in (plus, times)
    ]
    assert models[0].table.name != models[1].table.name


def test_the_prune_command_drops_an_other_versions_table(tmp_path: Path) -> None:
    """`opsledger readmodels prune <service>` as a process, on a SQLite service database."""
    database = tmp_path / "permits.db"
    env = {
        "OPSLEDGER_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "PATH": "/usr/bin:/bin",
    }

    def prune() -> subprocess.CompletedProcess[str]:
        command = [*opsledger_cli(), "readmodels", "prune", "permits"]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)

    first = prune()  # migrates and builds this version's tables: nothing else to drop
    assert first.returncode == 0, first.stderr
    assert "permits: 0 read-model table(s) of other versions dropped" in first.stdout
    with sqlite3.connect(database) as db:  # a table an earlier version built and left
        db.execute('CREATE TABLE "permit_board_0123abcd" (permit_id TEXT PRIMARY KEY)')
        db.execute(
            "INSERT INTO checkpoints (name, position, updated_at)"
            " VALUES ('readmodel:permit_board_0123abcd', 0, '2026-12-01 00:00:00')"
        )
    second = prune()
    assert second.returncode == 0, second.stderr
    assert "dropped permit_board_0123abcd" in second.stdout
    with sqlite3.connect(database) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "permit_board_0123abcd" not in tables and "readmodel_tables" in tables


_STATEFUL = """
from dataclasses import dataclass


@dataclass(frozen=True)
class State:
    total: int = 0
    tags: frozenset[str] = frozenset({"red", "green", "blue", "amber"})


def evolve(state, event):
    return State(state.total + event.payload.by, state.tags)
"""
_PRINT_TABLE = """
import sys
sys.path.insert(0, sys.argv[1])
from tests.kernel.test_concurrency_readmodels import _fingerprinted
print(_fingerprinted(sys.argv[2]))
"""


def _fingerprinted(path: str) -> str:
    spec = importlib.util.spec_from_file_location("stateful", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = ReadModel(
        name="counter_totals",
        aggregate=replace(COUNTER, evolve=module.evolve),
        columns=_total_columns(),
        rows=_rows,
    )
    return model.table.name


def test_the_fingerprint_is_the_same_in_every_process(tmp_path: Path) -> None:
    """Nothing of a process (addresses, string hashing) may enter it, or every replica
    would build its own table: the state class's shape is part of it, a set default too."""
    path = tmp_path / "stateful.py"
    path.write_text(_STATEFUL)
    root = str(Path(__file__).resolve().parents[2])
    names = {
        subprocess.run(
            [sys.executable, "-c", _PRINT_TABLE, root, str(path)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        ).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert names == {_fingerprinted(str(path))}
    path.write_text(_STATEFUL.replace("total: int = 0", "total: int = 1"))
    assert _fingerprinted(str(path)) not in names  # the state's shape counts
