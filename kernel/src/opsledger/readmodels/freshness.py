"""Read your own writes: a read that names a log position waits for the read models.

Read models trail the log. A command's answer names the global position of the last event
it recorded (`POSITION_HEADER`); a read that sends it back (`MIN_POSITION_HEADER`, or the
`min_position` query parameter) is answered only once every read model of the service has
applied at least that position, waiting at most the `read_wait_seconds` setting, else
`ReadModelsBehindError` (HTTP 503 with Retry-After). A position beyond the service's log
is bad input (422). The consistency model is described in the kernel README.
"""

import asyncio
import contextlib
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from opsledger.db import events
from opsledger.errors import DomainError

POSITION_HEADER = "X-OpsLedger-Position"
MIN_POSITION_HEADER = "X-OpsLedger-Min-Position"
MIN_POSITION_QUERY = "min_position"
MAX_POSITION = 2**63 - 1  # a BIGINT
# Another replica's runner may move the checkpoints: without a wake-up of our own, look
# again this often.
POLL_SECONDS = 0.05


class ReadModelsBehindError(Exception):
    """The read models did not reach the position a read asked for in time (503)."""

    def __init__(self, wanted: int, reached: int, waited: float) -> None:
        super().__init__(
            f"the read models have not reached position {wanted} yet (at {reached} after "
            f"waiting {waited:g} s); retry shortly"
        )
        self.wanted = wanted
        self.reached = reached


class Advances:
    """Wakes reads waiting for a position when this process's runner moves a checkpoint.

    A waiter takes a `ticket` before it looks at the checkpoints, so a pass that commits
    between its look and its wait still wakes it.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ticket(self) -> asyncio.Event:
        return self._event

    def moved(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, ticket: asyncio.Event, seconds: float) -> None:
        """Until a pass moved a checkpoint since `ticket` was taken, or `seconds` passed."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ticket.wait(), seconds)


class ReachedPosition(Protocol):
    """What a read needs of the read-model runner: its lowest checkpoint, and wake-ups."""

    @property
    def advances(self) -> Advances: ...

    async def reached(self, conn: AsyncConnection) -> int: ...


def requested_position(query: str | None, header: str | None) -> int:
    """The position a read asks to see (0: none), from its `min_position` query parameter
    and `X-OpsLedger-Min-Position` header (the larger); a malformed one is a 422 naming it.

    Read from the raw request rather than declared on every read operation, so that the
    OpenAPI documents stay those of the services' own parameters.
    """
    wanted = 0
    for name, raw in ((MIN_POSITION_QUERY, query), (MIN_POSITION_HEADER, header)):
        if raw is None:
            continue
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 19 and int(raw) <= MAX_POSITION):
            raise DomainError(
                "VALIDATION",
                f"{name} must be a whole number from 0 to {MAX_POSITION}: the "
                f"{POSITION_HEADER} of a command's answer",
                field=name,
            )
        wanted = max(wanted, int(raw))
    return wanted


async def _last_position(conn: AsyncConnection) -> int:
    """The highest position committed (not the followers' safe head: a position being
    still in flight below ours must not make our own position look invented)."""
    return int((await conn.execute(sa.select(sa.func.max(events.c.position)))).scalar() or 0)


async def wait_for_position(
    engine: AsyncEngine, runner: ReachedPosition, position: int, seconds: float
) -> None:
    """Return once every read model has applied `position`; wait at most `seconds`."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    checked_log = False
    while True:
        ticket = runner.advances.ticket()
        async with engine.connect() as conn:
            reached = await runner.reached(conn)
            if reached >= position:
                return
            if not checked_log:
                checked_log = True
                if position > await _last_position(conn):
                    raise DomainError(
                        "VALIDATION",
                        f"{MIN_POSITION_QUERY} {position} is beyond this service's log: send "
                        f"back the {POSITION_HEADER} of one of its answers",
                        field=MIN_POSITION_QUERY,
                    )
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise ReadModelsBehindError(position, reached, seconds)
        await runner.advances.wait(ticket, min(remaining, POLL_SECONDS))
