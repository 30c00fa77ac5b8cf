"""Decider tests as given events / when command / then events or a refusal.

    scenario = given(WORK_ORDER, issued(...), at=START)
    assert scenario.when(AcceptWorkOrder(wo_id), actor="eng-12", at=START) == [...]
    scenario.refuses(ArchiveWorkOrder(wo_id), "WO-6", actor="disp-07", at=LATER)

No storage records are built by hand: events are payloads plus the facts evolve reads.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import uuid4

from opsledger_contracts import EventPayload

from opsledger.calendar import SiteCalendar, SiteConfig, SiteDirectory
from opsledger.decider import Aggregate, DecisionContext, Event, Reaction
from opsledger.errors import DomainError

S = TypeVar("S")
C = TypeVar("C")


def site_calendar(site_id: str = "site-a", config: Mapping[str, Any] | None = None) -> SiteCalendar:
    """A site's calendar with the defaults, or with `config` (a `SiteConfig` as a dict)."""
    sites = {site_id: SiteConfig.model_validate(config)} if config is not None else {}
    return SiteDirectory(sites).calendar(site_id)


@dataclass
class Scenario(Generic[S, C]):
    """A stream's history, and what the aggregate decides next."""

    aggregate: Aggregate[S, C]
    site: SiteCalendar
    stream_id: str = "stream-under-test"
    history: list[Event] = field(default_factory=list)

    def given(
        self, *payloads: EventPayload, at: datetime, actor: str = "tester"
    ) -> "Scenario[S, C]":
        """More history: `payloads` recorded at `at` by `actor`."""
        for payload in payloads:
            self.history.append(
                Event(
                    payload=payload,
                    stream_id=self.stream_id,
                    version=len(self.history) + 1,
                    site_id=self.site.site_id,
                    actor=actor,
                    occurred_at=at,
                    event_id=uuid4(),
                )
            )
        return self

    @property
    def state(self) -> S:
        return self.aggregate.fold(self.history)

    def when(
        self, command: C, *, at: datetime, actor: str = "tester", roles: Iterable[str] = ()
    ) -> list[EventPayload]:
        """The events decided for `command` (raises the refusal's DomainError)."""
        context = DecisionContext(now=at, actor=actor, site=self.site, roles=frozenset(roles))
        return list(self.aggregate.decide(self.state, command, context))

    def record(
        self, command: C, *, at: datetime, actor: str = "tester", roles: Iterable[str] = ()
    ) -> "Scenario[S, C]":
        """Decide `command` and record what it decided, to go on from there."""
        decided = self.when(command, at=at, actor=actor, roles=roles)
        return self.given(*decided, at=at, actor=actor)

    def refuses(
        self,
        command: C,
        rule: str,
        *,
        at: datetime,
        actor: str = "tester",
        roles: Iterable[str] = (),
    ) -> DomainError:
        """Assert `command` is refused under `rule`; returns the error to inspect further."""
        try:
            decided = self.when(command, at=at, actor=actor, roles=roles)
        except DomainError as exc:
            if exc.code != rule:
                raise AssertionError(
                    f"refused under {exc.code} ({exc.message}), not {rule}"
                ) from exc
            return exc
        raise AssertionError(f"{type(command).__name__} was not refused; it decided {decided}")

    def reactions(self) -> Sequence[Reaction]:
        """The timers the aggregate asks for after the whole history."""
        return self.aggregate.reactions(self.state, self.history)


def given(
    aggregate: Aggregate[S, C],
    *payloads: EventPayload,
    at: datetime,
    actor: str = "tester",
    site: SiteCalendar | None = None,
    stream_id: str = "stream-under-test",
) -> Scenario[S, C]:
    """A scenario starting from `payloads` (none: a new stream)."""
    scenario: Scenario[S, C] = Scenario(aggregate, site or site_calendar(), stream_id)
    return scenario.given(*payloads, at=at, actor=actor)
