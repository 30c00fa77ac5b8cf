"""A command whose only write is one append runs without a transaction on PostgreSQL.

Two round trips (read, append) instead of four (BEGIN, read, append, COMMIT); the
append is one server-side call, so the expected-version check still holds.
"""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from opsledger.catalog import EventCatalog
from opsledger.clock import ManualClock
from opsledger.decider import no_reactions
from opsledger.eventstore import ConcurrencyError, EventStore, NewEvent
from opsledger.metrics import Metrics
from opsledger.pipeline import CommandBus, Origin
from opsledger.runtime import Runtime
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kernel import toy
from tests.kernel.payloads import CounterIncremented

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def counted(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many transactions the driver opens on the server (BEGIN sent)."""
    begins = [0]
    original = AsyncAdapt_asyncpg_connection._start_transaction

    async def start(self: AsyncAdapt_asyncpg_connection) -> None:
        if self.isolation_level != "autocommit":  # the driver sends no BEGIN then
            begins[0] += 1
        await original(self)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(AsyncAdapt_asyncpg_connection, "_start_transaction", start)
    return begins


def runtime(engine: AsyncEngine) -> Runtime:
    return Runtime("toy", engine, ManualClock(START), Metrics("toy"), EventStore())


def event(by: int) -> NewEvent:
    return NewEvent(
        payload=CounterIncremented(by=by), site_id="site-a", actor="a", correlation_id="c"
    )


@pytest.fixture
def postgres_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite needs BEGIN IMMEDIATE for its write lock")


async def test_a_command_without_reactions_begins_no_transaction_on_postgres(
    engine: AsyncEngine, postgres_only: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rt = runtime(engine)
    plain = replace(toy.TALLY, reactions=no_reactions, timers={})
    bus = CommandBus(rt, EventCatalog(toy.definition().private_events), [plain])
    begins = counted(monkeypatch)
    result = await bus.run(toy.OpenTally("site-a", "t1", 1), Origin.system("test"))
    assert result.version == 1 and begins[0] == 0
    # The same command on an aggregate with reactions keeps its transaction (the timer
    # must commit with the events).
    reacting = CommandBus(rt, EventCatalog(toy.definition().private_events), [toy.TALLY])
    await reacting.run(toy.OpenTally("site-a", "t2", 2), Origin.system("test"))
    assert begins[0] == 1


async def test_outside_a_transaction_a_stale_version_is_still_a_conflict(
    engine: AsyncEngine,
) -> None:
    rt = runtime(engine)
    async with rt.one_append() as tx:
        await tx.append("counter-1", "Counter", 0, [event(1)])
    with pytest.raises(ConcurrencyError):
        async with rt.one_append() as tx:
            await tx.append("counter-1", "Counter", 0, [event(2)])
    async with rt.one_append() as tx:
        assert [e.version for e in await tx.read_stream("counter-1")] == [1]


async def test_one_append_refuses_a_second_write(engine: AsyncEngine, postgres_only: None) -> None:
    rt = runtime(engine)
    async with rt.one_append() as tx:
        await tx.append("counter-1", "Counter", 0, [event(1)])
        with pytest.raises(RuntimeError, match="one append"):
            await tx.append("counter-2", "Counter", 0, [event(2)])
        with pytest.raises(RuntimeError, match=r"Runtime\.transaction"):
            await tx.schedule_timer(
                timer_id="t", kind="k", stream_id="counter-1", site_id="site-a", due_at=START
            )
