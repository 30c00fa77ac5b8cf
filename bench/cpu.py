"""CPU seconds per accepted command, per service, read from the kernel's accounting.

Wall-clock figures mean little on a shared machine; the CPU a service process spends
does not depend on who else runs. One service runs as a real process (`opsledger serve`
on its own PostgreSQL database and Kafka topics); after its setup commands, it settles
(relay and read models caught up), then N commands are sent, 8 in flight, and the
process's utime + stime (/proc/<pid>/stat, every thread) is read before and after, with
the settle time after the last answer included, so the relay's publishing and the
read models' projection of those events count too. The process's idle CPU over the same
span (its poll loops; the mean of 6 s before and 6 s after) is subtracted.

`OPSLEDGER_BENCH_PROFILE=<dir>` also records a py-spy flame graph (SVG) of each service
while it runs its commands (py-spy on PATH, or OPSLEDGER_PYSPY naming it).
"""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
from opsledger.auth import TokenService

from bench.common import KAFKA, Row, drop, pg_database
from tests.processes import TEST_SECRET, running, service_env

IN_FLIGHT = 8
SETTLE_S = 3.0  # relay and read models finish the last commands' events within this
TICKS = os.sysconf("SC_CLK_TCK")
TARGET_MS = 1.5


def cpu_seconds(pid: int) -> float:
    """utime + stime of process `pid` (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


Body = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Workload:
    """One service's command: setup requests, then the measured ones (path, body)."""

    service: str
    label: str
    roles: list[str]
    setup: Callable[[int], list[Body]]
    command: Callable[[int], Body]


def _reply_by() -> str:
    return (datetime.now(UTC) + timedelta(days=1)).isoformat()


def _ping(i: int) -> Body:
    return "/diagnostics/pings", {"site_id": "site-a", "ping_id": f"p{i}", "message": "bench"}


def _issue(i: int) -> Body:
    return "/work-orders", {
        "site_id": "site-a",
        "location": f"Block 3, unit {i}, kitchen",
        "content": "Water leaking under the sink",
        "requirements": "Replace the trap",
        "reply_by": _reply_by(),
        "assignee": "eng-12",
        "assignee_role": "engineer",
    }


def _fleet_setup(n: int) -> list[Body]:
    bodies: list[Body] = []
    for i in range(n):
        bodies.append(
            (
                "/vehicles",
                {
                    "site_id": "site-a",
                    "vehicle_id": f"veh-{i}",
                    "plate": f"闽A·{i:05d}",
                    "model": "soueast",
                    "unit": "customer-service",
                    "parking_place": "Depot yard",
                    "odometer_km": "1000.0",
                },
            )
        )
        bodies.append(
            (
                "/drivers",
                {
                    "site_id": "site-a",
                    "driver_id": f"drv-{i}",
                    "name": "Lin Wei",
                    "certificate_no": f"SG-{i}",
                    "valid_from": "2026-01-01",
                    "valid_to": "2099-12-31",
                },
            )
        )
    return bodies


def _trip(i: int) -> Body:
    return "/trips", {
        "site_id": "site-a",
        "vehicle_id": f"veh-{i}",
        "purpose": "delivery",
        "business": "Route 3 delivery",
        "destination": "Route 3",
        "driver_id": f"drv-{i}",
        "odometer_out_km": "1000.0",
    }


WORKLOADS = {
    "callcenter": Workload("callcenter", "callcenter ping", ["agent"], lambda n: [], _ping),
    "dispatch": Workload("dispatch", "dispatch issue", ["dispatcher"], lambda n: [], _issue),
    "fleet": Workload(
        "fleet",
        "fleet trip dispatch",
        ["fleet_captain", "depot_director"],
        _fleet_setup,
        _trip,
    ),
}


async def _send(url: str, token: str, bodies: list[Body]) -> int:
    """Send `bodies` with IN_FLIGHT concurrent requests; the number answered 2xx."""
    queue = list(reversed(bodies))
    accepted = 0
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:

        async def worker() -> None:
            nonlocal accepted
            while queue:
                path, body = queue.pop()
                answer = await client.post(path, json=body)
                if answer.is_success:
                    accepted += 1
                elif accepted == 0:
                    raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")

        await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return accepted


@dataclass
class CpuResult:
    per_command_ms: float
    gross_ms: float
    accepted: int
    idle_cpu_s: float
    idle_cores: float  # CPU of the idle process (its poll loops), in cores
    profile: Path | None


def _py_spy() -> str | None:
    return os.environ.get("OPSLEDGER_PYSPY") or shutil.which("py-spy")


async def _idle_cores(pid: int, seconds: float = SETTLE_S * 2) -> float:
    """CPU of the process over `seconds` without traffic, in cores."""
    cpu, start = cpu_seconds(pid), time.monotonic()
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - cpu) / (time.monotonic() - start)


def _start_profiler(
    profile_dir: Path | None, service: str, pid: int
) -> tuple[subprocess.Popen[bytes] | None, Path | None]:
    tool = _py_spy()
    if profile_dir is None or tool is None:
        return None, None
    fmt = os.environ.get("OPSLEDGER_BENCH_PROFILE_FORMAT", "flamegraph")  # or raw, speedscope
    out = profile_dir / f"{service}.{ {'raw': 'txt', 'speedscope': 'json'}.get(fmt, 'svg') }"
    command = [tool, "record", "--pid", str(pid), "--rate", "250", "-f", fmt, "-o", str(out)]
    spy = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return spy, out


def _stop_profiler(spy: subprocess.Popen[bytes]) -> None:
    spy.send_signal(signal.SIGINT)  # py-spy writes its file on Ctrl-C
    spy.wait(60)


async def measure(
    workload: Workload, tmp: Path, commands: int, profile_dir: Path | None = None
) -> CpuResult:
    url = await pg_database(f"opsledger_bench_cpu_{workload.service}")
    env = service_env(url, KAFKA)
    env.pop("OPSLEDGER_POLL_INTERVAL_SECONDS", None)  # the services' defaults
    env["OPSLEDGER_LOG_LEVEL"] = "WARNING"
    token = TokenService(TEST_SECRET).mint(
        f"bench-{uuid4().hex[:4]}", workload.roles, ["site-a"], audience=workload.service
    )
    try:
        with running([workload.service], env, tmp, ready_within=120) as procs:
            proc = procs[workload.service]
            pid = proc.proc.pid
            if setup := workload.setup(commands + IN_FLIGHT):
                await _send(proc.url, token, setup)
            warm = [workload.command(commands + i) for i in range(IN_FLIGHT)]
            await _send(proc.url, token, warm)  # first requests pay imports and caches
            await asyncio.sleep(SETTLE_S)
            idle_before = await _idle_cores(pid)
            spy, svg = _start_profiler(profile_dir, workload.service, pid)
            if spy is not None:
                await asyncio.sleep(1)  # py-spy attached before the first measured command
            before, t0 = cpu_seconds(pid), time.monotonic()
            bodies = [workload.command(i) for i in range(commands)]
            accepted = await _send(proc.url, token, bodies)
            await asyncio.sleep(SETTLE_S)
            used, span = cpu_seconds(pid) - before, time.monotonic() - t0
            if spy is not None:
                _stop_profiler(spy)
            # Idle before and after (more rows, warm caches): the mean is subtracted.
            idle_rate = (idle_before + await _idle_cores(pid)) / 2
    finally:
        await drop(url)
    idle = idle_rate * span
    return CpuResult(
        per_command_ms=(used - idle) / accepted * 1000,
        gross_ms=used / accepted * 1000,
        accepted=accepted,
        idle_cpu_s=idle,
        idle_cores=idle_rate,
        profile=svg,
    )


async def cpu_row(service: str, tmp: Path, scale: float) -> Row:
    workload = WORKLOADS[service]
    commands = max(100, int(600 * scale))
    profile = os.environ.get("OPSLEDGER_BENCH_PROFILE")
    profile_dir = Path(profile) if profile else None
    if profile_dir is not None:
        profile_dir.mkdir(parents=True, exist_ok=True)
    result = await measure(workload, tmp, commands, profile_dir)
    load = os.getloadavg()[0]
    return Row(
        f"CPU per accepted command, {workload.label} (whole process)",
        result.per_command_ms,
        "ms",
        target=f"<= {TARGET_MS} ms",
        met=result.per_command_ms <= TARGET_MS,
        note=(
            f"{result.accepted} commands, {IN_FLIGHT} in flight, utime+stime of the service "
            f"process incl. relay and read models; gross {result.gross_ms:.2f} ms, idle CPU "
            f"{result.idle_cpu_s:.2f} s ({result.idle_cores:.3f} cores when idle) subtracted; "
            f"{1000 / result.per_command_ms:,.0f} "
            f"commands/s per core; load {load:.2f}"
            + (f"; profile {result.profile}" if result.profile else "")
        ),
    )


async def cpu_callcenter(tmp: Path, scale: float) -> Row:
    return await cpu_row("callcenter", tmp, scale)


async def cpu_dispatch(tmp: Path, scale: float) -> Row:
    return await cpu_row("dispatch", tmp, scale)


async def cpu_fleet(tmp: Path, scale: float) -> Row:
    return await cpu_row("fleet", tmp, scale)


if __name__ == "__main__":  # uv run --frozen python -m bench.cpu [service ...]
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        for name in sys.argv[1:] or list(WORKLOADS):
            row = asyncio.run(cpu_row(name, Path(d), float(os.environ.get("SCALE", "0.5"))))
            print(f"{name}: {row.value:.3f} ms  ({row.note})", flush=True)
