"""The concurrency tier for timers: starvation, timer-against-command lock order, deadlock
retries, and scheduling one shared timer from two transactions.

Each interleaving is forced: a gate in the event store holds one side at a known point,
the test waits until PostgreSQL reports the other side waiting on a lock
(`pg_stat_activity.wait_event_type = 'Lock'`, polled: a condition, not a guess), and only
then lets the first side go on.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import structlog
from opsledger.auth import Principal
from opsledger.catalog import EventCatalog
from opsledger.clock import ManualClock
from opsledger.db import events, timers
from opsledger.eventstore import ConcurrencyError, EventStore, NewEvent, RecordedEvent
from opsledger.metrics import Metrics
from opsledger.pipeline import CommandBus, Origin
from opsledger.runtime import TRANSIENT_ATTEMPTS, Runtime, Tx
from opsledger.scheduler import TimerScheduler
from opsledger.timers import DueTimer
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tests.kernel import sla_toy
from tests.kernel.payloads import CounterIncremented

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
AGENT = Principal("agent-7", frozenset({"agent"}), frozenset({"site-a"}))


@pytest.fixture
def postgres_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer (BEGIN IMMEDIATE): these interleavings cannot happen")


class GatedStore(EventStore):
    """The real store, holding appends by actors with `prefix` at a gate until released.

    `after=False`: held before the append (the stream lock not yet taken);
    `after=True`: held after it (the stream lock held until the transaction ends).
    """

    def __init__(self, prefix: str, *, after: bool) -> None:
        super().__init__()
        self.prefix, self.after = prefix, after
        self.reached, self.release = asyncio.Event(), asyncio.Event()

    async def append(
        self,
        conn: AsyncConnection,
        stream_id: str,
        stream_type: str,
        expected_version: int | None,
        new_events: Sequence[NewEvent],
    ) -> list[RecordedEvent]:
        gated = bool(new_events) and new_events[0].actor.startswith(self.prefix)
        if gated and not self.after:
            await self._hold()
        recorded = await super().append(conn, stream_id, stream_type, expected_version, new_events)
        if gated and self.after:
            await self._hold()
        return recorded

    async def _hold(self) -> None:
        if not self.release.is_set():
            self.reached.set()
            await self.release.wait()


async def wait_until_waiting_on_a_lock(engine: AsyncEngine, count: int = 1) -> None:
    """Until `count` backends of this database wait on a lock (bounded: 20 s)."""
    query = sa.text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        for _ in range(4000):
            if int((await conn.execute(query)).scalar() or 0) >= count:
                return
            await asyncio.sleep(0.005)
    raise AssertionError(f"no {count} backend(s) waiting on a lock within 20 s")


def sla_bus(engine: AsyncEngine, clock: ManualClock, store: EventStore | None = None) -> CommandBus:
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"), store or EventStore())
    return CommandBus(runtime, EventCatalog(sla_toy.PRIVATE_EVENTS), [sla_toy.TICKET])


async def stream_event_types(engine: AsyncEngine, stream: str) -> list[str]:
    query = sa.select(events.c.event_type).where(events.c.stream_id == stream)
    async with engine.connect() as conn:
        return list((await conn.execute(query.order_by(events.c.version))).scalars())


async def timer_row(engine: AsyncEngine, timer_id: str) -> sa.RowMapping:
    async with engine.connect() as conn:
        query = sa.select(timers).where(timers.c.timer_id == timer_id)
        return (await conn.execute(query)).mappings().one()


@pytest.fixture
async def tasks() -> AsyncIterator[list[asyncio.Task[object]]]:
    """Background sides of an interleaving; cancelled if a test fails half-way."""
    started: list[asyncio.Task[object]] = []
    yield started
    for task in started:
        task.cancel()
    await asyncio.gather(*started, return_exceptions=True)


# -- item 3: timers that starve --------------------------------------------------------------


async def test_unknown_kinds_and_failing_handlers_do_not_starve_a_later_timer(
    engine: AsyncEngine,
) -> None:
    """60 timers of a retired kind and 40 whose handler fails, all due before one real
    SLA timer: the real one fires within a bounded number of scheduler passes."""
    clock = ManualClock(T0)
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"))
    async with runtime.transaction() as tx:
        for i in range(60):
            await tx.schedule_timer(
                timer_id=f"retired-{i}",
                kind="retired_kind",
                stream_id=f"gone-{i}",
                site_id="site-a",
                due_at=T0 - timedelta(hours=3, seconds=i),
            )
        for i in range(40):
            await tx.schedule_timer(
                timer_id=f"failing-{i}",
                kind="always_fails",
                stream_id=f"broken-{i}",
                site_id="site-a",
                due_at=T0 - timedelta(hours=2, seconds=i),
            )
        await tx.schedule_timer(
            timer_id="ticket-1:sla",
            kind="sla_breach",
            stream_id="ticket-1",
            site_id="site-a",
            due_at=T0 - timedelta(minutes=1),
        )

    async def fails(tx: Tx, timer: DueTimer) -> None:
        raise RuntimeError("this handler has a bug")

    async def breach(tx: Tx, timer: DueTimer) -> None:
        event = NewEvent(CounterIncremented(by=1), timer.site_id, "system:sla", "c")
        await tx.append(timer.stream_id, "Counter", None, [event])

    scheduler = TimerScheduler(runtime, {"always_fails": fails, "sla_breach": breach})
    passes = 0
    with structlog.testing.capture_logs() as logs:  # 100 failures: not rendered
        while passes < 5 and not await stream_event_types(engine, "ticket-1"):
            await scheduler.fire_due()
            passes += 1
    assert await stream_event_types(engine, "ticket-1") == ["CounterIncremented"]
    assert passes <= 2, f"the real timer needed {passes} passes"
    logged = {(e["event"], e["kind"]) for e in logs if e["log_level"] == "error"}
    assert logged == {
        ("timer_kind_unknown_parked", "retired_kind"),
        ("timer_handler_failed", "always_fails"),
    }


# -- item 4: one lock order for timers and commands ------------------------------------------


async def _open_ticket(bus: CommandBus, ticket: str) -> None:
    await bus.run(sla_toy.OpenTicket("site-a", ticket), Origin.person(AGENT))


async def test_a_timer_holding_its_row_and_a_command_holding_the_stream_never_deadlock(
    engine: AsyncEngine, postgres_only: None, tasks: list[asyncio.Task[object]]
) -> None:
    """The SLA timer falls due as the agent answers. The scheduler is held just before
    its append; the agent's command then runs as far as it can (it waits on a lock).
    Before the fix the scheduler held the timer row and the command the stream lock:
    a deadlock, the command chosen as victim (a 500) and the breach recorded anyway."""
    clock = ManualClock(T0)
    gate = GatedStore("system:", after=False)
    bus = sla_bus(engine, clock, gate)
    await _open_ticket(bus, "t1")
    clock.advance(sla_toy.SLA)
    scheduler = TimerScheduler(bus.runtime, bus.timer_handlers())

    firing = asyncio.create_task(scheduler.fire_due())
    tasks.append(firing)
    await asyncio.wait_for(gate.reached.wait(), 20)
    answer = asyncio.create_task(bus.run(sla_toy.AnswerTicket("t1"), Origin.person(AGENT)))
    tasks.append(answer)
    await wait_until_waiting_on_a_lock(engine)
    gate.release.set()
    fired, answered = await asyncio.gather(firing, answer, return_exceptions=True)

    # The person's command either went through or met a newer version (409, retryable
    # by the person); never a database error (500).
    assert (
        answered is None
        or not isinstance(answered, BaseException)
        or isinstance(answered, ConcurrencyError)
    ), repr(answered)
    recorded = await stream_event_types(engine, sla_toy.stream_id("t1"))
    row = await timer_row(engine, sla_toy.timer_id("t1"))
    if isinstance(answered, ConcurrencyError):  # the timer won: breach, timer fired
        assert fired == 1 and recorded == ["SlaTicketOpened", "SlaTicketBreached"]
        assert row["fired_at"] is not None
    else:  # the agent won: no breach, timer cancelled
        assert recorded == ["SlaTicketOpened", "SlaTicketAnswered"]
        assert row["fired_at"] is None and row["cancelled_at"] is not None


async def test_a_command_holding_the_stream_makes_the_timer_wait_not_fail(
    engine: AsyncEngine, postgres_only: None, tasks: list[asyncio.Task[object]]
) -> None:
    """The agent answers at the deadline and holds the stream (appended, timer not yet
    cancelled) while the scheduler starts: the scheduler waits for the stream, then sees
    the timer cancelled. Before the fix it claimed the timer row first and deadlocked
    with the command (one second stalled, a handler failure logged)."""
    clock = ManualClock(T0)
    gate = GatedStore("agent-", after=True)
    bus = sla_bus(engine, clock, gate)
    gate.release.set()
    await _open_ticket(bus, "t2")
    gate.release.clear()
    clock.advance(sla_toy.SLA)
    scheduler = TimerScheduler(bus.runtime, bus.timer_handlers())

    with structlog.testing.capture_logs() as logs:
        answer = asyncio.create_task(bus.run(sla_toy.AnswerTicket("t2"), Origin.person(AGENT)))
        tasks.append(answer)
        await asyncio.wait_for(gate.reached.wait(), 20)
        firing = asyncio.create_task(scheduler.fire_due())
        tasks.append(firing)
        await wait_until_waiting_on_a_lock(engine)
        gate.release.set()
        answered = await answer
        fired = await firing

    assert answered.events[0].event_type == "SlaTicketAnswered"
    assert fired == 0
    assert await stream_event_types(engine, sla_toy.stream_id("t2")) == [
        "SlaTicketOpened",
        "SlaTicketAnswered",
    ]
    assert (await timer_row(engine, sla_toy.timer_id("t2")))["cancelled_at"] is not None
    failures = [e for e in logs if e["log_level"] in ("error", "critical")]
    assert failures == [], failures


async def test_a_deadlocked_command_is_retried_inside_the_kernel_not_a_500(
    engine: AsyncEngine, postgres_only: None, tasks: list[asyncio.Task[object]]
) -> None:
    """A real deadlock (40P01) with the command as PostgreSQL's victim: the test holds the
    timer row the command's reaction moves, the command holds its stream, then the test
    asks for the stream. The kernel runs the command again; the person sees success."""
    clock = ManualClock(T0)
    bus = sla_bus(engine, clock)
    ticket = "t3"
    async with bus.runtime.transaction() as tx:  # the row the command's reaction will move
        await tx.schedule_timer(
            timer_id=sla_toy.timer_id(ticket),
            kind=sla_toy.SLA_KIND,
            stream_id=sla_toy.stream_id(ticket),
            site_id="site-a",
            due_at=T0 + timedelta(days=1),
        )
    async with engine.connect() as other:
        await other.begin()
        await other.execute(
            sa.select(timers.c.timer_id)
            .where(timers.c.timer_id == sla_toy.timer_id(ticket))
            .with_for_update()
        )
        opening = asyncio.create_task(_open_ticket(bus, ticket))
        tasks.append(opening)
        await wait_until_waiting_on_a_lock(engine)  # appended, waits for the timer row
        # The stream lock opsledger_append takes: now each waits for the other.
        await other.execute(
            sa.text("SELECT pg_advisory_xact_lock(-1, hashtext(:s))"),
            {"s": sla_toy.stream_id(ticket)},
        )
        await other.commit()
        await opening  # raised DBAPIError (40P01) before the fix: an HTTP 500
    assert await stream_event_types(engine, sla_toy.stream_id(ticket)) == ["SlaTicketOpened"]
    row = await timer_row(engine, sla_toy.timer_id(ticket))
    assert row["due_at"] == T0 + sla_toy.SLA


class _DriverError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(f"driver error {sqlstate}")
        self.sqlstate = sqlstate


async def test_serialization_failures_are_re_run_a_bounded_number_of_times(
    engine: AsyncEngine,
) -> None:
    """40001 and 40P01 are re-run (the transaction was rolled back whole); other database
    errors are not; a failure that keeps coming is raised after TRANSIENT_ATTEMPTS runs."""
    runtime = Runtime("kerneltest", engine, ManualClock(T0), Metrics("kerneltest"))
    runs: list[str] = []

    def failing(*sqlstates: str) -> Callable[[Tx], Awaitable[str]]:
        async def work(tx: Tx) -> str:
            runs.append("run")
            if len(runs) <= len(sqlstates):
                raise sa.exc.DBAPIError("SELECT 1", None, _DriverError(sqlstates[len(runs) - 1]))
            return "done"

        return work

    assert await runtime.retrying(failing("40001", "40P01"), attempts=1) == "done"
    assert len(runs) == 3
    runs.clear()
    with pytest.raises(sa.exc.DBAPIError):
        await runtime.retrying(failing("23505"), attempts=1)  # a unique violation: a bug
    assert len(runs) == 1
    runs.clear()
    with pytest.raises(sa.exc.DBAPIError):
        await runtime.retrying(failing(*["40001"] * 10), attempts=1)
    assert len(runs) == TRANSIENT_ATTEMPTS


# -- item 6: one shared timer scheduled from two transactions --------------------------------


async def _schedule_shared(tx: Tx, due: datetime) -> None:
    await tx.schedule_timer(
        timer_id="end-of-day-review-site-a-2026-11-20",
        kind="end_of_day_review",
        stream_id="review-site-a-2026-11-20",
        site_id="site-a",
        due_at=due,
        payload={"local_date": "2026-11-20"},
    )


async def test_two_transactions_scheduling_one_shared_timer_both_commit(
    engine: AsyncEngine, postgres_only: None, tasks: list[asyncio.Task[object]]
) -> None:
    """Both insert the timer; the second waits on the first's uncommitted row and, once
    it commits, must update it (a unique violation before the fix)."""
    clock = ManualClock(T0)
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"))
    second_may_commit = asyncio.Event()

    async def second() -> None:
        async with runtime.transaction() as tx:
            await _schedule_shared(tx, T0 + timedelta(hours=10))
            await second_may_commit.wait()

    async with runtime.transaction() as tx:
        await _schedule_shared(tx, T0 + timedelta(hours=9))
        racing = asyncio.create_task(second())
        tasks.append(racing)
        await wait_until_waiting_on_a_lock(engine)
    second_may_commit.set()
    await racing
    row = await timer_row(engine, "end-of-day-review-site-a-2026-11-20")
    assert row["due_at"] == T0 + timedelta(hours=10)
    assert row["fired_at"] is None and row["cancelled_at"] is None


async def test_scheduling_a_timer_again_moves_it_and_a_fired_one_stays_fired(
    engine: AsyncEngine,
) -> None:
    clock = ManualClock(T0)
    runtime = Runtime("kerneltest", engine, clock, Metrics("kerneltest"))
    for hours in (9, 10, 10):
        async with runtime.transaction() as tx:
            await _schedule_shared(tx, T0 + timedelta(hours=hours))
    row = await timer_row(engine, "end-of-day-review-site-a-2026-11-20")
    assert as_aware(row["due_at"]) == T0 + timedelta(hours=10)
    async with runtime.transaction() as tx:
        await tx.conn.execute(timers.update().values(fired_at=T0))
        await _schedule_shared(tx, T0 + timedelta(hours=11))
    row = await timer_row(engine, "end-of-day-review-site-a-2026-11-20")
    assert as_aware(row["due_at"]) == T0 + timedelta(hours=10)


def as_aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
