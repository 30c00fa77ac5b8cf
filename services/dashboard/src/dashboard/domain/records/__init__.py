"""A record of another service (a ticket, a work order, a vehicle...) as the facts the
dashboard consumed about it: one stream per source stream, `rec-<source>.<stream>`."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload

from dashboard.domain.records.events import PRIVATE_EVENTS, FactRecorded, FactValue

__all__ = [
    "PRIVATE_EVENTS",
    "RECORD",
    "Fact",
    "FactRecorded",
    "RecordFact",
    "RecordState",
    "record_stream",
]


@dataclass(frozen=True)
class RecordFact:
    """Keep a consumed event of another service (inbound, system only)."""

    site_id: str
    source: str
    source_stream: str
    fact: str
    source_event_id: str
    occurred_at: datetime
    data: dict[str, FactValue]


@dataclass(frozen=True)
class Fact:
    """One consumed event as the catalogue reads it."""

    fact: str
    occurred_at: datetime
    local_date: date
    data: dict[str, FactValue]

    def get(self, name: str) -> Any:
        return self.data.get(name)


@dataclass(frozen=True)
class RecordState:
    site_id: str = ""
    source: str = ""
    source_stream: str = ""
    facts: tuple[Fact, ...] = ()
    seen: frozenset[str] = frozenset()  # source event ids, so a redelivery adds nothing
    applied_at: datetime | None = None

    def of(self, *types: str) -> list[Fact]:
        """The facts of these event types, oldest first."""
        return [f for f in self.facts if f.fact in types]

    def first(self, *types: str) -> Fact | None:
        found = self.of(*types)
        return found[0] if found else None

    def last(self, *types: str) -> Fact | None:
        found = self.of(*types)
        return found[-1] if found else None


def record_stream(source: str, source_stream: str) -> str:
    return f"rec-{source}.{source_stream}"


def evolve(state: RecordState, event: Event) -> RecordState:
    payload = event.payload
    assert isinstance(payload, FactRecorded)
    fact = Fact(payload.fact, payload.occurred_at, payload.local_date, dict(payload.data))
    # Kept in the order things happened (Kafka orders one stream; this guards replays).
    facts = tuple(sorted((*state.facts, fact), key=lambda f: f.occurred_at))
    return changed(
        state,
        site_id=event.site_id,
        source=payload.source,
        source_stream=payload.source_stream,
        facts=facts,
        seen=state.seen | {payload.source_event_id},
        applied_at=payload.applied_at,
    )


def decide(state: RecordState, command: RecordFact, ctx: DecisionContext) -> list[EventPayload]:
    if command.source_event_id in state.seen:
        return []
    return [
        FactRecorded(
            source=command.source,
            source_stream=command.source_stream,
            fact=command.fact,
            source_event_id=command.source_event_id,
            occurred_at=command.occurred_at,
            local_date=ctx.site.local_date(command.occurred_at),
            applied_at=ctx.now,
            data=command.data,
        )
    ]


def _stream_id(command: RecordFact) -> str:
    return record_stream(command.source, command.source_stream)


RECORD: Aggregate[RecordState, RecordFact] = Aggregate(
    stream_type="Record",
    stream_prefix="rec-",
    initial=RecordState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={RecordFact: (SYSTEM_ONLY, decide)},
    creates=frozenset({RecordFact}),
)
"""Facts about one record of another service, as consumed: what every KPI row derives from."""
