"""Concurrency tier, Kafka side: dead letters and the producer under failures (real broker,
real PostgreSQL).

- A message that breaks its contract is dead-lettered once, even when a later failure of
  its batch (a real database failure) makes the broker redeliver the whole batch.
- An idempotent producer that can never deliver again (the broker answered
  OUT_OF_ORDER_SEQUENCE_NUMBER, or its sender task died) is replaced: the relay resumes
  from its checkpoint instead of failing every poll, and a consumer's dead-lettering
  recovers on the redelivery.
"""

from collections.abc import AsyncIterator, Sequence
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from aiokafka import AIOKafkaProducer, TopicPartition
from opsledger.clock import SystemClock
from opsledger.consumers import InboxConsumer, IncomingMessage, Outcome, Subscription
from opsledger.db import create_engine
from opsledger.dlq import list_dead_letters
from opsledger.eventstore import NewEvent
from opsledger.kafka import KafkaConnector
from opsledger.metrics import Metrics
from opsledger.migrate import upgrade
from opsledger.relay import OutboxRelay
from opsledger.runtime import CommandContext, Runtime, Tx
from opsledger_contracts import DecodedEvent, dlq_topic
from opsledger_contracts.events.callcenter import DiagnosticPingSent
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import KERNEL_ONLY, create_pg_database, drop_pg_database
from tests.kafka_clients import kafka_security
from tests.kernel.messages import ping_message

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


@pytest.fixture
async def pg_engine(postgres_admin_url: str) -> AsyncIterator[AsyncEngine]:
    url = await create_pg_database(postgres_admin_url)
    engine = create_engine(url)
    try:
        await upgrade(engine, KERNEL_ONLY)
        yield engine
    finally:
        await engine.dispose()
        await drop_pg_database(postgres_admin_url, url)


@pytest.fixture
async def kafka(kafka_bootstrap: str) -> AsyncIterator[KafkaConnector]:
    connector = KafkaConnector(kafka_bootstrap, "test-concurrency", kafka_security())
    try:
        yield connector
    finally:
        await connector.close()


async def _topic(kafka: KafkaConnector, name: str) -> str:
    await kafka.ensure_topics([name], partitions=1)
    return name


async def _ids_on(kafka: KafkaConnector, topic: str) -> list[str | None]:
    """The ce_id of every record now on `topic`, in offset order."""
    return [
        r.header("ce_id")
        for r in await list_dead_letters(
            kafka.bootstrap_servers, [topic], security=kafka_security()
        )
    ]


def _derail(producer: AIOKafkaProducer, topic: str) -> None:
    """Put the producer's sequence number for `topic` ahead of the broker's, as a batch
    lost in flight would: the real broker then answers OUT_OF_ORDER_SEQUENCE_NUMBER."""
    producer._txn_manager.increment_sequence_number(TopicPartition(topic, 0), 5)


def _kill_sender(producer: AIOKafkaProducer) -> None:
    """Make the producer's next delivery fail inside its sender task, which then ends."""

    async def broken(*_: object) -> None:
        raise RuntimeError("injected: the sender task fails")

    producer._sender._send_produce_req = broken


# -- a contract breaker is dead-lettered once ---------------------------------------------


async def test_a_contract_breaker_is_dead_lettered_once_when_its_batch_is_redelivered(
    pg_engine: AsyncEngine, kafka: KafkaConnector
) -> None:
    topic = await _topic(kafka, f"test.conc.{uuid4().hex[:8]}")
    dlq = await _topic(kafka, dlq_topic(topic))
    runtime = Runtime("dispatch", pg_engine, SystemClock(), Metrics("dispatch"))
    database_failed = False

    async def handler(tx: Tx, message: DecodedEvent) -> None:
        nonlocal database_failed
        payload = message.payload
        assert isinstance(payload, DiagnosticPingSent)
        ctx = CommandContext.system("test", "site-a", str(message.envelope.event_id))
        await tx.append(f"receipt-{payload.ping_id}", "Receipt", None, [ctx.event(payload)])
        if payload.ping_id == "p-2" and not database_failed:
            database_failed = True  # a real failure: the server ends our session
            await tx.conn.execute(sa.text("SELECT pg_terminate_backend(pg_backend_pid())"))

    consumer = InboxConsumer(runtime, kafka, Subscription("pings", topic, handler))
    breaker_id = uuid4()
    key, _, headers = ping_message("p-0", breaker_id)
    batch = [
        IncomingMessage(topic, 0, 0, key, b'{"ping_id": 0}', tuple(headers)),  # breaks it
        *(
            IncomingMessage(topic, 0, n, k, v, tuple(h))
            for n, (k, v, h) in ((n, ping_message(f"p-{n}")) for n in (1, 2))
        ),
    ]

    with pytest.raises(sa.exc.DBAPIError):
        await consumer.handle_batch(batch)  # nacked: the broker redelivers the batch
    assert database_failed
    assert await consumer.handle_batch(batch) == [
        Outcome.DEAD_LETTERED,
        Outcome.HANDLED,
        Outcome.HANDLED,
    ]
    assert await _ids_on(kafka, dlq) == [str(breaker_id)]


# -- a producer that can never deliver again is replaced -----------------------------------


async def _append(runtime: Runtime, count: int) -> list[UUID]:
    ids = []
    async with runtime.engine.begin() as conn:
        for _ in range(count):
            ping = DiagnosticPingSent(ping_id=uuid4().hex[:8], message="m")
            event = NewEvent(ping, "site-a", "staff-1", "corr")
            await runtime.store.append(conn, f"ping-{ping.ping_id}", "DiagnosticPing", 0, [event])
            ids.append(event.event_id)
    return ids


@pytest.mark.parametrize("break_it", [_derail, _kill_sender], ids=["out-of-order", "sender"])
async def test_the_relay_replaces_a_producer_that_can_never_deliver_again(
    pg_engine: AsyncEngine, kafka: KafkaConnector, break_it: object
) -> None:
    runtime = Runtime("callcenter", pg_engine, SystemClock(), Metrics("callcenter"))
    relay = OutboxRelay(runtime, kafka, topic_prefix=f"test{uuid4().hex[:8]}.")
    await _topic(kafka, relay.topic)
    try:
        first = await _append(runtime, 3)
        assert await relay.publish_batch() == 3
        producer = await kafka.producer()
        if break_it is _derail:
            _derail(producer, relay.topic)
        else:
            _kill_sender(producer)

        later = await _append(runtime, 2)
        with pytest.raises(Exception):  # noqa: B017, PT011  (whatever the producer says)
            await relay.publish_batch()
        # The next poll: a new producer, from the checkpoint; every poll after failed.
        assert await relay.publish_batch() == 2
        assert await kafka.producer() is not producer
        assert await _ids_on(kafka, relay.topic) == [str(i) for i in first + later]
    finally:
        await relay.resign()


async def test_dead_lettering_recovers_from_a_producer_that_can_never_deliver_again(
    pg_engine: AsyncEngine, kafka: KafkaConnector
) -> None:
    topic = await _topic(kafka, f"test.conc.{uuid4().hex[:8]}")
    dlq = await _topic(kafka, dlq_topic(topic))
    runtime = Runtime("dispatch", pg_engine, SystemClock(), Metrics("dispatch"))

    async def never(tx: Tx, message: DecodedEvent) -> None:
        raise AssertionError("a contract breaker never reaches the handler")

    consumer = InboxConsumer(runtime, kafka, Subscription("pings", topic, never))

    def breaker(offset: int) -> IncomingMessage:
        key, _, headers = ping_message(f"p-{offset}")
        return IncomingMessage(topic, 0, offset, key, b"{}", tuple(headers))

    letters: Sequence[IncomingMessage] = [breaker(0), breaker(1)]
    assert await consumer.handle_batch(letters[:1]) == [Outcome.DEAD_LETTERED]
    _derail(await kafka.producer(), dlq)
    with pytest.raises(Exception):  # noqa: B017, PT011  (OutOfOrderSequenceNumber)
        await consumer.handle_batch(letters[1:])
    assert await consumer.handle_batch(letters[1:]) == [Outcome.DEAD_LETTERED]  # redelivered
    assert len(await _ids_on(kafka, dlq)) == 2
