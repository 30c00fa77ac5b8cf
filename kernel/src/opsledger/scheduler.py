"""Fires due timers, each claimed in the same transaction as its handler's effect.

A timer is claimed (`fired_at` set) together with what its handler writes, so it fires
exactly once as far as the database is concerned, across restarts and even with several
scheduler loops running.

Lock order: due timers are read without a lock; each is then fired in a transaction that
takes its stream's lock first (the lock an append takes), re-checks the timer, runs the
handler and claims the timer row last. A command takes its stream's lock (its append)
before it moves or cancels a timer: one order, so a timer and a command never deadlock;
whoever comes second waits. A deadlock victim or serialization failure is re-run.

Failures never starve later timers: a failing handler is retried after a backoff
(exponential, capped) and parked after `Backoff.max_attempts`; a timer whose kind no
handler of this process knows is parked at once and selected again only by a process
that knows its kind (a rolling deploy) or after on-call's `opsledger timers retry`.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

import sqlalchemy as sa
import structlog
from sqlalchemy.exc import DBAPIError

from opsledger.clock import as_utc
from opsledger.db import database_unavailable, timers
from opsledger.decider import DueTimer
from opsledger.runtime import Runtime, Tx
from opsledger.timers import MAX_ATTEMPTS, PENDING, UNKNOWN_KIND

log = structlog.get_logger(__name__)

TimerHandler = Callable[[Tx, DueTimer], Awaitable[None]]


@dataclass(frozen=True)
class Backoff:
    """When a failed timer is tried again: `first`, doubling, at most `cap`; parked after
    `max_attempts` failures (defaults: 10 s ... 15 min, parked after 8, about 21 min)."""

    first: timedelta = timedelta(seconds=10)
    cap: timedelta = timedelta(minutes=15)
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failure."""
        return min(self.first * (1 << max(attempts - 1, 0)), self.cap)


def error_class(exc: BaseException) -> str:
    """What failed, without the message (which may carry payload or SQL parameters)."""
    name = type(exc).__name__
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        name += f"({type(exc.orig.__cause__ or exc.orig).__name__})"
    return name[:200]


class _SupersededError(Exception):
    """The timer fired, moved or was cancelled while its handler ran: roll it back."""


class TimerScheduler:
    """Fires due timers through their kind's handler."""

    def __init__(
        self,
        runtime: Runtime,
        handlers: Mapping[str, TimerHandler],
        backoff: Backoff | None = None,
    ) -> None:
        self._runtime = runtime
        self._handlers = dict(handlers)
        self.backoff = backoff or Backoff()
        self._parked_seen: set[tuple[str, str]] = set()
        # The poll's query, built once (it runs on every pass of the loop, busy or idle).
        now = sa.bindparam("p_now", type_=timers.c.due_at.type)
        self._due_query = (
            sa.select(timers)
            .where(*self._due(now))
            .order_by(timers.c.due_at)
            .limit(sa.bindparam("p_limit", type_=sa.Integer()))
        )

    def _due(self, now: datetime | sa.BindParameter[Any]) -> tuple[sa.ColumnElement[bool], ...]:
        """Pending, due, not backing off, and not parked (unless parked only for a kind
        this process knows)."""
        known = sa.and_(timers.c.parked_reason == UNKNOWN_KIND, timers.c.kind.in_(self._handlers))
        return (
            *PENDING,
            timers.c.due_at <= now,
            sa.or_(timers.c.next_attempt_at.is_(None), timers.c.next_attempt_at <= now),
            sa.or_(timers.c.parked_at.is_(None), known),
        )

    async def fire_due(self, limit: int = 100) -> int:
        """Fire every timer due now (up to `limit`); returns how many fired."""
        rt = self._runtime
        now = rt.clock.now()
        async with rt.engine.connect() as conn:
            due = await conn.execute(self._due_query, {"p_now": now, "p_limit": limit})
            rows = due.mappings().all()
        fired = 0
        for row in rows:
            timer = DueTimer(
                timer_id=row["timer_id"],
                kind=row["kind"],
                stream_id=row["stream_id"],
                site_id=row["site_id"],
                due_at=as_utc(row["due_at"]),
                payload=row["payload"],
            )
            handler = self._handlers.get(timer.kind)
            if handler is None:
                await self._park_unknown(timer, now)
                continue
            try:
                # A conflict (a handler that writes other streams) re-reads and re-decides.
                await rt.retrying(partial(self._fire, handler=handler, timer=timer, now=now), 3)
            except _SupersededError:
                continue  # another loop fired it, or a command moved or cancelled it
            except Exception as exc:
                if database_unavailable(exc):
                    raise  # not the timer's fault: the loop backs off, no attempt counted
                await self._failed(timer, int(row["attempts"]), exc, now)
                continue
            fired += 1
            rt.metrics.timers_fired.labels(kind=timer.kind).inc()
        return fired

    async def _fire(self, tx: Tx, handler: TimerHandler, timer: DueTimer, now: datetime) -> None:
        await tx.lock_stream(timer.stream_id)  # the stream first, the timer row last
        same = (timers.c.timer_id == timer.timer_id, timers.c.due_at == timer.due_at)
        still_due = sa.select(timers.c.timer_id).where(*same, *self._due(now))
        if (await tx.conn.execute(still_due)).first() is None:
            raise _SupersededError
        await handler(tx, timer)
        claimed = await tx.conn.execute(
            timers.update()
            .where(*same, *PENDING)
            .values(fired_at=now, next_attempt_at=None, parked_at=None, parked_reason=None)
        )
        if claimed.rowcount != 1:
            raise _SupersededError

    async def _failed(self, timer: DueTimer, before: int, exc: Exception, now: datetime) -> None:
        """Count the failure; try again after the backoff, or park it."""
        attempts = before + 1
        parked = attempts >= self.backoff.max_attempts
        error = error_class(exc)
        self._runtime.metrics.timer_failures.labels(kind=timer.kind).inc()
        log.error(
            "timer_parked" if parked else "timer_handler_failed",
            kind=timer.kind,
            timer_id=timer.timer_id,
            attempts=attempts,
            error=error,
            # The traceback once, and again when parked: not on every retry.
            exc_info=exc if attempts == 1 or parked else None,
        )
        await self._mark(
            timer,
            before,
            attempts=attempts,
            last_error=error,
            next_attempt_at=now + self.backoff.delay(attempts),
            parked_at=now if parked else None,
            parked_reason=MAX_ATTEMPTS if parked else None,
        )

    async def _park_unknown(self, timer: DueTimer, now: datetime) -> None:
        self._runtime.metrics.timer_failures.labels(kind=timer.kind).inc()
        log.error("timer_kind_unknown_parked", kind=timer.kind, timer_id=timer.timer_id)
        await self._mark(
            timer, None, parked_at=now, parked_reason=UNKNOWN_KIND, last_error="UnknownTimerKind"
        )

    async def _mark(self, timer: DueTimer, before: int | None, **values: object) -> None:
        """Update a still-pending timer with the same deadline (and attempt count)."""
        where = [*PENDING, timers.c.timer_id == timer.timer_id, timers.c.due_at == timer.due_at]
        if before is not None:  # another loop counted this failure already
            where.append(timers.c.attempts == before)
        async with self._runtime.transaction() as tx:
            await tx.conn.execute(timers.update().where(*where).values(**values))

    async def count_overdue(self) -> int:
        """Timers past due that the scheduler should fire (parked ones are counted apart)."""
        rt = self._runtime
        async with rt.engine.connect() as conn:
            query = sa.select(sa.func.count()).where(
                *PENDING, timers.c.parked_at.is_(None), timers.c.due_at <= rt.clock.now()
            )
            return int((await conn.execute(query)).scalar() or 0)

    async def measure(self) -> None:
        """Refresh the timer gauges: overdue, and parked by kind and reason."""
        metrics = self._runtime.metrics
        metrics.timers_overdue.set(await self.count_overdue())
        query = (
            sa.select(timers.c.kind, timers.c.parked_reason, sa.func.count())
            .where(*PENDING, timers.c.parked_at.is_not(None))
            .group_by(timers.c.kind, timers.c.parked_reason)
        )
        async with self._runtime.engine.connect() as conn:
            counts = {(k, r or "?"): int(n) for k, r, n in (await conn.execute(query)).all()}
        for kind, reason in self._parked_seen - set(counts):
            metrics.timers_parked.labels(kind=kind, reason=reason).set(0)
        for (kind, reason), count in counts.items():
            metrics.timers_parked.labels(kind=kind, reason=reason).set(count)
        self._parked_seen |= set(counts)
