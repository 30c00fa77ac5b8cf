"""Helpers to run deciders in memory (pure tests) and to build dispatch messages."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Generic, TypeVar
from uuid import uuid4

from opsledger.eventstore import RecordedEvent
from opsledger.runtime import Decider
from opsledger_contracts import DecodedEvent, EventEnvelope, EventPayload

S = TypeVar("S")


def recorded(
    payload: EventPayload, version: int, at: datetime, stream_id: str = "s-1", site: str = "site-a"
) -> RecordedEvent:
    return RecordedEvent(
        position=version,
        event_id=uuid4(),
        stream_id=stream_id,
        stream_type=payload.stream_type or "Test",
        version=version,
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        stored_schema_version=payload.schema_version,
        site_id=site,
        actor="test",
        correlation_id="corr",
        causation_id=None,
        occurred_at=at,
        recorded_at=at,
        payload=payload.model_dump(mode="json"),
    )


class InMemory(Generic[S]):
    """A decider with its stream in memory: decide, then fold what it decided."""

    def __init__(self, decider: Decider[S, Any]) -> None:
        self.decider = decider
        self.state: S = decider.initial_state()
        self.events: list[EventPayload] = []

    def do(self, command: Any, now: datetime) -> Sequence[EventPayload]:
        decided = self.decider.decide(self.state, command, now)
        for payload in decided:
            self.events.append(payload)
            self.state = self.decider.evolve(self.state, recorded(payload, len(self.events), now))
        return decided


def dispatch_message(
    payload: EventPayload, occurred_at: datetime, version: int = 1, actor: str = "disp-07"
) -> DecodedEvent:
    """A dispatch event as the consumer hands it to a handler (decoded, validated)."""
    work_order_id = str(getattr(payload, "work_order_id", "WO-x"))
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        source="dispatch",
        site_id="site-a",
        stream_id=f"workorder-{work_order_id}",
        stream_type="WorkOrder",
        stream_version=version,
        occurred_at=occurred_at,
        correlation_id=str(uuid4()),
        causation_id=None,
        actor=actor,
    )
    return DecodedEvent(envelope=envelope, payload=payload)
