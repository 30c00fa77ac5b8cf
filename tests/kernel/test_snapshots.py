"""Snapshots of long streams (SQLite and real PostgreSQL): loading reads the latest valid
snapshot and only the events after it; a snapshot of other code is ignored; the result
always equals the full fold. And `AppendLog`, which keeps such folds linear."""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar
from uuid import uuid4

import pytest
import sqlalchemy as sa
from opsledger.appendlog import AppendLog
from opsledger.catalog import EventCatalog
from opsledger.clock import ManualClock
from opsledger.decider import Aggregate, DecisionContext, Event, PrivateEvent, changed
from opsledger.eventstore import EventStore
from opsledger.metrics import Metrics
from opsledger.pipeline import CommandBus, Origin, roles
from opsledger.runtime import Runtime
from opsledger.snapshots import snapshots
from opsledger_contracts import EventPayload
from sqlalchemy.ext.asyncio import AsyncEngine

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


class MeterRead(PrivateEvent):
    """Test event."""

    event_type: ClassVar[str] = "MeterRead"
    service: ClassVar[str] = "kerneltest"

    kwh: Decimal


@dataclass(frozen=True)
class ReadMeter:
    site_id: str
    meter_id: str
    kwh: Decimal


@dataclass(frozen=True)
class Reading:
    kwh: Decimal
    at: datetime
    by: str


@dataclass(frozen=True)
class Meter:
    site_id: str = ""
    total: Decimal = Decimal(0)
    readings: AppendLog[Reading] = field(default_factory=AppendLog)
    last: Reading | None = None


def evolve(state: Meter, event: Event) -> Meter:
    assert isinstance(event.payload, MeterRead)
    reading = Reading(event.payload.kwh, event.occurred_at, event.actor)
    return changed(
        state,
        site_id=event.site_id,
        total=state.total + event.payload.kwh,
        readings=state.readings.append(reading),
        last=reading,
    )


def read(state: Meter, command: ReadMeter, ctx: DecisionContext) -> Sequence[EventPayload]:
    return [MeterRead(kwh=command.kwh)]


def meter(every: int = 10, revision: int = 1) -> Aggregate[Meter, Any]:
    return Aggregate(
        stream_type="Meter",
        stream_prefix="meter-",
        initial=Meter(),
        evolve=evolve,
        stream_id=lambda c: f"meter-{c.meter_id}",
        commands={ReadMeter: (roles("reader"), read)},
        creates=frozenset({ReadMeter}),
        snapshot_every=every,
        snapshot_revision=revision,
    )


METER = meter()
CATALOG = EventCatalog([MeterRead], service="kerneltest")


def _bus(engine: AsyncEngine, clock: ManualClock, aggregate: Aggregate[Meter, Any]) -> CommandBus:
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"), EventStore(clock))
    return CommandBus(runtime, CATALOG, [aggregate])


async def _read(bus: CommandBus, count: int, clock: ManualClock) -> Meter:
    state = Meter()
    for i in range(count):
        clock.advance(timedelta(minutes=1))
        result = await bus.run(ReadMeter("site-a", "m1", Decimal(f"{i}.25")), Origin.system("t"))
        state = result.state
    return state


async def _full_fold(bus: CommandBus) -> Meter:
    async with bus.runtime.transaction() as tx:
        history = await tx.read_stream("meter-m1")
    return METER.fold([CATALOG.decode(r) for r in history])


async def _snapshot_row(bus: CommandBus) -> Any:
    async with bus.runtime.engine.connect() as conn:
        return (await conn.execute(sa.select(snapshots))).mappings().all()


async def test_loading_reads_the_snapshot_and_only_the_events_after_it(engine: AsyncEngine) -> None:
    clock = ManualClock(START)
    bus = _bus(engine, clock, METER)
    await _read(bus, 20, clock)
    (row,) = await _snapshot_row(bus)
    assert (row["stream_id"], row["version"]) == ("meter-m1", 20)  # every 10: at 10, then 20
    async with bus.runtime.transaction() as tx:  # a snapshot at the head: nothing to fold
        at_head = await bus.snapshots.load(tx, METER, "meter-m1")
    assert (at_head.from_snapshot, at_head.events_read, at_head.version) == (20, 0, 20)
    assert at_head.state == await _full_fold(bus)
    after_commands = await _read(bus, 5, clock)
    async with bus.runtime.transaction() as tx:
        loaded = await bus.snapshots.load(tx, METER, "meter-m1")
    assert (loaded.from_snapshot, loaded.events_read, loaded.version) == (20, 5, 25)
    full = await _full_fold(bus)
    assert loaded.state == full == after_commands
    assert len(loaded.state.readings) == 25
    # the pipeline decides on it too: the next command appends at version 26
    clock.advance(timedelta(minutes=1))
    result = await bus.run(ReadMeter("site-a", "m1", Decimal(1)), Origin.system("t"))
    assert result.version == 26 and result.events[0].version == 26


async def test_a_snapshot_of_other_code_is_ignored(engine: AsyncEngine) -> None:
    clock = ManualClock(START)
    bus = _bus(engine, clock, METER)
    await _read(bus, 12, clock)
    full = await _full_fold(bus)
    # a new revision of the aggregate (say evolve changed) finds no valid snapshot
    revised = meter(revision=2)
    async with bus.runtime.transaction() as tx:
        loaded = await bus.snapshots.load(tx, revised, "meter-m1")
    assert (loaded.from_snapshot, loaded.events_read, loaded.state) == (0, 12, full)
    # a snapshot whose state is wrong but whose fingerprint is old: never used
    async with bus.runtime.transaction() as tx:
        await tx.conn.execute(
            snapshots.update().values(fingerprint="0" * 64, state='{"site_id":"x","total":"999"}')
        )
        loaded = await bus.snapshots.load(tx, METER, "meter-m1")
    assert (loaded.from_snapshot, loaded.events_read, loaded.state) == (0, 12, full)
    # crossing the next multiple writes a current snapshot over the stale one
    revised_bus = _bus(engine, clock, METER)
    await _read(revised_bus, 8, clock)
    (row,) = await _snapshot_row(bus)
    assert row["version"] == 20 and row["fingerprint"] == bus.snapshots.codec(METER)[1]


async def test_a_snapshot_not_followed_by_its_events_is_not_trusted(engine: AsyncEngine) -> None:
    clock = ManualClock(START)
    bus = _bus(engine, clock, METER)
    await _read(bus, 10, clock)
    full = await _full_fold(bus)
    async with bus.runtime.transaction() as tx:  # claims a version the stream never had
        await tx.conn.execute(snapshots.update().values(version=30))
        loaded = await bus.snapshots.load(tx, METER, "meter-m1")
    assert (loaded.from_snapshot, loaded.events_read, loaded.state) == (0, 10, full)


async def test_aggregates_without_snapshots_never_write_one(engine: AsyncEngine) -> None:
    clock = ManualClock(START)
    bus = _bus(engine, clock, meter(every=0))
    await _read(bus, 12, clock)
    assert await _snapshot_row(bus) == []


def test_an_append_log_shares_its_buffer_and_never_leaks_between_versions() -> None:
    empty: AppendLog[int] = AppendLog()
    one = empty.append(1)
    two = one.append(2)
    assert two._items is one._items  # appended in place: O(1), no copy
    fork = one.append(3)  # the same version appended twice: the second copies
    assert fork._items is not one._items
    assert list(empty) == [] and list(one) == [1] and list(two) == [1, 2] and list(fork) == [1, 3]
    assert two[-1] == 2 and two[0:1] == (1,) and list(reversed(two)) == [2, 1]
    assert two == AppendLog([1, 2]) and two == (1, 2) and two != fork and not empty
    with pytest.raises(IndexError):
        one[1]


def test_a_long_fold_appends_in_place() -> None:
    events = [
        Event(MeterRead(kwh=Decimal(i)), "meter-m1", i + 1, "site-a", "a", START, uuid4())
        for i in range(1000)
    ]
    half = METER.fold(events[:500])
    whole = METER.fold(events[500:], half)
    assert whole.readings._items is half.readings._items  # no copy over 500 events
    assert list(whole.readings) == [Reading(Decimal(i), START, "a") for i in range(1000)]
    assert list(half.readings) == [Reading(Decimal(i), START, "a") for i in range(500)]
    assert dataclasses.replace(whole) == METER.fold(events)
