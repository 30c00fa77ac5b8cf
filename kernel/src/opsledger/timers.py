"""Durable timers: deadlines stored in the database and fired once after they fall due.

A timer is claimed (`fired_at` set) in the same transaction as its handler's effect, so
it fires exactly once as far as the database is concerned, across restarts and even
with several scheduler loops running.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
import structlog
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.clock import Clock, as_utc
from opsledger.db import timers

if TYPE_CHECKING:
    from opsledger.runtime import Runtime, Tx

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class DueTimer:
    """A timer that fell due, as handed to its handler."""

    timer_id: str
    kind: str
    stream_id: str
    site_id: str
    due_at: datetime
    payload: Mapping[str, Any]


TimerHandler = Callable[["Tx", DueTimer], Awaitable[None]]


async def schedule_timer(
    conn: AsyncConnection,
    clock: Clock,
    *,
    timer_id: str,
    kind: str,
    stream_id: str,
    site_id: str,
    due_at: datetime,
    payload: Mapping[str, Any] | None = None,
) -> None:
    """Create or move a pending timer. A timer that already fired is left alone."""
    values = {"due_at": due_at, "payload": dict(payload or {}), "cancelled_at": None}
    moved = await conn.execute(
        timers.update()
        .where(timers.c.timer_id == timer_id, timers.c.fired_at.is_(None))
        .values(**values)
    )
    if moved.rowcount:
        return
    exists = await conn.execute(sa.select(timers.c.timer_id).where(timers.c.timer_id == timer_id))
    if exists.first() is None:
        await conn.execute(
            timers.insert().values(
                timer_id=timer_id,
                kind=kind,
                stream_id=stream_id,
                site_id=site_id,
                created_at=clock.now(),
                **values,
            )
        )


async def cancel_timer(conn: AsyncConnection, clock: Clock, timer_id: str) -> bool:
    """Cancel a pending timer; False when it had fired or did not exist."""
    result = await conn.execute(
        timers.update()
        .where(
            timers.c.timer_id == timer_id,
            timers.c.fired_at.is_(None),
            timers.c.cancelled_at.is_(None),
        )
        .values(cancelled_at=clock.now())
    )
    return bool(result.rowcount)


class TimerScheduler:
    """Fires due timers through their kind's handler."""

    def __init__(self, runtime: "Runtime", handlers: Mapping[str, TimerHandler]) -> None:
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
