"""Event store behaviour, run against SQLite and real PostgreSQL."""

import asyncio
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import pytest
from opsledger.clock import ManualClock
from opsledger.eventstore import ConcurrencyError, DuplicateEventError, EventStore, NewEvent
from opsledger_contracts import UpcasterChain
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kernel.payloads import CounterIncremented

T0 = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)


def new(by: int, **kw: object) -> NewEvent:
    return NewEvent(
        payload=CounterIncremented(by=by),
        site_id="site-a",
        actor="staff-1",
        correlation_id="corr-1",
        **kw,  # type: ignore[arg-type]
    )


async def test_append_then_read_stream_returns_events_in_version_order(engine: AsyncEngine) -> None:
    store = EventStore(ManualClock(T0))
    async with engine.begin() as conn:
        recorded = await store.append(conn, "counter-1", "Counter", 0, [new(1), new(2)])
    assert [e.version for e in recorded] == [1, 2]
    async with engine.connect() as conn:
        stream = await store.read_stream(conn, "counter-1")
    assert [e.payload["by"] for e in stream] == [1, 2]
    first = stream[0]
    assert (first.site_id, first.actor, first.correlation_id) == ("site-a", "staff-1", "corr-1")
    assert first.recorded_at == T0 and first.occurred_at == T0
    assert first.stream_type == "Counter" and first.event_type == "CounterIncremented"


async def test_stale_expected_version_is_a_typed_conflict_naming_current_version(
    engine: AsyncEngine,
) -> None:
    store = EventStore()
    async with engine.begin() as conn:
        await store.append(conn, "counter-1", "Counter", 0, [new(1), new(2)])
    with pytest.raises(ConcurrencyError) as info:
        async with engine.begin() as conn:
            await store.append(conn, "counter-1", "Counter", 1, [new(3)])
    assert info.value.current_version == 2 and info.value.expected_version == 1
    async with engine.connect() as conn:
        assert len(await store.read_stream(conn, "counter-1")) == 2  # nothing half-written


async def test_appending_the_same_event_ids_again_is_a_no_op(engine: AsyncEngine) -> None:
    store = EventStore()
    batch = [new(1), new(2)]
    async with engine.begin() as conn:
        first = await store.append(conn, "counter-1", "Counter", 0, batch)
    async with engine.begin() as conn:
        again = await store.append(conn, "counter-1", "Counter", 0, batch)
    assert [e.event_id for e in again] == [e.event_id for e in first]
    async with engine.connect() as conn:
        assert len(await store.read_all(conn)) == 2


async def test_a_batch_only_partly_stored_is_refused(engine: AsyncEngine) -> None:
    store = EventStore()
    stored = new(1)
    async with engine.begin() as conn:
        await store.append(conn, "counter-1", "Counter", 0, [stored])
    with pytest.raises(DuplicateEventError):
        async with engine.begin() as conn:
            await store.append(conn, "counter-1", "Counter", 1, [stored, new(2)])


async def test_read_stream_as_of_version_and_as_of_recorded_time(engine: AsyncEngine) -> None:
    clock = ManualClock(T0)
    store = EventStore(clock)
    for by in (1, 2, 3):
        async with engine.begin() as conn:
            await store.append(conn, "counter-1", "Counter", by - 1, [new(by)])
        clock.advance(timedelta(days=1))
    async with engine.connect() as conn:
        upto_two = await store.read_stream(conn, "counter-1", to_version=2)
        last_tuesday = await store.read_stream(conn, "counter-1", as_of=T0 + timedelta(hours=30))
    assert [e.payload["by"] for e in upto_two] == [1, 2]
    assert [e.payload["by"] for e in last_tuesday] == [1, 2]


async def test_read_all_pages_in_global_order_across_streams(engine: AsyncEngine) -> None:
    store = EventStore()
    async with engine.begin() as conn:
        for i in range(7):
            await store.append(conn, f"counter-{i % 3}", "Counter", None, [new(i)])
    seen: list[int] = []
    async for batch in store.iter_all(engine, 0, batch_size=3):
        assert len(batch) <= 3
        seen.extend(int(e.payload["by"]) for e in batch)
    assert seen == list(range(7))


async def test_old_schema_versions_are_upcast_on_read_and_never_rewritten(
    engine: AsyncEngine,
) -> None:
    chain = UpcasterChain()

    @chain.register("CounterIncremented", 1)
    def _v1_to_v2(payload: dict[str, object]) -> dict[str, object]:
        return {"amount": payload["by"], "reason": "unknown"}

    async with engine.begin() as conn:
        await EventStore().append(conn, "counter-1", "Counter", 0, [new(5)])
    async with engine.connect() as conn:
        (event,) = await EventStore(upcasters=chain).read_stream(conn, "counter-1")
        (raw,) = await EventStore(upcasters=UpcasterChain()).read_stream(conn, "counter-1")
    assert (event.schema_version, event.stored_schema_version) == (2, 1)
    assert event.payload == {"amount": 5, "reason": "unknown"}
    assert raw.payload == {"by": 5} and raw.schema_version == 1


async def test_concurrent_writers_never_let_a_follower_skip_a_late_commit(
    engine: AsyncEngine,
) -> None:
    """24 writers append while a follower tails `position > checkpoint`.

    Each writer sleeps inside its transaction after appending, so later positions try
    to commit before earlier ones. The follower must see every event exactly once.
    """
    store = EventStore()
    writers, per_writer = 24, 5
    done = asyncio.Event()
    seen: list[str] = []

    async def writer(w: int) -> None:
        for i in range(per_writer):
            async with engine.begin() as conn:
                await store.append(conn, f"w{w}", "Counter", None, [new(i, event_id=uuid4())])
                await asyncio.sleep(0.001 * ((w * 7 + i) % 5))

    async def follower() -> None:
        position = 0
        while True:
            finished = done.is_set()
            async with engine.connect() as conn:
                batch = await store.read_all(conn, position, 50)
            seen.extend(str(e.event_id) for e in batch)
            if batch:
                position = batch[-1].position
            elif finished:
                return
            else:
                await asyncio.sleep(0.001)

    tail = asyncio.create_task(follower())
    await asyncio.gather(*(writer(w) for w in range(writers)))
    done.set()
    await tail
    async with engine.connect() as conn:
        stored = [str(e.event_id) for e in await store.read_all(conn, 0, 10_000)]
    assert len(stored) == writers * per_writer
    assert len(seen) == len(set(seen)), "an event was delivered twice"
    assert sorted(seen) == sorted(stored), "the follower skipped an event"


async def test_retrying_re_decides_after_a_conflict_so_concurrent_counters_have_no_gaps(
    engine: AsyncEngine,
) -> None:
    """Eight concurrent 'take the next number' commands: numbers 1..8, none lost or doubled."""
    from opsledger.metrics import Metrics
    from opsledger.runtime import Runtime, Tx

    runtime = Runtime("kerneltest", engine, ManualClock(T0), Metrics("kerneltest"))

    async def take_next(tx: Tx) -> int:
        version = await tx.store.current_version(tx.conn, "serials-site-a")
        await asyncio.sleep(0.005)  # widen the race window between read and append
        await tx.append("serials-site-a", "Serials", version, [new(version + 1)])
        return version + 1

    taken = await asyncio.gather(*(runtime.retrying(take_next, attempts=20) for _ in range(8)))
    assert sorted(taken) == list(range(1, 9))


async def test_what_append_returns_is_exactly_what_a_reader_gets_back(engine: AsyncEngine) -> None:
    """Append builds its result without reading the rows back: it must not differ."""
    store = EventStore(ManualClock(T0))
    async with engine.begin() as conn:
        await store.append(conn, "counter-0", "Counter", 0, [new(0)])
        written = await store.append(
            conn,
            "counter-1",
            "Counter",
            0,
            [new(1, causation_id="cause-1"), new(2, occurred_at=T0 - timedelta(hours=1))],
        )
    async with engine.connect() as conn:
        read = await store.read_stream(conn, "counter-1")
    assert written == read
    assert [e.position for e in written] == [written[0].position, written[0].position + 1]


@pytest.mark.postgres
async def test_a_pool_whose_connections_the_server_killed_recovers_without_pre_ping(
    postgres_admin_url: str,
) -> None:
    """No pre-ping: a connection the server closed is replaced, at worst after one failure."""
    import sqlalchemy as sa
    from opsledger.db import create_engine
    from opsledger.migrate import upgrade

    from tests.conftest import KERNEL_ONLY, create_pg_database, drop_pg_database

    url = await create_pg_database(postgres_admin_url)
    engine = create_engine(url)
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    try:
        await upgrade(engine, KERNEL_ONLY)
        store = EventStore()
        async with engine.begin() as conn:
            await store.append(conn, "counter-1", "Counter", 0, [new(1)])
            pid = (await conn.execute(sa.text("SELECT pg_backend_pid()"))).scalar()
        async with admin.connect() as conn:
            await conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        failures: list[sa.exc.DBAPIError] = []
        for _ in range(3):
            try:
                async with engine.begin() as conn:
                    await store.append(conn, "counter-1", "Counter", 1, [new(2)])
                break
            except sa.exc.DBAPIError as exc:
                failures.append(exc)
        assert len(failures) <= 1, failures
        assert all(f.connection_invalidated for f in failures), failures
        async with engine.connect() as conn:
            assert await store.current_version(conn, "counter-1") == 2
    finally:
        await engine.dispose()
        await admin.dispose()
        await drop_pg_database(postgres_admin_url, url)


async def test_a_follower_stops_below_an_append_still_in_flight_and_passes_a_rolled_back_one(
    engine: AsyncEngine,
) -> None:
    """Deterministic form of the ordering trap: an earlier position commits after a later."""
    store = EventStore()
    early = await engine.connect()
    try:
        await early.begin()
        (first,) = await store.append(early, "early", "Counter", 0, [new(1)])
        if engine.dialect.name == "sqlite":
            return  # one writer: the later append could not even start before this commits
        async with engine.begin() as conn:
            (later,) = await store.append(conn, "later", "Counter", 0, [new(2)])
        assert later.position > first.position
        async with engine.connect() as conn:
            assert await store.read_all(conn, 0) == []
            assert await store.head_position(conn) == first.position - 1
        await early.commit()
        async with engine.connect() as conn:
            assert [e.position for e in await store.read_all(conn, 0)] == [
                first.position,
                later.position,
            ]
        await early.begin()
        await store.append(early, "aborted", "Counter", 0, [new(3)])
        async with engine.begin() as conn:
            (last,) = await store.append(conn, "last", "Counter", 0, [new(4)])
        await early.rollback()
        async with engine.connect() as conn:
            tail = await store.read_all(conn, later.position)
        assert [e.position for e in tail] == [last.position]  # the gap does not hold it back
    finally:
        await early.close()


async def test_an_occurred_at_in_another_zone_is_stored_as_the_same_instant(
    engine: AsyncEngine,
) -> None:
    """SQLite keeps naive UTC text: a +08:00 time must not be written as its wall clock."""
    store = EventStore()
    shanghai = timezone(timedelta(hours=8))
    at = datetime(2026, 12, 1, 9, 30, tzinfo=shanghai)  # 01:30 UTC
    async with engine.begin() as conn:
        await store.append(conn, "counter-1", "Counter", 0, [new(1, occurred_at=at)])
    async with engine.connect() as conn:
        (read,) = await store.read_stream(conn, "counter-1")
    assert read.occurred_at == at
    assert read.occurred_at.utcoffset() == timedelta(0)


async def test_event_ids_stored_in_another_stream_answer_as_a_retry_or_a_duplicate(
    engine: AsyncEngine,
) -> None:
    """The expected version is right, so only the insert itself can find them."""
    store = EventStore()
    stored = new(1)
    async with engine.begin() as conn:
        (first,) = await store.append(conn, "counter-1", "Counter", 0, [stored])
    async with engine.begin() as conn:
        (again,) = await store.append(conn, "counter-2", "Counter", 0, [stored])
    assert again.event_id == first.event_id and again.stream_id == "counter-1"
    with pytest.raises(DuplicateEventError):
        async with engine.begin() as conn:
            await store.append(conn, "counter-2", "Counter", 0, [new(2), stored])
    async with engine.connect() as conn:
        assert await store.read_stream(conn, "counter-2") == []
