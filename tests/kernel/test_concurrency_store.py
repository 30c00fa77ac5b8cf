"""Concurrency tier, event store: a cancelled append or read never wedges the database.

`opsledger_append` and `opsledger_safe_head` hold the session-scoped allocation lock
(-2, 0) for microseconds. A statement timeout, a `pg_cancel_backend` or an asyncio
cancel that lands while it is held must not leave it behind on a connection that goes
back to the pool: every later append (exclusive) and every reader (shared) would queue
behind it until the pool closed.

The interleaving is forced with a lock: a blocker session alters the position sequence's
owner in an open transaction (ACCESS EXCLUSIVE on it), so the victim's `nextval` (append)
or its read of the sequence (safe head) waits *inside* the locked section until cancelled.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Literal

import pytest
import sqlalchemy as sa
from opsledger.db import create_engine
from opsledger.eventstore import EventStore, NewEvent
from opsledger.migrate import upgrade
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from tests.conftest import KERNEL_ONLY, create_pg_database, drop_pg_database
from tests.kernel.payloads import CounterIncremented

pytestmark = pytest.mark.postgres

Cancel = Literal["statement_timeout", "pg_cancel_backend", "asyncio_cancel"]
# Long enough for any healthy append on a loaded 2-core machine, short for a wedge.
NOT_BLOCKED_WITHIN = 10.0

# The allocation lock as pg_locks shows a two-int4 key: classid -2 as an unsigned oid.
_ALLOC_HELD = sa.text(
    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = 4294967294"
    " AND objid = 0 AND objsubid = 2 AND granted"
)


def new(by: int) -> NewEvent:
    return NewEvent(
        payload=CounterIncremented(by=by), site_id="site-a", actor="staff-1", correlation_id="c"
    )


# "heads": the functions release the lock themselves (kernel_0005); kernel_0004's leak
# it, so there only the pool's refusal to reuse a cancelled connection protects.
@pytest.fixture(params=["heads", "kernel_0004_append_probe"], ids=["functions", "pool-only"])
async def pg_url(postgres_admin_url: str, request: pytest.FixtureRequest) -> AsyncIterator[str]:
    url = await create_pg_database(postgres_admin_url)
    engine = create_engine(url)
    try:
        await upgrade(engine, KERNEL_ONLY, request.param)
    finally:
        await engine.dispose()
    try:
        yield url
    finally:
        await drop_pg_database(postgres_admin_url, url)


async def _wait_until_waiting_on_a_lock(admin: AsyncConnection, pid: int) -> None:
    """Return once backend `pid` waits for a lock (the forced interleaving is in place)."""
    query = sa.text("SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid")
    async with asyncio.timeout(NOT_BLOCKED_WITHIN):
        # The waiter is a PostgreSQL backend: no event to await, so poll its state.
        while (await admin.execute(query, {"pid": pid})).scalar() != "Lock":  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def _cancel_inside_the_locked_section(
    engine: AsyncEngine,
    admin: AsyncConnection,
    how: Cancel,
    work: Callable[[AsyncConnection], Awaitable[object]],
) -> None:
    """Run `work` on a pooled connection, blocked while it holds (-2, 0), and cancel it."""
    async with engine.connect() as blocker:
        await blocker.begin()
        await blocker.execute(sa.text("ALTER SEQUENCE events_position_seq OWNER TO CURRENT_USER"))
        try:
            async with engine.connect() as victim:
                pid = int((await victim.execute(sa.text("SELECT pg_backend_pid()"))).scalar_one())
                await victim.commit()
                await victim.begin()
                if how == "statement_timeout":
                    await victim.execute(sa.text("SET LOCAL statement_timeout = '300ms'"))
                    with pytest.raises(sa.exc.DBAPIError, match="statement timeout"):
                        await work(victim)
                    return
                task = asyncio.ensure_future(work(victim))
                await _wait_until_waiting_on_a_lock(admin, pid)
                if how == "pg_cancel_backend":
                    await admin.execute(sa.text("SELECT pg_cancel_backend(:pid)"), {"pid": pid})
                    with pytest.raises(sa.exc.DBAPIError, match="canceling statement"):
                        await task
                else:
                    task.cancel()
                    with pytest.raises(asyncio.CancelledError):
                        await task
        finally:
            await blocker.rollback()


async def _append(conn: AsyncConnection) -> object:
    return await EventStore().append(conn, "victim", "Counter", None, [new(1)])


async def _read(conn: AsyncConnection) -> object:
    return await EventStore().read_all(conn, 0)


@pytest.mark.parametrize("how", ["statement_timeout", "pg_cancel_backend", "asyncio_cancel"])
@pytest.mark.parametrize("work", [_append, _read], ids=["append", "reader"])
async def test_a_cancel_inside_the_allocation_lock_leaves_appends_and_readers_unblocked(
    pg_url: str,
    how: Cancel,
    work: Callable[[AsyncConnection], Awaitable[object]],
) -> None:
    engine = create_engine(pg_url, pool_size=2, max_overflow=0)
    admin_engine = create_engine(pg_url, isolation_level="AUTOCOMMIT", pool_size=1)
    store = EventStore()
    try:
        async with admin_engine.connect() as admin:
            await _cancel_inside_the_locked_section(engine, admin, how, work)

        async def append_and_read(stream: str) -> int:
            async with engine.begin() as conn:
                (event,) = await store.append(conn, stream, "Counter", 0, [new(2)])
            return event.position

        async def read() -> list[int]:
            async with engine.connect() as conn:
                return [e.position for e in await store.read_all(conn, 0)]

        # Both pool connections at once, so the victim's (if it was kept) is one of them.
        async with asyncio.timeout(NOT_BLOCKED_WITHIN):
            positions = await asyncio.gather(append_and_read("a"), append_and_read("b"))
            readers = await asyncio.gather(read(), read())
        assert readers[0] == readers[1] == sorted(positions)
        async with admin_engine.connect() as admin:
            # Asked from outside the pool: nobody may still hold the allocation lock.
            assert (await admin.execute(_ALLOC_HELD)).scalar() == 0
    finally:
        await engine.dispose()
        await admin_engine.dispose()
