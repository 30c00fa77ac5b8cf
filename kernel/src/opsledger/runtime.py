"""The composition of one service process: engine, store, clock, metrics, wake-ups.

`Tx` is the unit of work handlers receive: one database transaction in which they read
streams, append events and schedule timers; everything commits or nothing does.
"""

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import uuid4

import sqlalchemy as sa
import structlog
from opsledger_contracts import EventPayload
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.calendar import SiteDirectory
from opsledger.clock import Clock
from opsledger.eventstore import ConcurrencyError, EventStore, NewEvent, RecordedEvent
from opsledger.metrics import Metrics
from opsledger.timers import cancel_timer, schedule_timer

log = structlog.get_logger(__name__)

S = TypeVar("S")
R = TypeVar("R")

# Deadlock detected, serialization failure: the database rolled the transaction back and
# running it again is the documented cure. Retried here, never shown as a 500.
TRANSIENT_SQLSTATES = frozenset({"40P01", "40001"})
TRANSIENT_ATTEMPTS = 5


def sqlstate_of(exc: BaseException) -> str:
    """The SQLSTATE of a database error ('' when it has none), through SQLAlchemy's wrap."""
    driver_error: BaseException | None = exc
    if isinstance(exc, DBAPIError) and exc.orig is not None:
        driver_error = exc.orig.__cause__ or exc.orig
    return str(getattr(driver_error, "sqlstate", "") or "")


def is_transient(exc: BaseException) -> bool:
    """A deadlock victim or a serialization failure: the whole transaction may be re-run."""
    return isinstance(exc, DBAPIError) and sqlstate_of(exc) in TRANSIENT_SQLSTATES


async def transient_pause(attempt: int) -> None:
    """Exponential with full jitter (a few ms): two deadlock victims do not meet again."""
    await asyncio.sleep(random.uniform(0, 0.005 * 2**attempt))


@dataclass(frozen=True)
class CommandContext:
    """Who issues a command, for which site, and what request it belongs to.

    The actor always comes from the verified token, never from the request body.
    """

    actor: str
    site_id: str
    correlation_id: str
    causation_id: str | None = None

    def event(self, payload: EventPayload, occurred_at: datetime | None = None) -> NewEvent:
        return NewEvent(
            payload=payload,
            site_id=self.site_id,
            actor=self.actor,
            correlation_id=self.correlation_id,
            causation_id=self.causation_id,
            occurred_at=occurred_at,
        )

    @classmethod
    def system(
        cls, component: str, site_id: str, causation_id: str | None = None
    ) -> "CommandContext":
        return cls(
            actor=f"system:{component}",
            site_id=site_id,
            correlation_id=str(uuid4()),
            causation_id=causation_id,
        )


# The key opsledger_append (migration kernel_0004) locks a stream with.
_LOCK_STREAM = sa.text("SELECT pg_advisory_xact_lock(-1, hashtext(:stream_id))")


class Tx:
    """One transaction: read streams, append events, schedule timers."""

    def __init__(
        self,
        conn: AsyncConnection,
        store: EventStore,
        clock: Clock,
        metrics: Metrics,
        sites: SiteDirectory | None = None,
    ) -> None:
        self.conn = conn
        self.store = store
        self.clock = clock
        self.sites = sites or SiteDirectory()
        self._metrics = metrics
        self.appended: list[RecordedEvent] = []
        self.single_append = False  # Runtime.one_append: a second append is refused

    async def append(
        self,
        stream_id: str,
        stream_type: str,
        expected_version: int | None,
        events: Sequence[NewEvent],
    ) -> list[RecordedEvent]:
        if self.single_append and self.appended:
            raise RuntimeError("one_append() allows one append: use Runtime.transaction()")
        recorded = await self.store.append(
            self.conn, stream_id, stream_type, expected_version, events
        )
        self.appended.extend(recorded)
        self._metrics.count_appended(stream_type, recorded)
        return recorded

    async def read_stream(
        self,
        stream_id: str,
        *,
        to_version: int | None = None,
        as_of: datetime | None = None,
        after_version: int = 0,
    ) -> list[RecordedEvent]:
        return await self.store.read_stream(
            self.conn, stream_id, to_version=to_version, as_of=as_of, after_version=after_version
        )

    async def schedule_timer(
        self,
        *,
        timer_id: str,
        kind: str,
        stream_id: str,
        site_id: str,
        due_at: datetime,
        payload: Mapping[str, Any] | None = None,
    ) -> None:
        self._refuse_in_single_append("schedule_timer")
        await schedule_timer(
            self.conn,
            self.clock,
            timer_id=timer_id,
            kind=kind,
            stream_id=stream_id,
            site_id=site_id,
            due_at=due_at,
            payload=payload,
        )

    async def lock_stream(self, stream_id: str) -> None:
        """Take the stream's lock now, the one the append takes (PostgreSQL; no-op on
        SQLite, one writer). Work that writes a timer row and a stream takes the stream
        first, as every command does: one lock order, so timers and commands never
        deadlock. Held until the transaction ends; taking it again is free."""
        if self.conn.dialect.name == "postgresql":
            await self.conn.execute(_LOCK_STREAM, {"stream_id": stream_id})

    async def cancel_timer(self, timer_id: str) -> bool:
        self._refuse_in_single_append("cancel_timer")
        return await cancel_timer(self.conn, self.clock, timer_id)

    def _refuse_in_single_append(self, what: str) -> None:
        # Outside a transaction the timer would commit apart from the append.
        if self.single_append:
            raise RuntimeError(f"{what} needs Runtime.transaction(), not one_append()")


class Runtime:
    """Shared handles of one service process, built once by the composition root."""

    def __init__(
        self,
        service: str,
        engine: AsyncEngine,
        clock: Clock,
        metrics: Metrics,
        store: EventStore | None = None,
        sites: SiteDirectory | None = None,
    ) -> None:
        self.service = service
        self.sites = sites or SiteDirectory()
        self.engine = engine
        self.clock = clock
        self.metrics = metrics
        self.store = store or EventStore(clock)
        self._waiters: set[asyncio.Event] = set()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self.engine.begin() as conn:
            tx = Tx(conn, self.store, self.clock, self.metrics, self.sites)
            yield tx
        if tx.appended:
            self.notify()

    @asynccontextmanager
    async def one_append(self) -> AsyncIterator[Tx]:
        """For work whose only write is ONE append: on PostgreSQL each statement commits
        on its own (autocommit), so a read and an append are two round trips instead of
        four (no BEGIN, no COMMIT). The append is one server-side call that checks the
        expected version and idempotency atomically, so nothing is lost by not wrapping
        it: a stream that moved since the read is still a ConcurrencyError. SQLite needs
        BEGIN IMMEDIATE for its write lock, so there it is an ordinary transaction.
        """
        if self.engine.dialect.name != "postgresql":
            async with self.transaction() as tx:
                yield tx
            return
        async with self.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            tx = Tx(conn, self.store, self.clock, self.metrics, self.sites)
            tx.single_append = True
            yield tx
        if tx.appended:
            self.notify()

    async def retrying(
        self,
        work: Callable[[Tx], Awaitable[R]],
        attempts: int = 5,
        unit: Callable[[], AbstractAsyncContextManager[Tx]] | None = None,
    ) -> R:
        """Run `work` in a fresh transaction (`unit`, default `transaction`), again when
        the database chose it as a deadlock victim or failed to serialize it (up to
        TRANSIENT_ATTEMPTS runs, jittered), and on an optimistic-concurrency conflict up
        to `attempts` runs.

        A conflict is re-run only for work whose decision depends on nothing but the
        streams it reads (re-reading and re-deciding is then always correct), e.g.
        taking the next serial number; pass attempts=1 for anything else. A deadlock
        victim is always re-run: its transaction was rolled back whole, and running it
        again is what the person asked for.
        """
        conflicts = transients = 0
        while True:
            try:
                async with (unit or self.transaction)() as tx:
                    return await work(tx)
            except ConcurrencyError:
                conflicts += 1
                if conflicts >= attempts:
                    raise
                await asyncio.sleep(0.001 * conflicts)
            except DBAPIError as exc:
                transients += 1
                if not is_transient(exc) or transients >= TRANSIENT_ATTEMPTS:
                    raise
                log.info("transaction_retried", sqlstate=sqlstate_of(exc), attempt=transients)
                await transient_pause(transients)

    def waiter(self) -> asyncio.Event:
        """An event set whenever this process commits new events (wakes relay/projections)."""
        event = asyncio.Event()
        self._waiters.add(event)
        return event

    def notify(self) -> None:
        for event in self._waiters:
            event.set()
