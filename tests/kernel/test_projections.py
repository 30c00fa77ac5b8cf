"""Projection runner, rebuild and verify, against SQLite and real PostgreSQL."""

from collections.abc import Sequence

import sqlalchemy as sa
from opsledger.clock import SystemClock
from opsledger.eventstore import EventStore, NewEvent, RecordedEvent
from opsledger.projections import ProjectionRunner, verify
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tests.kernel.payloads import CounterIncremented

metadata = sa.MetaData()
totals = sa.Table(
    "counter_totals",
    metadata,
    sa.Column("counter_id", sa.String(50), primary_key=True),
    sa.Column("total", sa.Integer(), nullable=False),
    sa.Column("increments", sa.Integer(), nullable=False),
)


class CounterTotals:
    name = "counter_totals"
    tables: Sequence[sa.Table] = (totals,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        by = int(event.payload["by"])
        updated = await conn.execute(
            totals.update()
            .where(totals.c.counter_id == event.stream_id)
            .values(total=totals.c.total + by, increments=totals.c.increments + 1)
        )
        if not updated.rowcount:
            await conn.execute(
                totals.insert().values(counter_id=event.stream_id, total=by, increments=1)
            )


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


async def _table(engine: AsyncEngine) -> list[tuple[object, ...]]:
    async with engine.connect() as conn:
        return [
            tuple(r) for r in await conn.execute(sa.select(totals).order_by(totals.c.counter_id))
        ]


async def _runner(engine: AsyncEngine, store: EventStore) -> ProjectionRunner:
    async with engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    return ProjectionRunner(engine, store, SystemClock(), [CounterTotals()], batch_size=7)


async def test_runner_applies_each_event_once_and_keeps_its_checkpoint(engine: AsyncEngine) -> None:
    store = EventStore()
    runner = await _runner(engine, store)
    await _seed(engine, store, 30)
    assert await runner.catch_up() == 30
    assert await runner.catch_up() == 0  # checkpoint moved with the writes
    rows = await _table(engine)
    assert sum(int(r[1]) for r in rows) == sum(range(30))  # type: ignore[call-overload]
    assert sum(int(r[2]) for r in rows) == 30  # type: ignore[call-overload]


async def test_rebuild_equals_the_live_projection(engine: AsyncEngine) -> None:
    store = EventStore()
    runner = await _runner(engine, store)
    await _seed(engine, store, 25)
    await runner.catch_up()
    live = await _table(engine)
    assert await runner.rebuild(CounterTotals()) == 25
    assert await _table(engine) == live
    await _seed(engine, store, 3)  # the runner goes on from the rebuilt checkpoint
    assert await runner.catch_up() == 3


async def test_verify_passes_when_equal_and_names_a_tampered_row(engine: AsyncEngine) -> None:
    store = EventStore()
    runner = await _runner(engine, store)
    await _seed(engine, store, 12)
    await runner.catch_up()
    assert await verify(engine, store, [CounterTotals()]) == []

    async with engine.begin() as conn:
        await conn.execute(
            totals.update().where(totals.c.counter_id == "counter-1").values(total=-1)
        )
        await conn.execute(totals.insert().values(counter_id="ghost", total=1, increments=1))
    differences = await verify(engine, store, [CounterTotals()])
    details = "\n".join(d.detail for d in differences)
    assert len(differences) == 2
    assert "('counter-1',) differs" in details and "total: live=-1" in details
    assert "('ghost',) in live table but not in the log" in details


async def test_verify_ignores_events_the_live_projection_has_not_reached_yet(
    engine: AsyncEngine,
) -> None:
    store = EventStore()
    runner = await _runner(engine, store)
    await _seed(engine, store, 5)
    await runner.catch_up()
    await _seed(engine, store, 5)  # recorded, not yet projected
    assert await verify(engine, store, [CounterTotals()]) == []
