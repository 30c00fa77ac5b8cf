"""Outbox relay and inbox consumers against the real Kafka broker."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from uuid import uuid4

import pytest
import sqlalchemy as sa
from aiokafka import TopicPartition
from opsledger.clock import SystemClock
from opsledger.consumers import (
    InboxConsumer,
    IncomingMessage,
    LagMonitor,
    Outcome,
    Subscription,
    subscribe,
)
from opsledger.db import events, inbox
from opsledger.errors import DomainError
from opsledger.metrics import Metrics
from opsledger.relay import OutboxRelay
from opsledger.runtime import CommandContext, Runtime, Tx
from opsledger_contracts import DecodedEvent, EventEnvelope, dlq_topic
from opsledger_contracts.events.callcenter import DiagnosticPingSent
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kafka_clients import kafka_broker, kafka_connector, kafka_consumer, kafka_security
from tests.kernel.messages import ping_message

pytestmark = pytest.mark.kafka


async def _read_topic(
    bootstrap: str, topic: str, start: dict[int, int], expect: int
) -> list[object]:
    consumer = kafka_consumer(bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        parts = [
            TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])
        ]
        if not parts:
            await consumer._client.force_metadata_update()
            parts = [
                TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or [])
            ]
        consumer.assign(parts)
        for tp in parts:
            consumer.seek(tp, start.get(tp.partition, 0))
        records: list[object] = []
        deadline = asyncio.get_running_loop().time() + 30
        while len(records) < expect and asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for recs in batch.values():
                records.extend(recs)
        return records
    finally:
        await consumer.stop()


async def _end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = kafka_consumer(bootstrap)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        return {tp.partition: off for tp, off in (await consumer.end_offsets(parts)).items()}
    finally:
        await consumer.stop()


@pytest.fixture
async def runtime(engine: AsyncEngine) -> Runtime:
    return Runtime("callcenter", engine, SystemClock(), Metrics("callcenter"))


async def test_relay_publishes_in_order_with_cloudevents_headers_and_key(
    runtime: Runtime, kafka_bootstrap: str
) -> None:
    kafka = kafka_connector(kafka_bootstrap, "test-relay")
    relay = OutboxRelay(runtime, kafka, batch_size=4)
    await kafka.ensure_topics([relay.topic])
    before = await _end_offsets(kafka_bootstrap, relay.topic)
    stream = f"ping-{uuid4().hex[:8]}"
    ctx = CommandContext("staff-1", "site-a", "corr-9")
    async with runtime.transaction() as tx:
        await tx.append(
            stream,
            "DiagnosticPing",
            0,
            [ctx.event(DiagnosticPingSent(ping_id=f"p{i}", message="m")) for i in range(10)],
        )
    assert (await relay.measure_backlog())[0] == 10
    published = 0
    while n := await relay.publish_batch():
        published += n
    assert published == 10
    assert await relay.measure_backlog() == (0, 0.0)
    records = await _read_topic(kafka_bootstrap, relay.topic, before, 10)
    mine = [r for r in records if r.key == stream.encode()]  # type: ignore[attr-defined]
    assert [EventEnvelope.from_kafka_headers(r.headers).stream_version for r in mine] == list(  # type: ignore[attr-defined]
        range(1, 11)
    )
    headers = dict(mine[0].headers)  # type: ignore[attr-defined]
    assert headers["ce_type"] == b"opsledger.callcenter.DiagnosticPingSent"
    assert headers["ce_siteid"] == b"site-a" and headers["ce_correlationid"] == b"corr-9"
    assert headers["content-type"] == b"application/json"
    await relay.resign()
    await kafka.close()


async def test_relay_never_produces_private_events_but_moves_past_them(
    runtime: Runtime, kafka_bootstrap: str
) -> None:
    from tests.kernel.payloads import CounterIncremented

    kafka = kafka_connector(kafka_bootstrap, "test-relay-private")
    relay = OutboxRelay(
        runtime,
        kafka,
        topic_prefix=f"private{uuid4().hex[:6]}.",
        private_event_types=frozenset({"CounterIncremented"}),
    )
    await kafka.ensure_topics([relay.topic])
    ctx = CommandContext("staff-1", "site-a", "corr")
    async with runtime.transaction() as tx:
        await tx.append("customer-1", "Customer", 0, [ctx.event(CounterIncremented(by=1))])
        await tx.append(
            "ping-1", "DiagnosticPing", 0, [ctx.event(DiagnosticPingSent(ping_id="p", message="m"))]
        )
    assert await relay.publish_batch() == 2  # both passed, one produced
    assert await relay.measure_backlog() == (0, 0.0)
    assert sum((await _end_offsets(kafka_bootstrap, relay.topic)).values()) == 1
    (record,) = await _read_topic(kafka_bootstrap, relay.topic, {}, 1)
    assert dict(record.headers)["ce_type"] == b"opsledger.callcenter.DiagnosticPingSent"  # type: ignore[attr-defined]
    await relay.resign()
    await kafka.close()


async def test_only_one_relay_per_database_publishes_and_another_takes_over(
    runtime: Runtime, kafka_bootstrap: str
) -> None:
    kafka = kafka_connector(kafka_bootstrap, "test-relay-leader")
    prefix = f"leader{uuid4().hex[:6]}."
    first, second = (OutboxRelay(runtime, kafka, topic_prefix=prefix) for _ in range(2))
    await kafka.ensure_topics([first.topic])
    ctx = CommandContext("staff-1", "site-a", "corr")
    async with runtime.transaction() as tx:
        await tx.append(
            "ping-9", "DiagnosticPing", 0, [ctx.event(DiagnosticPingSent(ping_id="p", message="m"))]
        )
    try:
        if runtime.engine.dialect.name != "postgresql":
            # SQLite runs one process per database: every relay may lead.
            assert await first.is_leader() and await second.is_leader()
            return
        assert await first.is_leader()
        assert await second.publish_batch() == 0  # not the leader: publishes nothing
        assert await first.publish_batch() == 1
        async with runtime.transaction() as tx:
            await tx.append(
                "ping-9",
                "DiagnosticPing",
                1,
                [ctx.event(DiagnosticPingSent(ping_id="q", message="m"))],
            )
        await first.resign()  # e.g. the leader's process stopped
        assert await second.publish_batch() == 1
        assert sum((await _end_offsets(kafka_bootstrap, first.topic)).values()) == 2
    finally:
        await first.resign()
        await second.resign()
        await kafka.close()


async def test_lag_is_what_the_group_has_not_committed_yet(
    runtime: Runtime, harness_factory: object, kafka_bootstrap: str
) -> None:
    h: ConsumerHarness = await harness_factory(record_ping)  # type: ignore[operator]
    monitor = LagMonitor(kafka_bootstrap, kafka_security())
    group = h.consumer.subscription.group_id("callcenter")
    try:
        assert await monitor.measure("opsledger.nobody", [h.topic]) == {h.topic: 0}
        await h.broker.stop()  # nobody consumes: what we produce is lag
        await h.produce([ping_message(ping_id=f"lag-{i}") for i in range(3)])
        assert await monitor.measure(group, [h.topic]) == {h.topic: 3}
        assert await monitor.measure(group, [h.topic]) == {h.topic: 3}  # reused clients
    finally:
        await monitor.close()


class ConsumerHarness:
    """A real FastStream broker subscribed to a fresh topic, feeding an InboxConsumer."""

    def __init__(self, runtime: Runtime, bootstrap: str, handler: object) -> None:
        self.topic = f"test.pings.{uuid4().hex[:8]}"
        self.kafka = kafka_connector(bootstrap, "test-consumer")
        self.outcomes: list[Outcome] = []
        sub = Subscription(name="pings", topic=self.topic, handler=handler)  # type: ignore[arg-type]
        self.consumer = InboxConsumer(
            runtime, self.kafka, sub, max_attempts=3, backoff_seconds=0.01
        )
        original = self.consumer.handle_batch

        async def recording(messages: Sequence[IncomingMessage]) -> list[Outcome]:
            outcomes = await original(messages)
            self.outcomes.extend(outcomes)
            return outcomes

        self.consumer.handle_batch = recording  # type: ignore[method-assign]
        self.broker = kafka_broker(bootstrap)
        subscribe(self.broker, self.consumer, "callcenter")

    async def produce(self, messages: list[tuple[bytes, bytes, list[tuple[str, bytes]]]]) -> None:
        producer = await self.kafka.producer()
        for key, value, headers in messages:
            await producer.send_and_wait(self.topic, key=key, value=value, headers=headers)

    async def wait_for(self, count: int) -> None:
        for _ in range(300):
            if len(self.outcomes) >= count:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"only {len(self.outcomes)} of {count} messages handled")


@pytest.fixture
async def harness_factory(runtime: Runtime, kafka_bootstrap: str) -> AsyncIterator[object]:
    made: list[ConsumerHarness] = []

    async def make(handler: object) -> ConsumerHarness:
        h = ConsumerHarness(runtime, kafka_bootstrap, handler)
        await h.kafka.ensure_topics([h.topic, dlq_topic(h.topic)], partitions=1)
        await h.broker.start()
        made.append(h)
        return h

    yield make
    for h in made:
        await h.broker.stop()
        await h.kafka.close()


async def record_ping(tx: Tx, message: DecodedEvent) -> None:
    ctx = CommandContext.system("test", message.envelope.site_id, str(message.envelope.event_id))
    payload = message.payload
    assert isinstance(payload, DiagnosticPingSent)
    await tx.append(f"receipt-{payload.ping_id}", "Receipt", None, [ctx.event(payload)])


async def _count(engine: AsyncEngine, table: sa.Table) -> int:
    async with engine.connect() as conn:
        return int(
            (await conn.execute(sa.select(sa.func.count()).select_from(table))).scalar() or 0
        )


async def test_duplicate_delivery_has_one_effect(runtime: Runtime, harness_factory: object) -> None:
    h: ConsumerHarness = await harness_factory(record_ping)  # type: ignore[operator]
    event_id = str(uuid4())
    message = ping_message(event_id=event_id)
    await h.produce([message, message, message])
    await h.wait_for(3)
    assert sorted(h.outcomes) == sorted([Outcome.HANDLED, Outcome.DUPLICATE, Outcome.DUPLICATE])
    assert await _count(runtime.engine, events) == 1
    assert await _count(runtime.engine, inbox) == 1


async def test_poison_message_goes_to_dlq_with_its_error_and_the_next_is_handled(
    runtime: Runtime, harness_factory: object, kafka_bootstrap: str
) -> None:
    async def refuse_p_bad(tx: Tx, message: DecodedEvent) -> None:
        payload = message.payload
        assert isinstance(payload, DiagnosticPingSent)
        if payload.ping_id == "bad":
            raise DomainError("TEST-1", "this ping can never be handled")
        await record_ping(tx, message)

    h: ConsumerHarness = await harness_factory(refuse_p_bad)  # type: ignore[operator]
    not_a_contract = (b"k", b"{}", [("ce_id", b"x")])
    await h.produce([ping_message(ping_id="bad"), not_a_contract, ping_message(ping_id="good")])
    await h.wait_for(3)
    assert h.outcomes == [Outcome.DEAD_LETTERED, Outcome.DEAD_LETTERED, Outcome.HANDLED]
    assert await _count(runtime.engine, events) == 1  # only the good one had an effect

    dead = await _read_topic(kafka_bootstrap, dlq_topic(h.topic), {}, 2)
    assert len(dead) == 2
    # One batch or several: the contract breaker is dead-lettered as it is decoded, the
    # refused ping after its retries, so the topic's order is not the messages' order.
    first, second = sorted(
        (dict(r.headers) for r in dead),  # type: ignore[attr-defined]
        key=lambda headers: b"TEST-1" not in headers["dlq_error"],
    )
    assert b"TEST-1" in first["dlq_error"] and first["dlq_attempts"] == b"3"
    assert first["dlq_original_topic"] == h.topic.encode()
    assert b"ce_specversion" in second["dlq_error"] or b"header" in second["dlq_error"]
    assert (
        runtime.metrics.consumer_dead_lettered.labels(consumer="callcenter.pings")._value.get() == 2
    )


async def test_offset_is_not_committed_when_our_database_fails_so_the_message_returns(
    runtime: Runtime, harness_factory: object
) -> None:
    failures = 0

    async def database_down_once(tx: Tx, message: DecodedEvent) -> None:
        nonlocal failures
        if failures == 0:
            failures += 1
            raise sa.exc.OperationalError("SELECT 1", {}, ConnectionError("database is down"))
        await record_ping(tx, message)

    h: ConsumerHarness = await harness_factory(database_down_once)  # type: ignore[operator]
    await h.produce([ping_message(ping_id="retry-me")])
    for _ in range(300):
        if await _count(runtime.engine, events) == 1:
            break
        await asyncio.sleep(0.1)
    assert failures == 1
    assert await _count(runtime.engine, events) == 1
    assert Outcome.DEAD_LETTERED not in h.outcomes
