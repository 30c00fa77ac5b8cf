"""The chain under concurrent appenders on real PostgreSQL: positions commit out of order,
yet the chain follows the position order the readers see, never forks and never breaks,
and every committed event carries a hash fixed at its commit (no unchained window)."""

import asyncio
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from opsledger.chain_seal import seal
from opsledger.chain_verify import verify_chain
from opsledger.db import events
from opsledger.eventstore import EventStore, NewEvent
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kernel.payloads import CounterIncremented

pytestmark = pytest.mark.postgres
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def new(by: int) -> NewEvent:
    return NewEvent(CounterIncremented(by=by), "site-a", "staff-1", "corr-1", None, T0)


@pytest.fixture
def postgres(engine: AsyncEngine) -> AsyncEngine:
    if engine.dialect.name != "postgresql":
        pytest.skip("positions commit out of order on PostgreSQL only")
    return engine


async def chained(engine: AsyncEngine) -> list[int]:
    """The linked positions (prev_hash set)."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(events.c.position)
            .where(events.c.prev_hash.is_not(None))
            .order_by(events.c.position)
        )
        return [int(p) for p in rows.scalars()]


async def unhashed(engine: AsyncEngine) -> list[int]:
    """Committed positions without any hash: the window kernel_0008 left open."""
    async with engine.connect() as conn:
        rows = await conn.execute(sa.select(events.c.position).where(events.c.hash.is_(None)))
        return [int(p) for p in rows.scalars()]


@pytest.mark.parametrize("outcome", ["commit", "rollback"])
async def test_a_later_commit_waits_for_the_sealer_while_an_earlier_append_is_in_flight(
    postgres: AsyncEngine, outcome: str
) -> None:
    store = EventStore()
    early = await postgres.connect()
    try:
        await early.begin()
        (first,) = await store.append(early, "early", "Counter", 0, [new(1)])
        async with postgres.begin() as conn:  # commits while `early` is still in flight
            later = await store.append(conn, "later", "Counter", 0, [new(2), new(3)])
        assert await chained(postgres) == []  # its predecessor's fate is unknown: not linked
        assert await unhashed(postgres) == []  # but sealed at its commit
        assert await seal(postgres) == 0  # nor by the sealer: not below the safe head
        await (early.commit() if outcome == "commit" else early.rollback())
    finally:
        await early.close()
    expected = [first.position] if outcome == "commit" else []
    assert await chained(postgres) == expected  # `early` chained itself: nothing before it
    assert await seal(postgres) == 2
    assert await chained(postgres) == [*expected, *(e.position for e in later)]
    report = await verify_chain(postgres)
    assert report.finding is None and report.pending == 0


async def test_many_concurrent_appenders_and_a_sealer_leave_one_unbroken_chain(
    postgres: AsyncEngine,
) -> None:
    store = EventStore()
    writers, appends = 8, 25
    done = asyncio.Event()

    async def writer(w: int) -> None:
        for a in range(appends):
            async with postgres.begin() as conn:
                await store.append(conn, f"s{w}", "Counter", a * 2, [new(a), new(a + 1)])

    async def sealer() -> None:
        while not done.is_set():
            await seal(postgres)
            await asyncio.sleep(0)

    sealing = asyncio.create_task(sealer())
    await asyncio.gather(*(writer(w) for w in range(writers)))
    done.set()
    await sealing
    await seal(postgres)
    async with postgres.connect() as conn:
        total = (await conn.execute(sa.select(sa.func.count()).select_from(events))).scalar()
    assert total == writers * appends * 2
    positions = await chained(postgres)
    assert len(positions) == total  # every event chained exactly once
    report = await verify_chain(postgres)
    assert report.finding is None, report.finding
    assert (report.checked, report.pending) == (total, 0)


@pytest.mark.parametrize("before", ["in flight", "rolled back"])
async def test_an_event_edited_before_it_is_linked_is_named_and_never_linked(
    postgres: AsyncEngine, before: str
) -> None:
    """The window: an append whose predecessor is in flight (or a rolled-back gap) cannot
    link at its commit; it is sealed then, so an edit before the sealer links it is
    caught, and the sealer refuses to link over it."""
    store = EventStore()
    early = await postgres.connect()
    try:
        await early.begin()
        await store.append(early, "early", "Counter", 0, [new(1)])
        if before == "rolled back":
            await early.rollback()
        async with postgres.begin() as conn:
            (later,) = await store.append(conn, "later", "Counter", 0, [new(2)])
        async with postgres.begin() as conn:  # the window: committed, not linked yet
            await conn.execute(
                events.update().where(events.c.position == later.position).values(payload={"by": 9})
            )
        if before == "in flight":
            await early.commit()
    finally:
        await early.close()
    finding = (await verify_chain(postgres)).finding
    assert finding is not None
    assert (finding.kind, finding.position, finding.stream_id) == (
        "edited",
        later.position,
        "later",
    )
    assert await seal(postgres) == 0  # never linked over the edit
    assert later.position not in await chained(postgres)
    again = (await verify_chain(postgres)).finding
    assert again is not None and (again.kind, again.position) == ("edited", later.position)
