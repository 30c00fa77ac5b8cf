"""Durable timers: deadlines stored in the database (the scheduler fires them: scheduler.py).

A timer is claimed (`fired_at` set) in the same transaction as its handler's effect, so
it fires exactly once as far as the database is concerned, across restarts and even
with several scheduler loops running.

A timer whose handler fails is tried again later (`attempts`, `next_attempt_at`) and
parked after too many failures; one whose kind no handler knows is parked at once
(`parked_at`, `parked_reason`). On-call sees and acts on them with the functions at the
end of this module (`opsledger timers list|retry|drop`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.clock import Clock, as_utc
from opsledger.db import timers
from opsledger.decider import DueTimer

__all__ = [
    "MAX_ATTEMPTS",
    "UNKNOWN_KIND",
    "DueTimer",
    "TimerStatus",
    "cancel_timer",
    "drop_timers",
    "list_timers",
    "retry_timers",
    "schedule_timer",
]

UNKNOWN_KIND = "unknown_kind"  # parked at once: no handler of this process knows the kind
MAX_ATTEMPTS = "max_attempts"  # parked after its handler failed too many times

PENDING = (timers.c.fired_at.is_(None), timers.c.cancelled_at.is_(None))


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
    """Create or move a pending timer. A timer that already fired is left alone.

    One statement (INSERT ... ON CONFLICT), so two transactions scheduling the same
    timer (a per-site timer every order asks for) both succeed: the later one moves it.
    Asking again for the same deadline keeps its backoff and parking; a new deadline
    starts afresh.
    """
    await conn.execute(
        _schedule_statement(conn.dialect.name),
        {
            "p_timer_id": timer_id,
            "p_kind": kind,
            "p_stream_id": stream_id,
            "p_site_id": site_id,
            "p_due_at": as_utc(due_at),
            "p_payload": dict(payload or {}),
            "p_created_at": clock.now(),
        },
    )


_SCHEDULE: dict[str, Any] = {}  # dialect name -> the statement, built once per process


def _schedule_statement(dialect: str) -> Any:
    """schedule_timer's INSERT ... ON CONFLICT, with bound parameters `p_<column>`."""
    found = _SCHEDULE.get(dialect)
    if found is not None:
        return found
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(timers)
    names = ("timer_id", "kind", "stream_id", "site_id", "due_at", "payload", "created_at")
    statement = insert.values(
        {**{n: sa.bindparam(f"p_{n}", type_=timers.c[n].type) for n in names}, "cancelled_at": None}
    )
    new = statement.excluded
    same_deadline = timers.c.due_at == new.due_at

    def kept(column: sa.Column[Any], fresh: Any) -> sa.Case[Any]:
        return sa.case((same_deadline, column), else_=fresh)

    found = _SCHEDULE[dialect] = statement.on_conflict_do_update(
        index_elements=[timers.c.timer_id],
        set_={
            "due_at": new.due_at,
            "payload": new.payload,
            "cancelled_at": None,
            "attempts": kept(timers.c.attempts, 0),
            "next_attempt_at": kept(timers.c.next_attempt_at, sa.null()),
            "parked_at": kept(timers.c.parked_at, sa.null()),
            "parked_reason": kept(timers.c.parked_reason, sa.null()),
        },
        where=timers.c.fired_at.is_(None),
    )
    return found


async def cancel_timer(conn: AsyncConnection, clock: Clock, timer_id: str) -> bool:
    """Cancel a pending timer; False when it had fired or did not exist."""
    result = await conn.execute(
        timers.update()
        .where(timers.c.timer_id == timer_id, *PENDING)
        .values(cancelled_at=clock.now())
    )
    return bool(result.rowcount)


# -- on-call: see, retry and drop timers that do not fire ---------------------------------


@dataclass(frozen=True)
class TimerStatus:
    """A pending timer as on-call sees it: no payload (it may name people)."""

    timer_id: str
    kind: str
    stream_id: str
    site_id: str
    due_at: datetime
    attempts: int
    next_attempt_at: datetime | None
    parked_at: datetime | None
    parked_reason: str | None
    last_error: str | None

    @property
    def state(self) -> str:
        if self.parked_at is not None:
            return f"parked:{self.parked_reason or '?'}"
        return "backing-off" if self.attempts else "due"


def _selection(timer_ids: Sequence[str], kind: str | None) -> list[sa.ColumnElement[bool]]:
    if bool(timer_ids) == bool(kind):
        raise ValueError("name timer ids or a kind (of parked timers), not both")
    if kind:
        return [*PENDING, timers.c.kind == kind, timers.c.parked_at.is_not(None)]
    return [*PENDING, timers.c.timer_id.in_(list(timer_ids))]


async def list_timers(
    conn: AsyncConnection, now: datetime, *, parked_only: bool = False, limit: int = 1000
) -> list[TimerStatus]:
    """Pending timers that are due now or parked, the earliest deadline first."""
    shown: sa.ColumnElement[bool] = timers.c.parked_at.is_not(None)
    if not parked_only:
        shown = sa.or_(shown, timers.c.due_at <= now)
    query = (
        sa.select(
            timers.c.timer_id,
            timers.c.kind,
            timers.c.stream_id,
            timers.c.site_id,
            timers.c.due_at,
            timers.c.attempts,
            timers.c.next_attempt_at,
            timers.c.parked_at,
            timers.c.parked_reason,
            timers.c.last_error,
        )
        .where(*PENDING, shown)
        .order_by(timers.c.due_at, timers.c.timer_id)
        .limit(limit)
    )
    rows = (await conn.execute(query)).mappings().all()
    return [
        TimerStatus(
            **{
                **row,
                "due_at": as_utc(row["due_at"]),
                "next_attempt_at": _utc(row["next_attempt_at"]),
                "parked_at": _utc(row["parked_at"]),
            }
        )
        for row in rows
    ]


async def retry_timers(
    conn: AsyncConnection, timer_ids: Sequence[str] = (), *, kind: str | None = None
) -> int:
    """Un-park (and end the backoff of) pending timers: the next pass tries them afresh.

    By ids, or every parked timer of `kind`. Returns how many were changed.
    """
    result = await conn.execute(
        timers.update()
        .where(*_selection(timer_ids, kind))
        .values(attempts=0, next_attempt_at=None, parked_at=None, parked_reason=None)
    )
    return int(result.rowcount or 0)


async def drop_timers(
    conn: AsyncConnection, timer_ids: Sequence[str] = (), *, kind: str | None = None
) -> int:
    """Delete pending timers for good (by ids, or every parked timer of `kind`)."""
    result = await conn.execute(timers.delete().where(*_selection(timer_ids, kind)))
    return int(result.rowcount or 0)


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)
