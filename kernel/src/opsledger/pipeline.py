"""The command pipeline: one way to run a command, from HTTP, a timer or another service.

`CommandBus.run(command, origin)` authorizes by role, checks the stream id
(`opsledger.streams`), opens one transaction, loads the stream once, checks that it is
this aggregate's, authorizes by the site it records, decides, appends with the version
read, applies the aggregate's reactions (timers) in the same transaction and returns the
new state with the recorded events. Commands whose work spans streams are `Workflow`s;
they get a `UnitOfWork` with the same building blocks.
"""

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC
from typing import Any, Generic, TypeVar

import structlog
from opsledger_contracts import DecodedEvent, EventEnvelope, EventPayload
from sqlalchemy.ext.asyncio import AsyncConnection

from opsledger.auth import ForbiddenError
from opsledger.calendar import SiteCalendar
from opsledger.catalog import EventCatalog, NumberAssigned
from opsledger.consumers import Subscription
from opsledger.db import lock_for_transaction
from opsledger.decider import (
    Aggregate,
    DecisionContext,
    DueTimer,
    Event,
    Schedule,
    no_reactions,
)
from opsledger.errors import AlreadyExistsError, DomainError, NotFoundError
from opsledger.eventstore import RecordedEvent
from opsledger.origin import ANY_STAFF, SYSTEM_ONLY, Origin, roles
from opsledger.runtime import CommandContext, Runtime, Tx
from opsledger.scheduler import TimerHandler
from opsledger.snapshots import Snapshotter
from opsledger.streams import NUMBERING, StreamPrefixes, recorded_site, visible

log = structlog.get_logger(__name__)

S = TypeVar("S")
C = TypeVar("C")
NUMBERING_STREAM_TYPE = NUMBERING


@dataclass(frozen=True)
class CommandResult(Generic[S]):
    """A command's outcome: the stream's state and version after it, and what was recorded.

    `position`: the global position of the last event its transaction recorded, on any
    stream (0: none), set by `CommandBus.run`; a read may ask to see at least it.
    """

    stream_id: str
    state: S
    version: int
    events: list[RecordedEvent]
    position: int = 0


@dataclass(frozen=True)
class Loaded(Generic[S]):
    state: S
    version: int


async def _reached(tx: Tx, work: Awaitable[CommandResult[S]]) -> CommandResult[S]:
    """`work`'s result with the position of the last event its transaction appended."""
    result = await work
    if not tx.appended:
        return result
    return replace(result, position=max(e.position for e in tx.appended))


class UnitOfWork:
    """One transaction of one command at one site: load, execute, number, read."""

    def __init__(self, bus: "CommandBus", tx: Tx, origin: Origin, site_id: str) -> None:
        self.bus = bus
        self.tx = tx
        self.origin = origin
        self.site_id = site_id
        self.now = tx.clock.now()

    @property
    def conn(self) -> AsyncConnection:
        """For read-model queries (a service's views) inside this transaction."""
        return self.tx.conn

    @property
    def site(self) -> SiteCalendar:
        return self.tx.sites.calendar(self.site_id)

    @property
    def ctx(self) -> CommandContext:
        return self.origin.context(self.site_id)

    async def load(self, aggregate: Aggregate[S, Any], stream_id: str) -> Loaded[S]:
        """The stream's state; another aggregate's or a hidden site's stream loads as missing."""
        stored = await self.bus.snapshots.load(self.tx, aggregate, stream_id)
        if stored.first and not visible(
            [stored.first], aggregate.stream_type, self.origin.may_access
        ):
            return Loaded(aggregate.initial, 0)
        return Loaded(stored.state, stored.version)

    async def execute(self, command: Any) -> CommandResult[Any]:
        """Run another command (of an aggregate or a workflow) in this transaction."""
        return await self.bus.execute_in(self.tx, command, self.origin)

    async def next_number(self, scope: str, assigned_to: str) -> int:
        """The next number of a gap-free sequence (`scope` names its stream).

        Taken in this transaction: a refusal or crash rolls the number back with
        everything else, so numbers are never skipped nor reused. Concurrent takers queue
        on an advisory lock (PostgreSQL); the versioned append stays the guarantee.
        """
        self.bus.prefixes.check_scope(scope)
        await lock_for_transaction(self.tx.conn, scope)
        version = await self.tx.store.current_version(self.tx.conn, scope)
        number = version + 1
        taken = NumberAssigned(number=number, assigned_to=assigned_to)
        event = self.ctx.event(taken, self.now)
        await self.tx.append(scope, NUMBERING_STREAM_TYPE, version, [event])
        return number


@dataclass(frozen=True, kw_only=True)
class Workflow(Generic[C]):
    """A command whose work spans several streams; `run` does it in one transaction.

    `attempts` > 1 re-runs it on an optimistic-concurrency conflict (only for work whose
    decision depends on nothing but the streams it reads, e.g. taking a number).
    `numbers`: the prefixes of the number scopes it takes (`uow.next_number`), so no
    aggregate's id can name a number stream.
    """

    command: type[C]
    roles: frozenset[str]
    site_of: Callable[[C], str]
    run: Callable[[UnitOfWork, C], Awaitable[CommandResult[Any]]]
    attempts: int = 1
    numbers: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Inbound:
    """Another service's events turned into our commands by a pure `policy`.

    `policy(payload, envelope)` returns one of our commands, or None to ignore the event.
    `name` is stable: it keys the inbox and the consumer group. The recorded actor is
    `system:<service>.<component>` (`component` defaults to `name`).
    """

    name: str
    topic: str
    events: tuple[type[EventPayload], ...]
    policy: Callable[[EventPayload, EventEnvelope], Any | None]
    component: str | None = None


class CommandBus:
    """Runs every command of one service through the pipeline."""

    def __init__(
        self,
        runtime: Runtime,
        catalog: EventCatalog,
        aggregates: Iterable[Aggregate[Any, Any]] = (),
        workflows: Iterable[Workflow[Any]] = (),
    ) -> None:
        self.runtime = runtime
        self.catalog = catalog
        self.snapshots = Snapshotter(catalog)
        self._aggregates: dict[type[Any], Aggregate[Any, Any]] = {}
        self._workflows: dict[type[Any], Workflow[Any]] = {}
        self._timer_kinds: dict[str, Aggregate[Any, Any]] = {}
        declared = list(aggregates)
        for aggregate in declared:
            for command in aggregate.commands:
                self._claim(command)
                self._aggregates[command] = aggregate
            for kind in aggregate.timers:
                if kind in self._timer_kinds:
                    raise ValueError(f"timer kind {kind!r} is declared twice")
                self._timer_kinds[kind] = aggregate
        for workflow in workflows:
            self._claim(workflow.command)
            self._workflows[workflow.command] = workflow
        types = [a.stream_type for a in declared]
        if NUMBERING in types or len(set(types)) < len(types):
            raise ValueError(f"stream types must be unique and not {NUMBERING!r}: {types}")
        # Checked at start-up: every stream id of this service has one declared owner.
        self.prefixes = StreamPrefixes.of(
            [(a.stream_type, a.stream_prefix) for a in declared],
            [n for w in self._workflows.values() for n in w.numbers],
        )

    def _claim(self, command: type[Any]) -> None:
        if command in self._aggregates or command in self._workflows:
            raise ValueError(f"{command.__name__} is handled twice")

    # -- entry points ----------------------------------------------------------------

    async def run(self, command: Any, origin: Origin) -> CommandResult[Any]:
        """Authorize, then run `command` in its own transaction."""
        workflow = self._workflows.get(type(command))
        if workflow is not None:
            site = workflow.site_of(command)
            origin.require_role(workflow.roles, type(command).__name__)
            if origin.principal is not None:
                origin.principal.authorize(workflow.roles - ANY_STAFF, site)
            return await self.runtime.retrying(
                lambda tx: _reached(tx, workflow.run(UnitOfWork(self, tx, origin, site), command)),
                attempts=workflow.attempts,
            )
        aggregate = self._aggregate_of(command)
        origin.require_role(aggregate.roles(type(command)), type(command).__name__)
        # Without reactions the only write is the append: no transaction around it.
        unit = self.runtime.one_append if aggregate.reactions is no_reactions else None
        # A deadlock victim is run again inside the kernel (a conflict stays a 409).
        return await self.runtime.retrying(
            lambda tx: _reached(tx, self._execute(tx, aggregate, command, origin)),
            attempts=1,
            unit=unit,
        )

    async def execute_in(self, tx: Tx, command: Any, origin: Origin) -> CommandResult[Any]:
        """Run `command` inside an open transaction (timers, inbound events, workflows)."""
        workflow = self._workflows.get(type(command))
        if workflow is not None:
            uow = UnitOfWork(self, tx, origin, workflow.site_of(command))
            return await workflow.run(uow, command)
        return await self._execute(tx, self._aggregate_of(command), command, origin)

    def timer_handlers(self) -> dict[str, TimerHandler]:
        """One handler per declared timer kind: the kind's command on the timer's stream."""
        return {kind: self._fire for kind in self._timer_kinds}

    def subscriptions(self, service: str, inbound: Sequence[Inbound]) -> list[Subscription]:
        return [self._subscription(service, item) for item in inbound]

    # -- the pipeline ------------------------------------------------------------------

    def _aggregate_of(self, command: Any) -> Aggregate[Any, Any]:
        try:
            return self._aggregates[type(command)]
        except KeyError:
            raise TypeError(f"no aggregate or workflow handles {type(command).__name__}") from None

    async def _execute(
        self, tx: Tx, aggregate: Aggregate[S, Any], command: Any, origin: Origin
    ) -> CommandResult[S]:
        stream = aggregate.stream_id(command)
        self.prefixes.check(aggregate.stream_prefix, stream, command)
        loaded = await self.snapshots.load(tx, aggregate, stream)
        creates = type(command) in aggregate.creates
        if loaded.first and not visible([loaded.first], aggregate.stream_type, origin.may_access):
            # Another aggregate's stream or another site's: answered as a missing one, or
            # to a command that starts a record as its own taken id; never naming a site.
            raise (AlreadyExistsError if creates else NotFoundError)(aggregate.stream_type, stream)
        state, version = loaded.state, loaded.version
        if version == 0 and not creates:
            raise NotFoundError(aggregate.stream_type, stream)
        # An existing stream acts for the site it records, whatever the command says.
        site = recorded_site([loaded.first]) if loaded.first else aggregate.site_of(state, command)
        if not origin.may_access(site):  # a new record at a site the caller named
            raise ForbiddenError(f"staff {origin.actor} may not act for site {site}")
        now = tx.clock.now()
        decision = DecisionContext(
            now=now, actor=origin.actor, site=tx.sites.calendar(site), roles=origin.roles
        )
        payloads = aggregate.decide(state, command, decision)
        self.catalog.check_appendable(payloads)  # publishing is an allow-list
        ctx = origin.context(site)
        recorded = await tx.append(
            stream, aggregate.stream_type, version, [ctx.event(p, now) for p in payloads]
        )
        new = [self._as_event(p, r) for p, r in zip(payloads, recorded, strict=True)]
        state = aggregate.fold(new, state)
        await self.snapshots.taken(tx, aggregate, stream, version, version + len(recorded), state)
        for reaction in aggregate.reactions(state, new):
            if isinstance(reaction, Schedule):
                await tx.schedule_timer(
                    timer_id=reaction.timer_id,
                    kind=reaction.kind,
                    stream_id=reaction.stream_id or stream,
                    site_id=site,
                    due_at=reaction.due_at.astimezone(UTC),  # stored as UTC instants
                    payload=reaction.payload,
                )
            else:
                await tx.cancel_timer(reaction.timer_id)
        return CommandResult(stream, state, version + len(recorded), recorded)

    @staticmethod
    def _as_event(payload: EventPayload, recorded: RecordedEvent) -> Event:
        return Event(
            payload=payload,
            stream_id=recorded.stream_id,
            version=recorded.version,
            site_id=recorded.site_id,
            actor=recorded.actor,
            occurred_at=recorded.occurred_at,
            event_id=recorded.event_id,
        )

    async def _fire(self, tx: Tx, timer: DueTimer) -> None:
        aggregate = self._timer_kinds[timer.kind]
        command = aggregate.timers[timer.kind](timer)
        component = aggregate.timer_actors.get(timer.kind, f"timer:{timer.kind}")
        origin = Origin.system(component, causation_id=timer.timer_id)
        # The stream before the timer row (the scheduler claims it after this handler),
        # the order every command takes: a timer and a command never deadlock.
        await tx.lock_stream(aggregate.stream_id(command))
        try:
            async with tx.conn.begin_nested():  # a refusal leaves nothing half-written
                await self._execute(tx, aggregate, command, origin)
        except DomainError as exc:
            # The facts moved on (e.g. the order was completed): nothing to do.
            log.info("timer_command_refused", kind=timer.kind, code=exc.code, reason=exc.message)

    def _subscription(self, service: str, inbound: Inbound) -> Subscription:
        component = f"{service}.{inbound.component or inbound.name}"

        async def handle(tx: Tx, message: DecodedEvent) -> None:
            command = inbound.policy(message.payload, message.envelope)
            if command is None:
                return
            origin = Origin.from_envelope(message.envelope, component)
            try:
                if type(command) in self._workflows:
                    # A workflow may refuse after writing: a refusal leaves nothing of it.
                    async with tx.conn.begin_nested():
                        await self.execute_in(tx, command, origin)
                else:
                    # One aggregate refuses in decide, before its only write: no savepoint
                    # (two round trips per message saved).
                    await self.execute_in(tx, command, origin)
            except DomainError as exc:
                # A business refusal is an outcome, not a poison message: no DLQ.
                log.warning(
                    "inbound_command_refused",
                    consumer=inbound.name,
                    event_id=str(message.envelope.event_id),
                    code=exc.code,
                    reason=exc.message,
                )

        return Subscription(
            name=inbound.name,
            topic=inbound.topic,
            handler=handle,
            event_types=frozenset(m.event_type for m in inbound.events),
        )


__all__ = [
    "ANY_STAFF",
    "SYSTEM_ONLY",
    "CommandBus",
    "CommandResult",
    "Inbound",
    "Loaded",
    "Origin",
    "UnitOfWork",
    "Workflow",
    "roles",
]
