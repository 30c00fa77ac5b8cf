"""A batch of messages: one transaction when nothing fails, order kept when something does."""

import contextlib
from collections.abc import AsyncIterator
from uuid import uuid4

import pytest
import sqlalchemy as sa
from opsledger.clock import SystemClock
from opsledger.consumers import InboxConsumer, IncomingMessage, Outcome, Subscription
from opsledger.db import inbox
from opsledger.kafka import KafkaConnector
from opsledger.metrics import Metrics
from opsledger.runtime import CommandContext, Runtime, Tx
from opsledger_contracts import DecodedEvent
from opsledger_contracts.events.callcenter import DiagnosticPingSent
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.kernel.messages import ping_message

TOPIC = "opsledger.callcenter.events"


def ping(number: int, event_id: str | None = None) -> IncomingMessage:
    key, value, headers = ping_message(f"p-{number}", event_id)
    return IncomingMessage(TOPIC, 0, number, key, value, tuple(headers))


class Counting(Runtime):
    """A runtime that counts the transactions it opens."""

    transactions = 0

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        self.transactions += 1
        async with super().transaction() as tx:
            yield tx


class World:
    def __init__(self, engine: AsyncEngine, fail_once: frozenset[str] = frozenset()) -> None:
        self.runtime = Counting("dispatch", engine, SystemClock(), Metrics("dispatch"))
        self.failed: set[str] = set()

        async def handler(tx: Tx, message: DecodedEvent) -> None:
            payload = message.payload
            assert isinstance(payload, DiagnosticPingSent)
            ctx = CommandContext.system("test", "site-a", str(message.envelope.event_id))
            # Written before a failure, so a rollback of that write is visible.
            await tx.append(f"receipt-{payload.ping_id}", "Receipt", None, [ctx.event(payload)])
            if payload.ping_id in fail_once and payload.ping_id not in self.failed:
                self.failed.add(payload.ping_id)
                raise RuntimeError(f"{payload.ping_id} fails once")

        # The connector is never used on these paths: an unreachable address proves it.
        kafka = KafkaConnector("127.0.0.1:1", "unused")
        sub = Subscription("pings", TOPIC, handler)
        self.consumer = InboxConsumer(self.runtime, kafka, sub, 3, backoff_seconds=0.0)

    async def effects(self) -> list[str]:
        """The pings whose receipt committed, in the order they were written."""
        async with self.runtime.engine.connect() as conn:
            rows = await conn.execute(sa.text("SELECT stream_id FROM events ORDER BY position"))
            return [r[0].removeprefix("receipt-") for r in rows]

    async def inbox_rows(self) -> int:
        async with self.runtime.engine.connect() as conn:
            query = sa.select(sa.func.count()).select_from(inbox)
            return int((await conn.execute(query)).scalar_one())


async def test_a_batch_without_failures_is_applied_in_order_in_one_transaction(
    engine: AsyncEngine,
) -> None:
    world = World(engine)
    outcomes = await world.consumer.handle_batch([ping(n) for n in range(40)])
    assert outcomes == [Outcome.HANDLED] * 40
    assert await world.effects() == [f"p-{n}" for n in range(40)]
    assert world.runtime.transactions == 1
    assert await world.inbox_rows() == 40


async def test_a_failing_message_is_retried_and_the_order_is_kept(
    engine: AsyncEngine,
) -> None:
    world = World(engine, fail_once=frozenset({"p-3"}))
    outcomes = await world.consumer.handle_batch([ping(n) for n in range(8)])
    assert outcomes == [Outcome.HANDLED] * 8
    assert await world.effects() == [f"p-{n}" for n in range(8)]  # p-3 after p-2
    # All 8 (rolled back at p-3), p-0..2 again, then p-3..7 (p-3's second try). A
    # message that failed again at the head of a run would be tried alone (test_dlq).
    assert world.runtime.transactions == 3
    assert await world.inbox_rows() == 8
    async with engine.connect() as conn:
        receipts = await conn.execute(
            sa.text("SELECT count(*) FROM events WHERE stream_id = 'receipt-p-3'")
        )
        assert receipts.scalar_one() == 1  # the failed attempt's append was rolled back


async def test_the_same_event_twice_in_a_batch_or_again_later_has_one_effect(
    engine: AsyncEngine,
) -> None:
    world = World(engine)
    event_id = str(uuid4())
    first = await world.consumer.handle_batch([ping(1, event_id), ping(2), ping(1, event_id)])
    assert first == [Outcome.HANDLED, Outcome.HANDLED, Outcome.DUPLICATE]
    again = await world.consumer.handle_batch([ping(1, event_id), ping(3)])
    assert again == [Outcome.DUPLICATE, Outcome.HANDLED]
    assert await world.effects() == ["p-1", "p-2", "p-3"]


async def test_an_infrastructure_failure_fails_the_batch_and_keeps_nothing_of_it(
    engine: AsyncEngine,
) -> None:
    world = World(engine)

    async def unreachable(tx: Tx, message: DecodedEvent) -> None:
        payload = message.payload
        assert isinstance(payload, DiagnosticPingSent)
        ctx = CommandContext.system("test", "site-a", str(message.envelope.event_id))
        await tx.append(f"receipt-{payload.ping_id}", "Receipt", None, [ctx.event(payload)])
        if payload.ping_id == "p-2":
            raise OSError("connection refused")  # our own database or network

    object.__setattr__(world.consumer.subscription, "handler", unreachable)
    with pytest.raises(OSError, match="connection refused"):
        await world.consumer.handle_batch([ping(n) for n in range(4)])
    assert await world.inbox_rows() == 0  # redelivered as a whole; nothing half-applied
    assert await world.effects() == []


async def test_outcomes_come_back_in_the_messages_order(engine: AsyncEngine) -> None:
    world = World(engine)
    object.__setattr__(
        world.consumer.subscription, "event_types", frozenset({"DiagnosticPingSent"})
    )
    key, value, headers = ping_message("other")
    # A type this consumer does not take: skipped at decoding, before the run.
    other = [
        (k, b"opsledger.callcenter.SomethingElseHappened" if k == "ce_type" else v)
        for k, v in headers
    ]
    skipped = IncomingMessage(TOPIC, 0, 99, key, value, tuple(other))
    outcomes = await world.consumer.handle_batch([ping(0), skipped, ping(1)])
    assert outcomes == [Outcome.HANDLED, Outcome.IGNORED, Outcome.HANDLED]
    assert await world.effects() == ["p-0", "p-1"]
