"""Existing databases get their chain by migration: kernel_0008 chains the events written
before it, in position order, kernel_0009 moves the chain into the events rows, and
appends after them continue the same chain."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from opsledger.chain_verify import verify_chain
from opsledger.clock import ManualClock
from opsledger.db import create_engine, events
from opsledger.eventstore import EventStore, NewEvent
from opsledger.migrate import upgrade

from tests.conftest import KERNEL_ONLY
from tests.kernel.payloads import CounterIncremented

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def new(by: int) -> NewEvent:
    return NewEvent(CounterIncremented(by=by), "site-a", "staff-1", "corr-1", "cause", T0)


async def test_events_written_before_the_migration_are_chained_by_it(
    database_url: str, tmp_path: Path
) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, KERNEL_ONLY, "kernel_0007")
        before = EventStore(ManualClock(T0), chain=False)  # the kernel before the chain
        for i in range(5):
            async with engine.begin() as conn:
                await before.append(conn, f"s{i % 2}", "Counter", None, [new(i), new(i + 10)])
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
        assert "event_chain" not in tables

        await upgrade(engine, KERNEL_ONLY)
        report = await verify_chain(engine)
        assert report.finding is None
        assert (report.checked, report.pending, report.head_position) == (10, 0, 10)

        async with engine.begin() as conn:  # the store after the migration: same chain
            await EventStore(ManualClock(T0)).append(conn, "s9", "Counter", 0, [new(99)])
        async with engine.connect() as conn:
            count = (
                await conn.execute(
                    sa.select(sa.func.count())
                    .select_from(events)
                    .where(events.c.prev_hash.is_not(None))
                )
            ).scalar()
        assert count == 11
        report = await verify_chain(engine)
        assert report.finding is None and report.checked == 11
    finally:
        await engine.dispose()


async def test_kernel_0009_moves_the_links_into_the_rows_and_links_what_0008_left_unchained(
    database_url: str,
) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, KERNEL_ONLY, "kernel_0007")
        before = EventStore(ManualClock(T0), chain=False)
        for i in range(4):
            async with engine.begin() as conn:
                await before.append(conn, f"s{i % 2}", "Counter", None, [new(i), new(i + 10)])
        await upgrade(engine, KERNEL_ONLY, "kernel_0008")  # chains all 8
        async with engine.begin() as conn:  # the last two waiting for 0008's sealer
            await conn.execute(sa.text("DELETE FROM event_chain WHERE position > 6"))
            linked = (
                await conn.execute(
                    sa.text("SELECT position, hash FROM event_chain WHERE position <= 6")
                )
            ).all()

        await upgrade(engine, KERNEL_ONLY)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(events.c.position, events.c.hash).order_by(events.c.position)
                )
            ).all()
        assert [(int(p), bytes(h)) for p, h in rows[:6]] == [(int(p), bytes(h)) for p, h in linked]
        report = await verify_chain(engine)
        assert report.finding is None
        assert (report.checked, report.pending, report.head_position) == (8, 0, 8)
    finally:
        await engine.dispose()


async def test_a_kernel_0008_replica_still_reads_the_chain_after_kernel_0009(
    database_url: str,
) -> None:
    """Rolling upgrade: the database is migrated first; a replica of the previous version
    keeps running its sealer's first look and its anchorer's head query (frozen here as
    kernel_0008's code sends them) until it is replaced."""
    if not database_url.startswith("postgresql"):
        pytest.skip("one process on SQLite: no replica of the previous version")
    engine = create_engine(database_url)
    try:
        await upgrade(engine, KERNEL_ONLY)
        async with engine.begin() as conn:
            await EventStore(ManualClock(T0)).append(conn, "s", "Counter", 0, [new(1), new(2)])
        async with engine.connect() as conn:
            behind = await conn.execute(
                sa.text(
                    "SELECT coalesce((SELECT max(position) FROM event_chain), 0),"
                    " coalesce((SELECT max(position) FROM events WHERE position <= 2), 0)"
                )
            )
            assert tuple(behind.one()) == (2, 2)  # nothing to seal
            head = await conn.execute(
                sa.text("SELECT position, hash FROM event_chain ORDER BY position DESC LIMIT 1")
            )
            position, digest = head.one()
        assert position == 2
        assert (await verify_chain(engine)).head_hash == bytes(digest)
    finally:
        await engine.dispose()
