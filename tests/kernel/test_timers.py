"""Durable timers fire once after they fall due, across restarts (SQLite and PostgreSQL)."""

import asyncio
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from opsledger.clock import ManualClock
from opsledger.db import events
from opsledger.metrics import Metrics
from opsledger.runtime import CommandContext, Runtime, Tx
from opsledger.scheduler import TimerScheduler
from opsledger.timers import DueTimer
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kernel.payloads import CounterIncremented

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


async def record_breach(tx: Tx, timer: DueTimer) -> None:
    ctx = CommandContext.system("sla", timer.site_id, causation_id=timer.timer_id)
    await tx.append(timer.stream_id, "Counter", None, [ctx.event(CounterIncremented(by=1))])


def _scheduler(engine: AsyncEngine, clock: ManualClock) -> TimerScheduler:
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"))
    return TimerScheduler(runtime, {"sla_breach": record_breach})


async def _schedule(engine: AsyncEngine, clock: ManualClock, due: datetime) -> None:
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"))
    async with runtime.transaction() as tx:
        await tx.schedule_timer(
            timer_id="ticket-1:sla",
            kind="sla_breach",
            stream_id="ticket-1",
            site_id="site-a",
            due_at=due,
            payload={"level": 1},
        )


async def _event_count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(
            (await conn.execute(sa.select(sa.func.count()).select_from(events))).scalar() or 0
        )


async def test_timer_does_not_fire_before_due_and_fires_once_after(engine: AsyncEngine) -> None:
    clock = ManualClock(T0)
    await _schedule(engine, clock, T0 + timedelta(hours=24))
    scheduler = _scheduler(engine, clock)
    clock.advance(timedelta(hours=23, minutes=59))
    assert await scheduler.fire_due() == 0
    clock.advance(timedelta(minutes=1))
    assert await scheduler.fire_due() == 1
    assert await scheduler.fire_due() == 0
    assert await _event_count(engine) == 1


async def test_timer_fires_once_across_a_restart_and_racing_schedulers(engine: AsyncEngine) -> None:
    clock = ManualClock(T0)
    await _schedule(engine, clock, T0 + timedelta(minutes=15))
    # "Restart": the process that scheduled it is gone; new schedulers find it in the store.
    clock.advance(timedelta(hours=1))
    first, second = _scheduler(engine, clock), _scheduler(engine, clock)
    fired = await asyncio.gather(first.fire_due(), second.fire_due())
    assert sum(fired) == 1
    assert await _event_count(engine) == 1


async def test_moving_or_cancelling_a_pending_timer(engine: AsyncEngine) -> None:
    clock = ManualClock(T0)
    await _schedule(engine, clock, T0 + timedelta(minutes=10))
    await _schedule(engine, clock, T0 + timedelta(hours=2))  # paused SLA: moved later
    scheduler = _scheduler(engine, clock)
    clock.advance(timedelta(hours=1))
    assert await scheduler.fire_due() == 0
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"))
    async with runtime.transaction() as tx:
        assert await tx.cancel_timer("ticket-1:sla")
    clock.advance(timedelta(hours=5))
    assert await scheduler.fire_due() == 0
    assert await _event_count(engine) == 0


async def test_a_failing_handler_leaves_the_timer_pending_and_backs_off(
    engine: AsyncEngine,
) -> None:
    clock = ManualClock(T0)
    await _schedule(engine, clock, T0)
    calls = 0

    async def flaky(tx: Tx, timer: DueTimer) -> None:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("downstream hiccup")
        await record_breach(tx, timer)

    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"))
    scheduler = TimerScheduler(runtime, {"sla_breach": flaky})
    assert await scheduler.fire_due() == 0
    assert await scheduler.fire_due() == 0 and calls == 1  # backing off: not tried again yet
    clock.advance(scheduler.backoff.delay(1))
    assert await scheduler.fire_due() == 1
    assert await _event_count(engine) == 1
