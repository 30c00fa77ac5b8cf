"""Dead letters against the real broker: list, show, and replay through the consumer path.

A consumer dead-letters a message its handler keeps refusing; another consumer of the same
topic handles it. Once the handler is fixed, `replay` sends it back: the first consumer
handles it exactly once, the second skips it as a duplicate (inbox dedupe intact), and a
second replay is refused.
"""

import asyncio
import os
import subprocess
from collections.abc import AsyncIterator, Sequence
from uuid import UUID, uuid4

import pytest
import sqlalchemy as sa
from opsledger.clock import SystemClock
from opsledger.consumers import InboxConsumer, IncomingMessage, Outcome, Subscription, subscribe
from opsledger.db import events, inbox
from opsledger.dlq import DeadLetterError, list_dead_letters, read_dead_letter, replay
from opsledger.errors import DomainError
from opsledger.metrics import Metrics
from opsledger.runtime import CommandContext, Runtime, Tx
from opsledger_contracts import DecodedEvent, dlq_topic
from opsledger_contracts.events.callcenter import DiagnosticPingSent
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import opsledger_cli
from tests.kafka_clients import kafka_broker, kafka_connector, kafka_security
from tests.kernel.messages import Message, ping_message

pytestmark = pytest.mark.kafka

SERVICE = "callcenter"
CONSUMERS = [f"{SERVICE}.pings", f"{SERVICE}.audit"]


def _ping(ping_id: str) -> tuple[UUID, Message]:
    event_id = uuid4()
    return event_id, ping_message(ping_id, event_id)


class Recording:
    """An InboxConsumer whose outcomes the test can wait for."""

    def __init__(self, consumer: InboxConsumer) -> None:
        self.consumer = consumer
        self.outcomes: list[Outcome] = []
        original = consumer.handle_batch

        async def recording(messages: Sequence[IncomingMessage]) -> list[Outcome]:
            outcomes = await original(messages)
            self.outcomes.extend(outcomes)
            return outcomes

        consumer.handle_batch = recording  # type: ignore[method-assign]

    async def wait_for(self, count: int) -> None:
        for _ in range(300):
            if len(self.outcomes) >= count:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.consumer.consumer_name}: {self.outcomes} after 30 s")


class World:
    def __init__(self, runtime: Runtime, bootstrap: str) -> None:
        self.runtime = runtime
        self.bootstrap = bootstrap
        self.topic = f"test.dlq.{uuid4().hex[:8]}"
        self.dlq = dlq_topic(self.topic)
        self.kafka = kafka_connector(bootstrap, "test-dlq")
        self.broken = True

        async def record(tx: Tx, message: DecodedEvent) -> None:
            payload = message.payload
            assert isinstance(payload, DiagnosticPingSent)
            if self.broken:
                raise DomainError("TEST-9", "the handler has a bug")
            ctx = CommandContext.system("test", "site-a", str(message.envelope.event_id))
            await tx.append(f"receipt-{payload.ping_id}", "Receipt", None, [ctx.event(payload)])

        async def audit(tx: Tx, message: DecodedEvent) -> None:
            return None  # its effect is the inbox row

        def consumer(name: str, handler: object) -> Recording:
            sub = Subscription(name=name, topic=self.topic, handler=handler)  # type: ignore[arg-type]
            return Recording(InboxConsumer(runtime, self.kafka, sub, 2, backoff_seconds=0.01))

        self.pings = consumer("pings", record)
        self.audit = consumer("audit", audit)
        self.broker = kafka_broker(bootstrap)
        for c in (self.pings, self.audit):
            subscribe(self.broker, c.consumer, SERVICE)

    async def produce(self, message: tuple[bytes, bytes, list[tuple[str, bytes]]]) -> None:
        key, value, headers = message
        producer = await self.kafka.producer()
        await producer.send_and_wait(self.topic, key=key, value=value, headers=headers)


@pytest.fixture
async def world(engine: AsyncEngine, kafka_bootstrap: str) -> AsyncIterator[World]:
    runtime = Runtime(SERVICE, engine, SystemClock(), Metrics(SERVICE))
    w = World(runtime, kafka_bootstrap)
    await w.kafka.ensure_topics([w.topic, w.dlq], partitions=1)
    await w.broker.start()
    try:
        yield w
    finally:
        await w.broker.stop()
        await w.kafka.close()


async def _count(engine: AsyncEngine, table: sa.Table) -> int:
    async with engine.connect() as conn:
        query = sa.select(sa.func.count()).select_from(table)
        return int((await conn.execute(query)).scalar() or 0)


async def test_a_dead_letter_is_listed_shown_and_replayed_once_through_the_consumer(
    world: World, engine: AsyncEngine
) -> None:
    event_id, message = _ping("p-bad")
    await world.produce(message)
    await world.pings.wait_for(1)
    await world.audit.wait_for(1)
    assert world.pings.outcomes == [Outcome.DEAD_LETTERED]
    assert world.audit.outcomes == [Outcome.HANDLED]

    letters = await list_dead_letters(
        world.bootstrap, [world.dlq, f"{world.dlq}.missing"], security=kafka_security()
    )
    assert len(letters) == 1
    letter = letters[0]
    assert (letter.topic, letter.partition) == (world.dlq, 0)
    assert letter.consumer == f"{SERVICE}.pings"
    assert letter.event_id == event_id
    assert "TEST-9" in letter.error
    assert letter.original_topic == world.topic
    assert letter.original_offset is not None
    assert [k for k, _ in letter.original_headers()] == [k for k, _ in message[2]]

    shown = await read_dead_letter(
        world.bootstrap, world.dlq, 0, letter.offset, security=kafka_security()
    )
    assert shown == letter
    described = shown.describe()
    assert described["value"] == {"ping_id": "p-bad", "message": "hi"}
    assert described["headers"]["ce_id"] == str(event_id)
    assert described["consumer"] == f"{SERVICE}.pings"

    world.broken = False  # the fix is deployed
    result = await replay(letter, world.bootstrap, engine, CONSUMERS, kafka_security())
    assert result.topic == world.topic
    assert result.inbox_rows_cleared == 1
    await world.pings.wait_for(2)
    await world.audit.wait_for(2)
    assert world.pings.outcomes == [Outcome.DEAD_LETTERED, Outcome.HANDLED]
    assert world.audit.outcomes == [Outcome.HANDLED, Outcome.DUPLICATE]
    assert await _count(engine, events) == 1  # one receipt: the effect happened once
    assert await _count(engine, inbox) == 2  # one row per consumer

    with pytest.raises(DeadLetterError, match="already handled"):
        await replay(letter, world.bootstrap, engine, CONSUMERS, kafka_security())
    assert (
        len(await list_dead_letters(world.bootstrap, [world.dlq], security=kafka_security())) == 1
    )  # kept for audit


async def test_a_dead_letter_of_another_service_is_not_replayed(
    world: World, engine: AsyncEngine
) -> None:
    _, message = _ping("p-other")
    await world.produce(message)
    await world.pings.wait_for(1)
    (letter,) = await list_dead_letters(world.bootstrap, [world.dlq], security=kafka_security())

    with pytest.raises(DeadLetterError, match="not by a consumer of this service"):
        await replay(letter, world.bootstrap, engine, ["dispatch.requests"], kafka_security())


async def test_reading_where_there_is_no_dead_letter_says_so(world: World) -> None:
    with pytest.raises(DeadLetterError, match="the partition is empty"):
        await read_dead_letter(world.bootstrap, world.dlq, 0, 0, security=kafka_security())
    with pytest.raises(DeadLetterError, match="has no partition 5"):
        await read_dead_letter(world.bootstrap, world.dlq, 5, 0, security=kafka_security())
    assert await list_dead_letters(world.bootstrap, [world.dlq], security=kafka_security()) == []


def _cli(*args: str, prefix: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS": os.environ.get(
            "OPSLEDGER_TEST_KAFKA", "127.0.0.1:9092"
        ),
        "OPSLEDGER_KAFKA_TOPIC_PREFIX": prefix,
    }
    return subprocess.run(
        [*opsledger_cli(), "dlq", *args], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_dlq_command_checks_its_arguments(kafka_bootstrap: str) -> None:
    prefix = f"test{uuid4().hex[:8]}."
    listed = _cli("list", "fleet", prefix=prefix)
    assert listed.returncode == 0, listed.stderr
    assert "fleet: 0 dead letter(s)" in listed.stderr

    wrong_topic = _cli("show", "fleet", "someone.elses.topic.dlq", "0", "0", prefix=prefix)
    assert wrong_topic.returncode == 1
    assert "is not a dead-letter topic of fleet" in wrong_topic.stderr

    negative = _cli("replay", "fleet", "t.dlq", "0", "-1", prefix=prefix)
    assert negative.returncode == 2
    assert "must be 0 or more" in negative.stderr

    unknown = _cli("list", "nosuchservice", prefix=prefix)
    assert unknown.returncode == 1
    assert "Traceback" not in unknown.stderr
