"""Publishing is an allow-list: the relay produces only the service's own registered
contracts; anything else a decider returns must be declared private (`PrivateEvent`),
else the pipeline refuses to append it."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar
from uuid import uuid4

import pytest
from aiokafka import TopicPartition
from opsledger.catalog import EventCatalog, UndeclaredEventError
from opsledger.clock import ManualClock
from opsledger.decider import Aggregate, DecisionContext, Event, PrivateEvent
from opsledger.eventstore import EventStore
from opsledger.metrics import Metrics
from opsledger.pipeline import CommandBus, Origin, roles
from opsledger.relay import OutboxRelay
from opsledger.runtime import Runtime
from opsledger_contracts import EventEnvelope, EventPayload
from opsledger_contracts.events.callcenter import DiagnosticPingSent
from opsledger_contracts.events.dispatch import DiagnosticPingReceived
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kafka_clients import kafka_connector, kafka_consumer

START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


class PingNoted(PrivateEvent):
    """Test event: private bookkeeping of a ping (never published)."""

    event_type: ClassVar[str] = "PingNoted"
    service: ClassVar[str] = "callcenter"

    note: str


class PingStray(EventPayload):
    """Test event: neither a registered contract nor declared private."""

    event_type: ClassVar[str] = "PingStray"
    service: ClassVar[str] = "callcenter"


@dataclass(frozen=True)
class Emit:
    site_id: str
    stream: str
    payloads: tuple[EventPayload, ...]


def _decide(state: int, command: Emit, ctx: DecisionContext) -> Sequence[EventPayload]:
    return command.payloads


def _evolve(state: int, event: Event) -> int:
    return state + 1


EMITTER: Aggregate[int, Emit] = Aggregate(
    stream_type="DiagnosticPing",
    stream_prefix="ping-",
    initial=0,
    evolve=_evolve,
    stream_id=lambda c: c.stream,
    commands={Emit: (roles("agent"), _decide)},
    creates=frozenset({Emit}),
    site_of=lambda s, c: c.site_id,
)


def _bus(engine: AsyncEngine) -> CommandBus:
    runtime = Runtime("callcenter", engine, ManualClock(START), Metrics("callcenter"), EventStore())
    return CommandBus(runtime, EventCatalog([PingNoted], service="callcenter"), [EMITTER])


def _emit(*payloads: EventPayload) -> Emit:
    return Emit("site-a", f"ping-{uuid4().hex[:8]}", payloads)


SYSTEM = Origin.system("test")


async def test_an_undeclared_event_type_is_refused_at_append(engine: AsyncEngine) -> None:
    bus = _bus(engine)
    with pytest.raises(UndeclaredEventError, match=r"PingStray.*private_events"):
        await bus.run(_emit(PingStray()), SYSTEM)
    # another service's contract is not ours to publish either
    received = DiagnosticPingReceived(ping_id="p", message="m", sent_event_id="e", sent_at=START)
    with pytest.raises(UndeclaredEventError, match=r"DiagnosticPingReceived.*dispatch"):
        await bus.run(_emit(received), SYSTEM)
    # nothing of the refused batch was written, even next to an allowed event
    command = _emit(DiagnosticPingSent(ping_id="p", message="m"), PingStray())
    with pytest.raises(UndeclaredEventError):
        await bus.run(command, SYSTEM)
    async with bus.runtime.transaction() as tx:
        assert await tx.read_stream(command.stream) == []
    ok = await bus.run(
        _emit(DiagnosticPingSent(ping_id="p", message="m"), PingNoted(note="n")), SYSTEM
    )
    assert [r.event_type for r in ok.events] == ["DiagnosticPingSent", "PingNoted"]


def test_the_catalog_names_the_public_types_of_its_service_only() -> None:
    catalog = EventCatalog([PingNoted], service="callcenter")
    assert "DiagnosticPingSent" in catalog.public_event_types
    assert "DiagnosticPingReceived" not in catalog.public_event_types  # dispatch's
    assert "PingNoted" in catalog.private_event_types
    assert "PingNoted" not in catalog.public_event_types


async def _topic_records(bootstrap: str, topic: str) -> list[Any]:
    consumer = kafka_consumer(bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])
        ]
        consumer.assign(parts)
        ends = await consumer.end_offsets(parts)
        for tp in parts:
            consumer.seek(tp, 0)
        records: list[Any] = []
        deadline = asyncio.get_running_loop().time() + 30
        while asyncio.get_running_loop().time() < deadline:
            positions = [await consumer.position(tp) for tp in parts]
            if all(pos >= ends[tp] for pos, tp in zip(positions, parts, strict=True)):
                break
            for recs in (await consumer.getmany(timeout_ms=500)).values():
                records.extend(recs)
        return records
    finally:
        await consumer.stop()


@pytest.mark.kafka
async def test_a_private_event_never_reaches_kafka(
    engine: AsyncEngine, kafka_bootstrap: str
) -> None:
    bus = _bus(engine)
    stream = f"ping-{uuid4().hex[:8]}"
    await bus.run(Emit("site-a", stream, (PingNoted(note="secret"),)), SYSTEM)
    await bus.run(Emit("site-a", stream, (DiagnosticPingSent(ping_id="p", message="m"),)), SYSTEM)
    await bus.run(Emit("site-a", stream, (PingNoted(note="secret 2"),)), SYSTEM)
    kafka = kafka_connector(kafka_bootstrap, "test-allow-list")
    # No private_event_types handed over: the allow-list comes from the registry alone.
    relay = OutboxRelay(bus.runtime, kafka, topic_prefix=f"allow{uuid4().hex[:6]}.")
    await kafka.ensure_topics([relay.topic])
    try:
        assert await relay.publish_batch() == 3  # all three passed ...
        assert await relay.measure_backlog() == (0, 0.0)  # ... and the checkpoint moved on
        records = await _topic_records(kafka_bootstrap, relay.topic)
    finally:
        await relay.resign()
        await kafka.close()
    envelopes = [EventEnvelope.from_kafka_headers(r.headers) for r in records]
    assert [(e.event_type, e.stream_version) for e in envelopes] == [("DiagnosticPingSent", 2)]
    assert not any(b"secret" in r.value for r in records)
