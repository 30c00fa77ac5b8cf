"""Registry reads: the reader's clearance from their own person stream, and every read —
allowed, refused or not found — recorded as a `RegistryRead` event (SR-13, SR-20).

`RegistryReads(roles=...)` is the registry's read dependency, as the kernel's
`Reads(roles=...)` is for other services; unlike it, a refused role or site is recorded
before the 403 is raised, so an attempt leaves a trace too.
"""

from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, TypeVar
from uuid import uuid4

from fastapi import Depends, Request
from opsledger.auth import CurrentPrincipal, ForbiddenError, Principal
from opsledger.decider import Aggregate
from opsledger.errors import NotFoundError
from opsledger.pipeline import ANY_STAFF, CommandBus, Origin
from opsledger.routes import Reader
from sqlalchemy.ext.asyncio import AsyncConnection

from secrets_registry.domain.audit import RecordRegistryRead
from secrets_registry.domain.clearance import Clearance
from secrets_registry.domain.personnel import PERSON, person_stream

T = TypeVar("T")
S = TypeVar("S")
P = ParamSpec("P")


class RegistryReader:
    """One read of the registry by one person: authorize, learn their clearance, record."""

    def __init__(self, request: Request, principal: Principal, roles: frozenset[str]) -> None:
        self.principal = principal
        self._roles = roles
        self._reader = Reader(request, principal, ANY_STAFF)  # the role is checked in `open`
        self._bus: CommandBus = request.app.state.bus
        self._correlation = getattr(request.state, "correlation_id", None) or str(uuid4())
        self.route = getattr(request.scope.get("route"), "path", request.url.path)

    @property
    def now(self) -> Any:
        return self._reader.now

    def local_date(self, site_id: str) -> Any:
        return self._reader.site(site_id).local_date(self.now)

    async def open(self, site_id: str, target: str) -> Clearance | None:
        """Check role and site (a refusal is recorded, then raised); the clearance."""
        try:
            if self._roles != ANY_STAFF:
                self.principal.authorize(self._roles)
            self.principal.authorize((), site_id)
        except ForbiddenError:
            await self.record(site_id, target, "forbidden")
            raise
        return await self.clearance(site_id)

    async def clearance(self, site_id: str) -> Clearance | None:
        """The reader's clearance, folded from their own person stream now (never a
        read model): none if they have no record at this site."""
        try:
            loaded = await self._reader.load(PERSON, person_stream(self.principal.staff_id))
        except NotFoundError:
            return None
        clearance = loaded.state.clearance()
        return clearance if clearance.site_id == site_id else None

    async def load(self, aggregate: Aggregate[S, Any], stream_id: str) -> S | None:
        """An aggregate's state folded from its stream now; None if there is none or it is
        of a site the reader may not see (the caller records the read as not found)."""
        try:
            return (await self._reader.load(aggregate, stream_id)).state
        except NotFoundError:
            return None

    async def record(
        self, site_id: str, target: str, result: str, carrier_id: str | None = None
    ) -> None:
        """The audit event of this read: who (the token's staff id), what, the result."""
        origin = Origin(actor=self.principal.staff_id, correlation_id=self._correlation)
        read = RecordRegistryRead(site_id, uuid4().hex, self.route, target, result, carrier_id)
        await self._bus.run(read, origin)

    async def __call__(
        self,
        query: Callable[Concatenate[AsyncConnection, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        return await self._reader(query, *args, **kwargs)

    async def one(self, site_id: str, target: str, what: str, found: T | None) -> T:
        """Record the read of one record; a missing (or unseen) one is a plain 404."""
        carrier = target if what == "Carrier" else None
        await self.record(site_id, target, "shown" if found else "not_found", carrier)
        if found is None:
            raise NotFoundError(what, target)
        return found

    async def many(
        self, site_id: str, target: str, rows: list[T], carrier_id: str | None = None
    ) -> list[T]:
        await self.record(site_id, target, f"listed:{len(rows)}", carrier_id)
        return rows


def RegistryReads(*, roles: frozenset[str]) -> Any:  # noqa: N802 - a dependency
    """`Annotated[RegistryReader, RegistryReads(roles=...)]`: who may read the route."""
    if not roles:
        raise ValueError("a read names its reader roles")
    allowed = frozenset(roles)

    async def reader(request: Request, principal: CurrentPrincipal) -> RegistryReader:
        return RegistryReader(request, principal, allowed)

    return Depends(reader)
