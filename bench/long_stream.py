"""A command on a long stream against one on a fresh stream (PostgreSQL), same run.

A vehicle that has been on the road for years has a stream of thousands of events (two
per trip). Its commands must not slow down with age: the fold is linear (`AppendLog`)
and loading starts from the latest snapshot (`Aggregate.snapshot_every`). The long
vehicle gets 10,000 events (registered, 4,999 trips out and back, one more), appended in
bulk, then the snapshot the pipeline would have written on the way. The timed part is
the same command pair (report a fault, clear it) through `CommandBus.run`, alternating
between the fresh vehicle and the long one so both see the same machine; the figure is
the mean latency per command. For scale, a few commands on the long stream with
snapshots switched off (the whole stream folded per command).

`uv run --frozen python -m bench.long_stream` runs it alone (a fresh PostgreSQL database
on the shared server, dropped afterwards).
"""

import asyncio
import dataclasses
import statistics
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fleet.domain.vehicles import VEHICLE, vehicle_stream
from fleet.domain.vehicles.commands import ClearFault, RegisterVehicle, ReportFault
from opsledger.catalog import EventCatalog
from opsledger.clock import SystemClock
from opsledger.db import create_engine
from opsledger.decider import Aggregate
from opsledger.eventstore import EventStore, NewEvent
from opsledger.metrics import Metrics
from opsledger.migrate import upgrade
from opsledger.pipeline import CommandBus, Origin
from opsledger.runtime import Runtime
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import TripDispatched, TripReturned, VehicleRegistered

from bench.common import KERNEL_ONLY, Progress, Row, drop, pg_database

LONG_EVENTS = 10_000
SITE = "site-a"
ORIGIN = Origin.system("bench")


def _registered(vehicle_id: str) -> VehicleRegistered:
    return VehicleRegistered(
        vehicle_id=vehicle_id,
        plate="闽A·00001",
        model="soueast",
        unit="customer-service",
        parking_place="Depot yard, bay 3",
        odometer_km=Decimal("1000.0"),
    )


def _long_history(vehicle_id: str, events: int) -> list[EventPayload]:
    """Registered, then trips out and back (12.5 km each), `events` payloads in all."""
    history: list[EventPayload] = [_registered(vehicle_id)]
    km = Decimal("1000.0")
    trip = 0
    while len(history) < events:
        trip += 1
        history.append(
            TripDispatched(
                vehicle_id=vehicle_id,
                trip_id=f"trip-{SITE}-{trip:06d}",
                plate="闽A·00001",
                purpose="delivery",
                business="Route 3 delivery",
                destination="Route 3",
                driver_id=f"drv-{trip % 12:02d}",
                odometer_out_km=km,
            )
        )
        if len(history) == events:
            break
        km += Decimal("12.5")
        history.append(
            TripReturned(
                vehicle_id=vehicle_id,
                trip_id=f"trip-{SITE}-{trip:06d}",
                driver_id=f"drv-{trip % 12:02d}",
                odometer_in_km=km,
                km=Decimal("12.5"),
                month="2026-11",
            )
        )
    return history


async def _seed(bus: CommandBus, vehicle_id: str, events: int) -> None:
    stream = vehicle_stream(vehicle_id)
    history = _long_history(vehicle_id, events)
    at = datetime(2026, 11, 2, 1, 0, tzinfo=UTC)
    for start in range(0, len(history), 1000):
        chunk = history[start : start + 1000]
        news = [NewEvent(p, SITE, "dir-01", "bench", occurred_at=at) for p in chunk]
        async with bus.runtime.transaction() as tx:
            await tx.append(stream, VEHICLE.stream_type, start, news)
    async with bus.runtime.transaction() as tx:
        # The snapshot the pipeline writes on the way (bulk appends bypass it).
        loaded = await bus.snapshots.load(tx, VEHICLE, stream)
        await bus.snapshots.taken(tx, VEHICLE, stream, 0, loaded.version, loaded.state)


async def _command(bus: CommandBus, vehicle_id: str, i: int) -> float:
    """Report fault i on the vehicle, or clear it: seconds taken."""
    fault = f"F{i // 2}"
    command: Any = (
        ReportFault(vehicle_id, fault, "Brake warning light")
        if i % 2 == 0
        else ClearFault(vehicle_id, fault, "Checked, harmless")
    )
    started = time.perf_counter()
    await bus.run(command, ORIGIN)
    return time.perf_counter() - started


async def long_stream_vs_fresh(tmp: Path, scale: float = 1.0) -> Row:
    """The long-stream row: mean command latency on 10,000 events / on a fresh stream."""
    commands = max(20, int(400 * scale)) // 2 * 2
    progress = Progress(total=3)
    url = await pg_database()
    engine = create_engine(url)
    try:
        await upgrade(engine, KERNEL_ONLY)
        runtime = Runtime("fleet", engine, SystemClock(), Metrics("fleet"), EventStore())
        catalog = EventCatalog(service="fleet")
        bus = CommandBus(runtime, catalog, [VEHICLE])
        unsnapshotted: Aggregate[Any, Any] = dataclasses.replace(VEHICLE, snapshot_every=0)
        no_snapshots = CommandBus(runtime, catalog, [unsnapshotted])

        with progress.step(f"long stream: seed {LONG_EVENTS:,} events + a fresh vehicle") as step:
            await _seed(bus, "veh-long", LONG_EVENTS)
            await bus.run(_register("veh-fresh"), ORIGIN)
            step.result("seeded")

        with progress.step(f"long stream: {commands} commands on each, alternating") as step:
            for i in range(10):  # warm-up: connections, code paths, the snapshot codec
                await _command(bus, "veh-fresh", 10_000 + i)
                await _command(bus, "veh-long", 10_000 + i)
            fresh: list[float] = []
            long: list[float] = []
            for i in range(commands):
                fresh.append(await _command(bus, "veh-fresh", i))
                long.append(await _command(bus, "veh-long", i))
            mean_fresh = statistics.fmean(fresh) * 1000
            mean_long = statistics.fmean(long) * 1000
            step.result(f"{mean_long:.2f} ms vs {mean_fresh:.2f} ms")

        with progress.step("long stream without snapshots (whole fold), 10 commands") as step:
            full = [await _command(no_snapshots, "veh-long", 20_000 + i) for i in range(10)]
            mean_full = statistics.fmean(full) * 1000
            step.result(f"{mean_full:.2f} ms")
    finally:
        await engine.dispose()
        await drop(url)
    ratio = mean_long / mean_fresh
    return Row(
        f"command on a {LONG_EVENTS:,}-event stream (PostgreSQL)",
        mean_long,
        "ms",
        mean_fresh,
        "same command, fresh stream",
        ratio,
        "<= 2x fresh stream",
        ratio <= 2,
        f"mean of {commands} commands each (report/clear a fault, alternating streams); "
        f"p50 {statistics.median(long) * 1000:.2f} vs {statistics.median(fresh) * 1000:.2f} ms; "
        f"without snapshots (whole stream folded) {mean_full:.1f} ms",
    )


def _register(vehicle_id: str) -> RegisterVehicle:
    return RegisterVehicle(
        SITE, vehicle_id, "闽A·00002", "soueast", "customer-service", "bay 4", Decimal("1000.0")
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        row = asyncio.run(long_stream_vs_fresh(Path(tmp)))
    ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
    print(f"{row.figure}: {row.value:.2f} {row.unit}; {row.peer_name}: {row.peer:.2f} {row.unit}")
    print(f"ratio {ratio} (target {row.target}: {'met' if row.met else 'NOT met'})")
    print(f"note: {row.note}")


if __name__ == "__main__":
    main()
