"""Consumer decisions that need no broker: what is skipped before any effect."""

from datetime import UTC, datetime
from uuid import uuid4

from opsledger.clock import SystemClock
from opsledger.consumers import InboxConsumer, IncomingMessage, Outcome, Subscription
from opsledger.kafka import KafkaConnector
from opsledger.metrics import Metrics
from opsledger.runtime import Runtime, Tx
from opsledger_contracts import DecodedEvent, EventEnvelope
from sqlalchemy.ext.asyncio import AsyncEngine


async def test_an_event_type_we_do_not_consume_is_ignored_even_if_our_contracts_lack_it(
    engine: AsyncEngine,
) -> None:
    """A producer deployed with a newer event type must not push it into our DLQ."""
    calls: list[DecodedEvent] = []

    async def handler(tx: Tx, message: DecodedEvent) -> None:
        calls.append(message)

    runtime = Runtime("callcenter", engine, SystemClock(), Metrics("callcenter"))
    # The connector is never used on this path: an unreachable address proves it.
    kafka = KafkaConnector("127.0.0.1:1", "unused")
    subscription = Subscription(
        "work-orders", "opsledger.dispatch.events", handler, frozenset({"WorkOrderIssued"})
    )
    consumer = InboxConsumer(runtime, kafka, subscription)
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type="WorkOrderTeleported",  # not in our contracts (yet)
        schema_version=1,
        source="dispatch",
        site_id="site-a",
        stream_id="work-order-1",
        stream_type="WorkOrder",
        stream_version=3,
        occurred_at=datetime.now(UTC),
        correlation_id="c",
        actor="disp-7",
    )
    message = IncomingMessage(
        topic="opsledger.dispatch.events",
        partition=0,
        offset=7,
        key=b"work-order-1",
        value=b'{"whatever": true}',
        headers=tuple(envelope.to_kafka_headers()),
    )
    assert await consumer.handle(message) == Outcome.IGNORED
    assert calls == []
