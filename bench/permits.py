"""Permits walked from application to works started, per second (PostgreSQL, SQLite).

Each permit: apply (the `ApplyForPermit` workflow: the unit's register entry, the claim on
the unit, the application), hand over to engineering, approve with the four fees,
notify the applicant, pay the four fees one by one, the pre-works equipment check, start
works with two passes: 10 commands through `CommandBus.run`, with their timers (the
review timer is scheduled and cancelled). Units are registered beforehand, untimed.
One writer; the figure is permits per second over the whole walk.

`uv run --frozen python -m bench.permits` runs both rows alone.
"""

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from opsledger.catalog import EventCatalog
from opsledger.pipeline import CommandBus, Origin
from permits.bootstrap import definition
from permits.domain.permit import commands as c
from permits.domain.rules import DRAWING_KINDS, FEE_KINDS
from permits.domain.units import Owner, RegisterUnit

from bench.common import Progress, Row, close, fresh

SITE = "site-a"
ORIGIN = Origin.system("bench")
FEES = tuple(c.Fee(kind, 10_000 * (n + 1)) for n, kind in enumerate(FEE_KINDS))


def _walk(n: int) -> list[Any]:
    pid, unit = f"pmt-{n:06d}", f"U-{n:06d}"
    drawings = tuple(c.Drawing(k, 2, True) for k in DRAWING_KINDS)
    return [
        c.ApplyForPermit(
            SITE, pid, unit, "own-1", True, True, drawings, True, True, "Decor Co.", "Refit"
        ),
        c.HandToEngineering(pid),
        c.ApprovePermit(pid, FEES),
        c.NotifyApplicant(pid, "Phoned"),
        *(c.PayFee(pid, f.kind, f.amount_fen, f"R-{n}-{f.kind}", "owner") for f in FEES),
        c.RecordEquipmentCheck(pid, True, "In order"),
        c.StartWorks(pid, (c.Worker("P-1", "Wang Lei"), c.Worker("P-2", "Li Qiang")), True),
    ]


async def permits_per_second(backend: str, tmp: Path, permits: int) -> tuple[float, float]:
    """(permits/s, commands/s) walking `permits` permits one after another."""
    runtime = await fresh(backend, tmp, service="permits")
    try:
        catalog = EventCatalog(definition.private_events, service="permits")
        bus = CommandBus(runtime, catalog, definition.aggregates(), definition.workflows())
        owners = (Owner("own-1", "Chen Jing"),)
        for n in range(permits + 5):
            await bus.run(RegisterUnit(SITE, f"U-{n:06d}", f"Unit {n}", owners), ORIGIN)
        for n in range(permits, permits + 5):  # warm-up: connections and code paths
            for command in _walk(n):
                await bus.run(command, ORIGIN)
        commands = 0
        started = time.perf_counter()
        for n in range(permits):
            for command in _walk(n):
                await bus.run(command, ORIGIN)
                commands += 1
        took = time.perf_counter() - started
    finally:
        await close(runtime)
    return permits / took, commands / took


async def _row(backend: str, tmp: Path, scale: float) -> Row:
    permits = max(10, int(200 * scale))
    progress = Progress(total=1)
    with progress.step(f"permits walk on {backend}, {permits} permits") as step:
        rate, commands = await permits_per_second(backend, tmp, permits)
        step.result(f"{rate:,.1f} permits/s")
    return Row(
        f"permits: apply -> approve -> pay 4 fees -> start ({backend})",
        rate,
        "permits/s",
        note=f"10 commands per permit, 1 writer: {commands:,.0f} commands/s",
    )


async def permits_postgres(tmp: Path, scale: float = 1.0) -> Row:
    return await _row("postgres", tmp, scale)


async def permits_sqlite(tmp: Path, scale: float = 1.0) -> Row:
    return await _row("sqlite", tmp, scale)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for hook in (permits_postgres, permits_sqlite):
            row = asyncio.run(hook(Path(tmp), 0.25))
            print(f"{row.figure}: {row.value:,.1f} {row.unit} ({row.note})")


if __name__ == "__main__":
    main()
