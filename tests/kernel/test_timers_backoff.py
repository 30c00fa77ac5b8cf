"""Failing timers back off and park, unknown kinds park, on-call lists, retries and drops
them (kernel functions on SQLite and PostgreSQL; the `opsledger timers` CLI on SQLite)."""

import asyncio
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import structlog
from opsledger.cli import main
from opsledger.clock import ManualClock
from opsledger.db import create_engine, events, timers
from opsledger.eventstore import NewEvent
from opsledger.metrics import Metrics
from opsledger.migrate import upgrade
from opsledger.runtime import Runtime, Tx
from opsledger.scheduler import Backoff, TimerScheduler
from opsledger.timers import DueTimer, TimerStatus, drop_timers, list_timers, retry_timers
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import KERNEL_ONLY, opsledger_cli
from tests.kernel.payloads import CounterIncremented

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
PRIVATE = {"caller_name": "Jane Roe", "phone": "+41 79 000 00 00"}


async def _schedule(runtime: Runtime, timer_id: str, kind: str, due: datetime) -> None:
    async with runtime.transaction() as tx:
        await tx.schedule_timer(
            timer_id=timer_id,
            kind=kind,
            stream_id=f"stream-{timer_id}",
            site_id="site-a",
            due_at=due,
            payload=PRIVATE,
        )


async def _count(tx: Tx, timer: DueTimer) -> None:
    event = NewEvent(CounterIncremented(by=1), timer.site_id, "system:test", "c")
    await tx.append(timer.stream_id, "Counter", None, [event])


def _sample(metrics: Metrics, name: str, **labels: str) -> float:
    return metrics.registry.get_sample_value(name, labels) or 0.0


async def test_a_failing_timer_backs_off_exponentially_then_parks_until_retried(
    engine: AsyncEngine,
) -> None:
    clock = ManualClock(T0)
    metrics = Metrics("kerneltest")
    runtime = Runtime("kerneltest", engine, clock, metrics)
    await _schedule(runtime, "t1", "flaky", T0)
    calls: list[datetime] = []
    broken = True

    async def flaky(tx: Tx, timer: DueTimer) -> None:
        calls.append(clock.now())
        if broken:
            raise RuntimeError(f"cannot reach {timer.payload['caller_name']}")
        await _count(tx, timer)

    backoff = Backoff(first=timedelta(seconds=10), cap=timedelta(seconds=30), max_attempts=4)
    scheduler = TimerScheduler(runtime, {"flaky": flaky}, backoff)
    with structlog.testing.capture_logs() as logs:
        for wait in (0, 0, 10, 20, 30, 3600):  # the same instant again, then each backoff
            clock.advance(timedelta(seconds=wait))
            assert await scheduler.fire_due() == 0
    # Tried at 0, 10 s, 30 s (10 + 20) and 60 s (30 + 30: capped), then parked.
    assert [(c - T0).total_seconds() for c in calls] == [0, 10, 30, 60]
    [status] = await _list(engine, clock.now())
    assert (status.timer_id, status.state, status.attempts) == ("t1", "parked:max_attempts", 4)
    assert status.last_error == "RuntimeError"
    assert "Jane" not in repr(status)
    assert [e["event"] for e in logs] == ["timer_handler_failed"] * 3 + ["timer_parked"]
    assert all(e["error"] == "RuntimeError" for e in logs)

    await scheduler.measure()
    parked = {"kind": "flaky", "reason": "max_attempts"}
    assert _sample(metrics, "opsledger_timers_parked", **parked) == 1
    assert _sample(metrics, "opsledger_timer_failures_total", kind="flaky") == 4
    assert _sample(metrics, "opsledger_timers_due_unfired") == 0  # parked: counted apart

    broken = False
    async with engine.begin() as conn:
        assert await retry_timers(conn, ["t1"]) == 1
    assert await scheduler.fire_due() == 1
    await scheduler.measure()
    assert _sample(metrics, "opsledger_timers_parked", **parked) == 0
    assert await _list(engine, clock.now()) == []


async def test_an_unknown_kind_is_parked_and_left_to_a_process_that_knows_it(
    engine: AsyncEngine,
) -> None:
    """A rolling deploy: an old process meets a kind only the new version handles."""
    clock = ManualClock(T0)
    old_metrics = Metrics("kerneltest")
    old = TimerScheduler(Runtime("kerneltest", engine, clock, old_metrics), {})
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"))
    await _schedule(runtime, "new-1", "new_kind", T0)
    with structlog.testing.capture_logs():
        assert await old.fire_due() == 0
        clock.advance(timedelta(days=2))
        assert await old.fire_due() == 0
    # Selected once, never again by a process that does not know the kind.
    assert _sample(old_metrics, "opsledger_timer_failures_total", kind="new_kind") == 1
    [status] = await _list(engine, clock.now())
    assert (status.state, status.last_error) == ("parked:unknown_kind", "UnknownTimerKind")

    new = TimerScheduler(runtime, {"new_kind": _count})
    assert await new.fire_due() == 1
    assert await _events(engine) == 1


async def test_drop_removes_pending_timers_by_id_or_parked_ones_by_kind(
    engine: AsyncEngine,
) -> None:
    clock = ManualClock(T0)
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"))
    for i in range(3):
        await _schedule(runtime, f"old-{i}", "retired_kind", T0)
    await _schedule(runtime, "due-1", "known", T0)
    await _schedule(runtime, "later-1", "known", T0 + timedelta(days=1))
    with structlog.testing.capture_logs():
        await TimerScheduler(runtime, {}).fire_due()  # parks all three retired, and due-1
    async with engine.begin() as conn:
        assert await retry_timers(conn, ["due-1"]) == 1  # un-parked: due again
        with pytest.raises(ValueError, match="not both"):
            await drop_timers(conn, ["old-0"], kind="retired_kind")
        assert await drop_timers(conn, kind="retired_kind") == 3
        assert await drop_timers(conn, kind="known") == 0  # due-1 is not parked
        assert await drop_timers(conn, ["later-1"]) == 1
    listed = await _list(engine, clock.now())
    assert [(t.timer_id, t.state) for t in listed] == [("due-1", "due")]
    async with engine.connect() as conn:
        left = (await conn.execute(sa.select(timers.c.timer_id))).scalars().all()
    assert left == ["due-1"]


async def _list(engine: AsyncEngine, now: datetime) -> list[TimerStatus]:
    async with engine.connect() as conn:
        return list(await list_timers(conn, now))


async def _events(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(events)
        return int((await conn.execute(query)).scalar() or 0)


# -- the CLI ------------------------------------------------------------------------------


async def _prepare(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine, KERNEL_ONLY)
        now = datetime.now(UTC)
        runtime = Runtime("kerneltest", engine, ManualClock(now), Metrics("kerneltest"))
        await _schedule(runtime, "gone-1", "retired_kind", now - timedelta(hours=2))
        await _schedule(runtime, "sla-7", "sla_breach", now - timedelta(hours=1))
        await _schedule(runtime, "future-1", "sla_breach", now + timedelta(days=1))
        with structlog.testing.capture_logs():
            await TimerScheduler(runtime, {"sla_breach": _count}).fire_due(limit=1)
    finally:
        await engine.dispose()


def _timers(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["timers", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_on_call_lists_retries_and_drops_timers_with_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'callcenter.db'}"
    asyncio.run(_prepare(url))
    monkeypatch.setenv("OPSLEDGER_DATABASE_URL", url)

    # The installed console script, once; the rest runs `main` in this process.
    listed = subprocess.run(
        [*opsledger_cli(), "timers", "list", "callcenter"],
        env={**os.environ, "OPSLEDGER_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert listed.returncode == 0, listed.stderr
    rows = [line.split("\t") for line in listed.stdout.splitlines()]
    assert rows[0][:3] == ["timer_id", "state", "kind"] and rows[0][-1] == "last_error"
    assert [(r[0], r[1], r[2], r[3], r[6], r[-1]) for r in rows[1:]] == [
        ("gone-1", "parked:unknown_kind", "retired_kind", "stream-gone-1", "0", "UnknownTimerKind"),
        ("sla-7", "due", "sla_breach", "stream-sla-7", "0", "-"),
    ]
    assert "Jane" not in listed.stdout + listed.stderr and "1 parked" in listed.stderr

    code, out, err = _timers(capsys, "drop", "callcenter", "--kind", "retired_kind")
    assert code == 2 and "--yes" in err and out.startswith("gone-1\t")
    code, out, _ = _timers(capsys, "list", "callcenter", "--parked")
    assert [line.split("\t")[0] for line in out.splitlines()[1:]] == ["gone-1"]  # kept

    with pytest.raises(SystemExit, match="not both"):
        _timers(capsys, "retry", "callcenter", "gone-1", "--kind", "retired_kind")
    code, out, _ = _timers(capsys, "retry", "callcenter", "gone-1")
    assert code == 0 and "1 timer(s)" in out
    code, out, _ = _timers(capsys, "list", "callcenter")
    assert out.splitlines()[1].startswith("gone-1\tdue\t")

    code, out, _ = _timers(capsys, "drop", "callcenter", "gone-1", "--yes")
    assert code == 0 and "dropped 1" in out
    code, out, _ = _timers(capsys, "list", "callcenter")
    assert [line.split("\t")[0] for line in out.splitlines()[1:]] == ["sla-7"]
