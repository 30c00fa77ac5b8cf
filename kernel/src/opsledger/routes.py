"""What a route needs, as two FastAPI dependencies: `Commands` and `Reads`.

A route is then a few lines at module level: parse the body into a command, run it as
the caller, turn the state into a view; or call one function of the service's views.
No route opens a connection, writes SQL or does clock arithmetic itself.
"""

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Annotated, Any, Concatenate, ParamSpec, TypeVar
from uuid import uuid4

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.auth import CurrentPrincipal, Principal
from opsledger.calendar import SiteCalendar
from opsledger.decider import Aggregate
from opsledger.errors import NotFoundError
from opsledger.eventstore import RecordedEvent
from opsledger.pipeline import CommandBus, CommandResult, Loaded, Origin
from opsledger.runtime import Runtime

T = TypeVar("T")
S = TypeVar("S")
P = ParamSpec("P")


def _origin(request: Request, principal: Principal) -> Origin:
    correlation = getattr(request.state, "correlation_id", None) or str(uuid4())
    return Origin.person(principal, correlation)


class _Commands:
    """Runs commands as the caller: actor from the token, correlation id from the request."""

    def __init__(self, request: Request, principal: CurrentPrincipal) -> None:
        self._bus: CommandBus = request.app.state.bus
        self.principal = principal
        self.origin = _origin(request, principal)

    async def run(self, command: Any) -> CommandResult[Any]:
        return await self._bus.run(command, self.origin)


class _Reads:
    """Runs a views function on a read-only connection, after checking role and site."""

    def __init__(self, request: Request, principal: CurrentPrincipal) -> None:
        self._runtime: Runtime = request.app.state.runtime
        self._bus: CommandBus = request.app.state.bus
        self.principal = principal

    @property
    def now(self) -> datetime:
        return self._runtime.clock.now()

    def site(self, site_id: str) -> SiteCalendar:
        return self._runtime.sites.calendar(site_id)

    def authorize(self, roles: frozenset[str], site_id: str | None = None) -> None:
        """403 unless the caller has one of `roles` (and may see `site_id`)."""
        self.principal.authorize(roles, site_id)

    async def __call__(
        self,
        query: Callable[Concatenate[AsyncConnection, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        async with self._runtime.engine.connect() as conn:
            return await query(conn, *args, **kwargs)

    async def stream(self, stream_id: str) -> list[RecordedEvent]:
        """A stream's recorded events, oldest first (e.g. an audit history); 404 if none."""
        async with self._runtime.engine.connect() as conn:
            history = await self._runtime.store.read_stream(conn, stream_id)
        if not history:
            raise NotFoundError("stream", stream_id)
        return history

    async def load(self, aggregate: Aggregate[S, Any], stream_id: str) -> Loaded[S]:
        """An aggregate's state folded from its stream now (read-your-writes); 404 if none.

        The caller still authorizes by the state's site.
        """
        history = await self.stream(stream_id)
        events = [self._bus.catalog.decode(r) for r in history]
        return Loaded(aggregate.fold(events), history[-1].version)


# Async factories: FastAPI runs a plain callable (a class too) in a worker thread.
async def _commands(request: Request, principal: CurrentPrincipal) -> _Commands:
    return _Commands(request, principal)


async def _reads(request: Request, principal: CurrentPrincipal) -> _Reads:
    return _Reads(request, principal)


Commands = Annotated[_Commands, Depends(_commands)]
Reads = Annotated[_Reads, Depends(_reads)]
