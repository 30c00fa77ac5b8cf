"""Durable timers: deadlines stored in the database (the scheduler fires them: scheduler.py).

A timer is claimed (`fired_at` set) in the same transaction as its handler's effect, so
it fires exactly once as far as the database is concerned, across restarts and even
with several scheduler loops running.
"""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.clock import Clock
from opsledger.db import timers
from opsledger.decider import DueTimer

__all__ = ["DueTimer", "cancel_timer", "schedule_timer"]


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
