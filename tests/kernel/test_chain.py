"""The tamper-evident log (opsledger.chain): every event chained to the one before it in
the global order, on SQLite and real PostgreSQL; `verify_chain` names the first event
that was edited, removed, inserted or reordered."""

import itertools
from datetime import UTC, datetime, timedelta, timezone
from uuid import uuid4

import sqlalchemy as sa
from opsledger.chain import GENESIS, canonical, link, payload_text
from opsledger.chain_seal import seal
from opsledger.chain_verify import verify_chain
from opsledger.clock import ManualClock
from opsledger.db import events
from opsledger.eventstore import EventStore, NewEvent
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kernel.payloads import CounterIncremented

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def new(by: int) -> NewEvent:
    return NewEvent(CounterIncremented(by=by), "site-a", "staff-1", "corr-1", None, T0)


async def fill(engine: AsyncEngine) -> list[tuple[int, str, int]]:
    """Stream a v1..5 one by one, b and c in between: (position, stream, version)."""
    store = EventStore(ManualClock(T0))
    for i in range(1, 6):
        for stream in ("a", "b") if i % 2 else ("a",):
            async with engine.begin() as conn:
                current = await store.current_version(conn, stream)
                await store.append(conn, stream, "Counter", current, [new(i)])
    async with engine.begin() as conn:
        await store.append(conn, "c", "Counter", 0, [new(7), new(8)])
    async with engine.connect() as conn:
        rows = await conn.execute(
            sa.select(events.c.position, events.c.stream_id, events.c.version).order_by(
                events.c.position
            )
        )
        return [(int(p), s, int(v)) for p, s, v in rows.all()]


def where(log: list[tuple[int, str, int]], stream: str, version: int) -> int:
    return next(p for p, s, v in log if s == stream and v == version)


async def test_every_append_is_chained_in_its_transaction_and_the_chain_holds(
    engine: AsyncEngine,
) -> None:
    log = await fill(engine)
    async with engine.connect() as conn:
        chain = (
            await conn.execute(
                sa.select(events.c.position, events.c.prev_hash, events.c.hash).order_by(
                    events.c.position
                )
            )
        ).all()
    assert [r.position for r in chain] == [p for p, _, _ in log]  # no sealer needed
    assert chain[0].prev_hash == GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(chain))
    report = await verify_chain(engine)
    assert report.finding is None
    assert (report.checked, report.pending, report.head_position) == (len(log), 0, log[-1][0])


async def test_the_database_and_python_agree_on_the_canonical_bytes(engine: AsyncEngine) -> None:
    store = EventStore(ManualClock(T0))
    shanghai = T0.astimezone(timezone(timedelta(hours=8)))  # stored as the same instant
    payload = NewEvent(CounterIncremented(by=-3), "site-é", "staff 1", "c,1:", "cause", shanghai)
    async with engine.begin() as conn:
        (written,) = await store.append(conn, "ü-stream", "Counter", 0, [payload])
    async with engine.connect() as conn:
        stored = (await conn.execute(sa.select(events.c.hash))).one()
        text = payload_text(engine.dialect.name)
        stored_text = (await conn.execute(sa.select(text))).scalar_one()
    data = canonical(
        written.position,
        written.event_id,
        "ü-stream",
        "Counter",
        1,
        "CounterIncremented",
        1,
        "site-é",
        "staff 1",
        "c,1:",
        "cause",
        T0,
        written.recorded_at,
        stored_text,
    )
    assert stored.hash == link(GENESIS, data)


async def test_an_edited_payload_is_named(engine: AsyncEngine) -> None:
    log = await fill(engine)
    target = where(log, "a", 3)
    async with engine.begin() as conn:
        await conn.execute(
            events.update().where(events.c.position == target).values(payload={"by": 300})
        )
    finding = (await verify_chain(engine)).finding
    assert finding is not None
    assert (finding.kind, finding.position, finding.stream_id, finding.version) == (
        "edited",
        target,
        "a",
        3,
    )


async def test_a_removed_event_is_named_by_the_gap_it_leaves(engine: AsyncEngine) -> None:
    log = await fill(engine)
    target = where(log, "a", 3)
    async with engine.begin() as conn:
        await conn.execute(events.delete().where(events.c.position == target))
    finding = (await verify_chain(engine)).finding
    assert finding is not None
    after = min(p for p, _, _ in log if p > target)
    assert (finding.kind, finding.position) == ("removed", after)
    assert "stream a misses version 3" in finding.detail


async def _shift_after(engine: AsyncEngine, position: int) -> None:
    """Make room at position + 1: every later event (with its hashes) moves up by one."""
    async with engine.begin() as conn:
        col = events.c.position
        await conn.execute(events.update().where(col > position).values(position=col + 10_000))
        await conn.execute(events.update().where(col > 10_000).values(position=col - 10_000 + 1))


async def test_an_inserted_event_is_named_even_with_a_valid_chain_row(engine: AsyncEngine) -> None:
    log = await fill(engine)
    target = where(log, "a", 3)
    await _shift_after(engine, target)
    async with engine.begin() as conn:
        row = (await conn.execute(sa.select(events).where(events.c.position == target))).one()
        forged = {**row._asdict(), "position": target + 1, "stream_id": "forged", "version": 1}
        forged.update(event_id=uuid4(), prev_hash=None, hash=None)
        await conn.execute(events.insert().values(**forged))
        # The attacker chains it properly after the event before it.
        prev = row.hash
        text = payload_text(engine.dialect.name)
        stored_text = (
            await conn.execute(sa.select(text).where(events.c.position == target + 1))
        ).scalar_one()
        data = canonical(
            target + 1,
            forged["event_id"],
            "forged",
            "Counter",
            1,
            "CounterIncremented",
            1,
            row.site_id,
            row.actor,
            row.correlation_id,
            row.causation_id,
            row.occurred_at,
            row.recorded_at,
            stored_text,
        )
        await conn.execute(
            events.update()
            .where(events.c.position == target + 1)
            .values(prev_hash=prev, hash=link(prev, data))
        )
    finding = (await verify_chain(engine)).finding
    assert finding is not None
    assert (finding.kind, finding.position, finding.stream_id, finding.version) == (
        "inserted",
        target + 1,
        "forged",
        1,
    )


async def test_an_event_inserted_without_a_chain_row_is_named(engine: AsyncEngine) -> None:
    log = await fill(engine)
    target = where(log, "b", 1)
    await _shift_after(engine, target)
    async with engine.begin() as conn:
        row = (await conn.execute(sa.select(events).where(events.c.position == target))).one()
        forged = {**row._asdict(), "position": target + 1, "stream_id": "x", "version": 1}
        forged.update(event_id=uuid4(), prev_hash=None, hash=None)
        await conn.execute(events.insert().values(**forged))
    finding = (await verify_chain(engine)).finding
    assert finding is not None
    assert (finding.kind, finding.position, finding.stream_id) == ("inserted", target + 1, "x")


async def test_two_swapped_events_are_named(engine: AsyncEngine) -> None:
    log = await fill(engine)
    first, second = where(log, "a", 4), where(log, "a", 5)
    assert second == first + 1
    async with engine.begin() as conn:
        col = events.c.position  # each row keeps its hashes
        await conn.execute(events.update().where(col == first).values(position=-1))
        await conn.execute(events.update().where(col == second).values(position=first))
        await conn.execute(events.update().where(col == -1).values(position=second))
    finding = (await verify_chain(engine)).finding
    assert finding is not None
    assert (finding.kind, finding.position, finding.stream_id, finding.version) == (
        "reordered",
        first,
        "a",
        5,
    )


async def test_the_sealer_has_nothing_to_do_after_sequential_appends(engine: AsyncEngine) -> None:
    await fill(engine)
    assert await seal(engine) == 0


async def test_an_event_added_at_the_end_without_a_hash_is_named_on_both_backends(
    engine: AsyncEngine,
) -> None:
    """Every append writes its hashes at its commit (kernel_0009), on PostgreSQL too: a row
    without them was not written by the store, not an event waiting for the sealer."""
    log = await fill(engine)
    async with engine.begin() as conn:
        row = (await conn.execute(sa.select(events).where(events.c.position == 1))).one()
        forged = {**row._asdict(), "position": log[-1][0] + 1, "stream_id": "tail"}
        forged.update(event_id=uuid4(), prev_hash=None, hash=None)
        await conn.execute(events.insert().values(**forged))
    report = await verify_chain(engine)
    assert report.finding is not None
    assert (report.finding.kind, report.finding.stream_id) == ("inserted", "tail")
