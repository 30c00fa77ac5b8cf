"""Read-model runner, rebuild and verify, against SQLite and real PostgreSQL."""

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from opsledger.catalog import EventCatalog
from opsledger.clock import SystemClock
from opsledger.decider import Aggregate, Event
from opsledger.eventstore import EventStore, NewEvent
from opsledger.metrics import Metrics
from opsledger.readmodels import ReadModel, ReadModelRunner, fold_all
from opsledger.runtime import Runtime
from opsledger.verify import verify_read_models
from opsledger_contracts import UpcasterChain
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kernel.payloads import CounterIncremented, CounterIncrementedV2

Counter = tuple[str, int, int]  # id, total, increments


def _evolve(state: Counter, event: Event) -> Counter:
    assert isinstance(event.payload, CounterIncremented)
    return event.stream_id, state[1] + event.payload.by, state[2] + 1


COUNTER: Aggregate[Counter, Any] = Aggregate(
    stream_type="Counter",
    stream_prefix="c",
    initial=("", 0, 0),
    evolve=_evolve,
    stream_id=str,
    commands={},
)


def _rows(state: Counter) -> Iterable[dict[str, Any]]:
    yield {"counter_id": state[0], "total": state[1], "increments": state[2]}


def _total_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("counter_id", sa.String(50), primary_key=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("increments", sa.Integer(), nullable=False),
    ]


TOTALS: ReadModel[Counter] = ReadModel(
    name="counter_totals", aggregate=COUNTER, columns=_total_columns(), rows=_rows
)
CATALOG = EventCatalog([CounterIncremented])


async def _seed(engine: AsyncEngine, store: EventStore, n: int) -> None:
    async with engine.begin() as conn:
        for i in range(n):
            await store.append(
                conn,
                f"counter-{i % 4}",
                "Counter",
                None,
                [NewEvent(CounterIncremented(by=i), "site-a", "staff-1", "c")],
            )


async def _table(engine: AsyncEngine) -> list[tuple[Any, ...]]:
    table = TOTALS.table
    async with engine.connect() as conn:
        query = sa.select(table).order_by(table.c.counter_id)
        return [tuple(r) for r in await conn.execute(query)]


async def _runner(engine: AsyncEngine) -> ReadModelRunner:
    runtime = Runtime("kerneltest", engine, SystemClock(), Metrics("kerneltest"), EventStore())
    runner = ReadModelRunner(runtime, CATALOG, [TOTALS], batch_size=7)
    await runner.prepare()
    return runner


async def test_runner_applies_each_event_once_and_keeps_its_checkpoint(engine: AsyncEngine) -> None:
    runner = await _runner(engine)
    await _seed(engine, runner._rt.store, 30)
    assert await runner.catch_up() == 30
    assert await runner.catch_up() == 0  # checkpoint moved with the writes
    rows = await _table(engine)
    assert sum(int(r[1]) for r in rows) == sum(range(30))
    assert sum(int(r[2]) for r in rows) == 30


async def test_rebuild_equals_the_live_read_model(engine: AsyncEngine) -> None:
    runner = await _runner(engine)
    await _seed(engine, runner._rt.store, 25)
    await runner.catch_up()
    live = await _table(engine)
    assert await runner.rebuild(TOTALS) > 0
    assert await _table(engine) == live
    await _seed(engine, runner._rt.store, 3)  # the runner goes on from the rebuilt checkpoint
    assert await runner.catch_up() == 3


async def test_verify_passes_when_equal_and_names_a_tampered_row(engine: AsyncEngine) -> None:
    runner = await _runner(engine)
    store = runner._rt.store
    await _seed(engine, store, 12)
    await runner.catch_up()
    assert await verify_read_models(engine, store, CATALOG, [TOTALS]) == []

    table = TOTALS.table
    async with engine.begin() as conn:
        await conn.execute(table.update().where(table.c.counter_id == "counter-1").values(total=-1))
        await conn.execute(
            table.insert().values(counter_id="ghost", total=1, increments=1, source_stream="x")
        )
    differences = await verify_read_models(engine, store, CATALOG, [TOTALS])
    details = "\n".join(d.detail for d in differences)
    assert len(differences) == 2
    assert "('counter-1',) differs" in details and "total: live=-1" in details
    assert "('ghost',) in live table but not in the log" in details


async def test_verify_ignores_events_the_live_read_model_has_not_reached_yet(
    engine: AsyncEngine,
) -> None:
    runner = await _runner(engine)
    store = runner._rt.store
    await _seed(engine, store, 5)
    await runner.catch_up()
    await _seed(engine, store, 5)  # recorded, not yet applied
    assert await verify_read_models(engine, store, CATALOG, [TOTALS]) == []


# -- the rebuild's bulk write and fold ---------------------------------------------------

Stamp = tuple[str, int, datetime | None, Decimal]  # id, total, last occurred_at, average


def _stamp(state: Stamp, event: Event) -> Stamp:
    assert isinstance(event.payload, CounterIncremented)
    count = state[1] + 1
    return event.stream_id, count, event.occurred_at, Decimal(event.payload.by) / count


def _stamp_rows(state: Stamp) -> Iterable[dict[str, Any]]:
    counter_id, total, last_at, average = state
    first_at = last_at if total % 2 else None  # a timestamp or NULL
    for key, even in ((counter_id, None), (f"{counter_id}/even", total % 2 == 0)):
        yield {
            "counter_id": key,
            "total": total,
            "last_at": last_at,
            "first_at": first_at,
            "even": even,
            "average": None if even is None else average,
        }


STAMP: Aggregate[Stamp, Any] = Aggregate(
    stream_type="Counter",
    stream_prefix="c",
    initial=("", 0, None, Decimal(0)),
    evolve=_stamp,
    stream_id=str,
    commands={},
)
STAMPS: ReadModel[Stamp] = ReadModel(
    name="counter_stamps",
    aggregate=STAMP,
    columns=[
        sa.Column("counter_id", sa.String(60), primary_key=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("even", sa.Boolean(), nullable=True),
        sa.Column("average", sa.Numeric(10, 4), nullable=True),
    ],
    rows=_stamp_rows,
)


async def _raw(engine: AsyncEngine, table: sa.Table) -> list[tuple[Any, ...]]:
    """The rows as the driver returns them (SQLite: the stored text, not parsed back)."""
    async with engine.connect() as conn:
        result = await conn.exec_driver_sql(f'SELECT * FROM "{table.name}" ORDER BY counter_id')
        return [tuple(r) for r in result]


async def test_rebuild_stores_exactly_what_the_live_runner_stores(engine: AsyncEngine) -> None:
    """The rebuild's bulk write (COPY, executemany) binds values as the live INSERT does:
    the same stored text for timestamps on SQLite, NULLs for missing keys, booleans and
    decimals; compared as raw driver values, not read back through the column types."""
    runtime = Runtime("kerneltest", engine, SystemClock(), Metrics("kerneltest"), EventStore())
    runner = ReadModelRunner(runtime, CATALOG, [STAMPS], batch_size=5)
    await runner.prepare()
    await _seed(engine, runtime.store, 14)
    await runner.catch_up()
    live = await _raw(engine, STAMPS.table)
    assert await runner.rebuild(STAMPS) > 0
    rebuilt = await _raw(engine, STAMPS.table)
    assert rebuilt == live
    assert len(live) == 8 and any(r[3] is None for r in live) and any(r[3] for r in live)


async def test_rebuild_refuses_a_row_with_a_column_the_table_does_not_have(
    engine: AsyncEngine,
) -> None:
    typo = ReadModel(
        name="counter_typo",
        aggregate=COUNTER,
        columns=[sa.Column("counter_id", sa.String(50), primary_key=True)],
        rows=lambda state: [{"counter_id": state[0], "totl": state[1]}],
    )
    runtime = Runtime("kerneltest", engine, SystemClock(), Metrics("kerneltest"), EventStore())
    await _seed(engine, runtime.store, 2)
    with pytest.raises(ValueError, match=r"counter_typo: rows\(\) gave unknown \['totl'\]"):
        await ReadModelRunner(runtime, CATALOG, [typo]).rebuild(typo)


def _amount(state: Counter, event: Event) -> Counter:
    assert isinstance(event.payload, CounterIncrementedV2), type(event.payload)
    return event.stream_id, state[1] + event.payload.amount, state[2] + 1


async def test_rebuild_upcasts_stored_older_schema_versions(engine: AsyncEngine) -> None:
    """Events stored as v1 reach evolve as v2, through the store's upcasters."""
    chain = UpcasterChain()

    @chain.register("CounterIncremented", 1)
    def _v1_to_v2(payload: dict[str, Any]) -> dict[str, Any]:
        return {"amount": payload["by"] * 10, "reason": "upcast"}

    await _seed(engine, EventStore(), 6)  # stored as v1
    v2 = replace(COUNTER, evolve=_amount)
    amounts = ReadModel(name="counter_amounts", aggregate=v2, columns=_total_columns(), rows=_rows)
    store = EventStore(upcasters=chain)
    runtime = Runtime("kerneltest", engine, SystemClock(), Metrics("kerneltest"), store)
    catalog = EventCatalog([CounterIncremented, CounterIncrementedV2])
    await ReadModelRunner(runtime, catalog, [amounts]).rebuild(amounts)
    async with engine.connect() as conn:
        total = (await conn.execute(sa.select(sa.func.sum(amounts.table.c.total)))).scalar()
    assert total == 10 * sum(range(6))


async def test_rebuild_reports_progress_up_to_the_position_it_rebuilt_to(
    engine: AsyncEngine,
) -> None:
    runner = await _runner(engine)
    await _seed(engine, runner._rt.store, 9)
    seen: list[tuple[int, int]] = []
    position = await runner.rebuild(TOTALS, progress=lambda done, total: seen.append((done, total)))
    assert seen and seen[-1] == (position, position) and position > 0


async def test_the_fold_hands_evolve_the_events_the_live_path_decodes(
    engine: AsyncEngine,
) -> None:
    """Every fact of each `Event` (ids, times with their zone, payload) as `catalog.decode`
    of the store's records gives it, in stream order."""
    seen: list[Event] = []

    def keep(state: Counter, event: Event) -> Counter:
        seen.append(event)
        return state

    store = EventStore()
    await _seed(engine, store, 9)
    folded, _ = await fold_all(engine, store, CATALOG, [replace(COUNTER, evolve=keep)])
    async with engine.connect() as conn:
        live = [CATALOG.decode(r) for r in await store.read_all(conn, 0, 100)]
    assert (
        seen == live
        and len(seen) == 9
        and set(folded["Counter"]) == {f"counter-{i}" for i in range(4)}
    )
    assert all(e.occurred_at.utcoffset() is not None for e in seen)
