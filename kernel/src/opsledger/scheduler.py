"""Fires due timers, each claimed in the same transaction as its handler's effect.

A timer is claimed (`fired_at` set) together with what its handler writes, so it fires
exactly once as far as the database is concerned, across restarts and even with several
scheduler loops running.
"""

from collections.abc import Awaitable, Callable, Mapping

import sqlalchemy as sa
import structlog

from opsledger.clock import as_utc
from opsledger.db import timers
from opsledger.decider import DueTimer
from opsledger.runtime import Runtime, Tx

log = structlog.get_logger(__name__)

TimerHandler = Callable[[Tx, DueTimer], Awaitable[None]]


class TimerScheduler:
    """Fires due timers through their kind's handler."""

    def __init__(self, runtime: Runtime, handlers: Mapping[str, TimerHandler]) -> None:
        self._runtime = runtime
        self._handlers = dict(handlers)

    async def fire_due(self, limit: int = 100) -> int:
        """Fire every timer due now (up to `limit`); returns how many fired."""
        rt = self._runtime
        now = rt.clock.now()
        pending = (
            timers.c.fired_at.is_(None),
            timers.c.cancelled_at.is_(None),
            timers.c.due_at <= now,
        )
        async with rt.engine.connect() as conn:
            rows = (
                (
                    await conn.execute(
                        sa.select(timers).where(*pending).order_by(timers.c.due_at).limit(limit)
                    )
                )
                .mappings()
                .all()
            )
        fired = 0
        for row in rows:
            handler = self._handlers.get(row["kind"])
            if handler is None:
                log.error("timer_kind_unknown", kind=row["kind"], timer_id=row["timer_id"])
                continue
            timer = DueTimer(
                timer_id=row["timer_id"],
                kind=row["kind"],
                stream_id=row["stream_id"],
                site_id=row["site_id"],
                due_at=as_utc(row["due_at"]),
                payload=row["payload"],
            )
            try:
                async with rt.transaction() as tx:
                    claimed = await tx.conn.execute(
                        timers.update()
                        .where(timers.c.timer_id == timer.timer_id, *pending)
                        .values(fired_at=now)
                    )
                    if claimed.rowcount != 1:
                        continue  # another loop fired or someone cancelled it meanwhile
                    await handler(tx, timer)
            except Exception:
                log.exception("timer_handler_failed", kind=timer.kind, timer_id=timer.timer_id)
                continue
            fired += 1
            rt.metrics.timers_fired.labels(kind=timer.kind).inc()
        return fired

    async def count_overdue(self) -> int:
        rt = self._runtime
        async with rt.engine.connect() as conn:
            query = sa.select(sa.func.count()).where(
                timers.c.fired_at.is_(None),
                timers.c.cancelled_at.is_(None),
                timers.c.due_at <= rt.clock.now(),
            )
            return int((await conn.execute(query)).scalar() or 0)
