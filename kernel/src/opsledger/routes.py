"""What a route needs, as two FastAPI dependencies: `Commands` and `Reads(roles=...)`.

A route is then a few lines at module level: parse the body into a command, run it as
the caller, turn the state into a view; or call one function of the service's views.
No route opens a connection, writes SQL or does clock arithmetic itself.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar
from uuid import uuid4

from fastapi import Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.auth import CurrentPrincipal, Principal
from opsledger.calendar import SiteCalendar
from opsledger.decider import Aggregate
from opsledger.errors import NotFoundError
from opsledger.eventstore import RecordedEvent
from opsledger.pipeline import ANY_STAFF, CommandBus, CommandResult, Loaded, Origin
from opsledger.readmodels.freshness import (
    MIN_POSITION_HEADER,
    MIN_POSITION_QUERY,
    POSITION_HEADER,
    ReachedPosition,
    requested_position,
    wait_for_position,
)
from opsledger.runtime import Runtime
from opsledger.streams import visible

T = TypeVar("T")
S = TypeVar("S")
P = ParamSpec("P")


def _origin(request: Request, principal: Principal) -> Origin:
    correlation = getattr(request.state, "correlation_id", None) or str(uuid4())
    return Origin.person(principal, correlation)


class _Commands:
    """Runs commands as the caller: actor from the token, correlation id from the request.

    The answer names the position the commands reached in `X-OpsLedger-Position` (the
    global position of the last event recorded); a read that sends it back as
    `min_position` sees the write (`opsledger.readmodels.freshness`).
    """

    def __init__(self, request: Request, principal: CurrentPrincipal, response: Response) -> None:
        self._bus: CommandBus = request.app.state.bus
        self._response = response
        self._reached = 0
        self.principal = principal
        self.origin = _origin(request, principal)

    async def run(self, command: Any) -> CommandResult[Any]:
        result = await self._bus.run(command, self.origin)
        if result.position > self._reached:
            self._reached = result.position
            self._response.headers[POSITION_HEADER] = str(result.position)
        return result


class Reader:
    """Reads for a caller who holds one of the route's reader roles (`Reads(roles=...)`).

    The role is checked before anything is read. A record of a site the caller may not
    see answers exactly as a missing one (404), so reads do not tell what exists where.
    """

    def __init__(
        self,
        request: Request,
        principal: Principal,
        roles: frozenset[str],
        min_position: int | None = None,
    ) -> None:
        if roles != ANY_STAFF:
            principal.authorize(roles)
        self._runtime: Runtime = request.app.state.runtime
        self._bus: CommandBus = request.app.state.bus
        self.principal = principal
        self._min_position = min_position or 0
        service = getattr(request.app.state, "service", None)
        self._read_models: ReachedPosition | None = getattr(service, "read_models", None)
        settings = getattr(service, "settings", None)
        self._wait_seconds = float(getattr(settings, "read_wait_seconds", 2.0))

    @property
    def now(self) -> datetime:
        return self._runtime.clock.now()

    @property
    def roles(self) -> frozenset[str]:
        """The caller's roles, for views that show some fields to some roles only."""
        return self.principal.roles

    def site(self, site_id: str) -> SiteCalendar:
        return self._runtime.sites.calendar(site_id)

    def authorize(self, site_id: str) -> None:
        """403 unless the caller may see `site_id` (a site the caller named)."""
        self.principal.authorize((), site_id)

    def require(self, roles: frozenset[str]) -> None:
        """403 unless the caller has one of `roles` too (a read narrower in some cases)."""
        self.principal.authorize(roles)

    async def __call__(
        self,
        query: Callable[Concatenate[AsyncConnection, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`query` on the read models, once they reached the read's `min_position`."""
        if self._min_position and self._read_models is not None:
            await wait_for_position(
                self._runtime.engine, self._read_models, self._min_position, self._wait_seconds
            )
            self._min_position = 0  # reached: the request's further queries need not look
        async with self._runtime.engine.connect() as conn:
            return await query(conn, *args, **kwargs)

    async def stream(self, aggregate: Aggregate[Any, Any], stream_id: str) -> list[RecordedEvent]:
        """An aggregate's recorded events, oldest first (e.g. an audit history).

        404 if none, another aggregate's, or of a site the caller may not see.
        """
        async with self._runtime.engine.connect() as conn:
            history = await self._runtime.store.read_stream(conn, stream_id)
        if not history or not visible(
            history, aggregate.stream_type, self.principal.can_access_site
        ):
            raise NotFoundError(aggregate.stream_type, stream_id)
        return history

    async def load(self, aggregate: Aggregate[S, Any], stream_id: str) -> Loaded[S]:
        """An aggregate's state folded from its stream now (read-your-writes).

        404 if none, another aggregate's, or of a site the caller may not see.
        """
        history = await self.stream(aggregate, stream_id)
        events = [self._bus.catalog.decode(r) for r in history]
        return Loaded(aggregate.fold(events), history[-1].version)


def Reads(*, roles: frozenset[str]) -> Any:  # noqa: N802 - reads as the dependency it is
    """The read dependency of a route, naming who may read it: no default, none empty
    (`ANY_STAFF` said explicitly where any staff of the site may read).

    `BoardReads = Annotated[Reader, Reads(roles=BOARD_READERS)]`, then `reads: BoardReads`.
    A route with a bare `Reader` does not start (FastAPI cannot build it).
    """
    if not roles:
        raise ValueError("a read names its reader roles (Reads(roles=...))")
    allowed = frozenset(roles)

    async def reader(request: Request, principal: CurrentPrincipal) -> Reader:
        wanted = requested_position(
            request.query_params.get(MIN_POSITION_QUERY), request.headers.get(MIN_POSITION_HEADER)
        )
        return Reader(request, principal, allowed, wanted)

    return Depends(reader)


# Async factories: FastAPI runs a plain callable (a class too) in a worker thread.
async def _commands(request: Request, principal: CurrentPrincipal, response: Response) -> _Commands:
    return _Commands(request, principal, response)


Commands = Annotated[_Commands, Depends(_commands)]
