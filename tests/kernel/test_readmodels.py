"""Read-model runner, rebuild and verify, against SQLite and real PostgreSQL."""

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from opsledger.catalog import EventCatalog
from opsledger.clock import SystemClock
from opsledger.decider import Aggregate, DecisionContext, Event
from opsledger.eventstore import EventStore, NewEvent
from opsledger.metrics import Metrics
from opsledger.readmodels import ReadModel, ReadModelRunner
from opsledger.runtime import Runtime
from opsledger.verify import verify_read_models
from opsledger_contracts import EventPayload
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kernel.payloads import CounterIncremented

Counter = tuple[str, int, int]  # id, total, increments


def _evolve(state: Counter, event: Event) -> Counter:
    assert isinstance(event.payload, CounterIncremented)
    return event.stream_id, state[1] + event.payload.by, state[2] + 1


def _decide(state: Counter, command: Any, ctx: DecisionContext) -> list[EventPayload]:
    raise NotImplementedError  # these tests only read


COUNTER: Aggregate[Counter, Any] = Aggregate(
    stream_type="Counter",
    initial=("", 0, 0),
    evolve=_evolve,
    decide=_decide,
    stream_id=str,
    commands={},
)


def _rows(state: Counter) -> Iterable[dict[str, Any]]:
    yield {"counter_id": state[0], "total": state[1], "increments": state[2]}


TOTALS: ReadModel[Counter] = ReadModel(
    name="counter_totals",
    aggregate=COUNTER,
    columns=[
        sa.Column("counter_id", sa.String(50), primary_key=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("increments", sa.Integer(), nullable=False),
    ],
    rows=_rows,
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
