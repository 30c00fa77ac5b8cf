"""Dead letters: list, inspect and replay the messages a service's consumers gave up on.

A consumer that cannot handle a message (bounded retries, or a contract violation) produces
it to `<topic>.dlq` with the original key, value and headers plus `dlq_*` headers (error,
consumer, original topic/partition/offset, attempts), and records `dead_lettered` in its
inbox so a redelivery is not dead-lettered twice. A contract breaker (no event to key an
inbox row on) is dead-lettered only after the rest of its batch committed, so a batch
that fails later is not the cause of a second copy. Dead-lettering is at-least-once all
the same: a crash between producing the dead letter and recording it (or committing the
offset) produces it again.

Replay goes through the normal consumer path: it removes that `dead_lettered` inbox row
(only that outcome: a handled event is never replayed) and re-produces the original key,
value and headers to the original topic. The consumer handles it like any message, in one
transaction with a fresh inbox row; every other consumer group on the topic has the event
in its inbox already and skips it as a duplicate.
"""

import asyncio
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from opsledger_contracts import dlq_topic
from sqlalchemy.ext.asyncio import AsyncEngine

from opsledger.db import inbox
from opsledger.kafka import KafkaSecurity
from opsledger.pipeline import Inbound
from opsledger.service import ServiceDefinition

DLQ_HEADER_PREFIX = "dlq_"
DEAD_LETTERED = "dead_lettered"  # the inbox outcome consumers record (consumers.Outcome)


class DeadLetterError(Exception):
    """A dead letter cannot be found, read or replayed; the message says why."""


@dataclass(frozen=True)
class DeadLetter:
    """One message on a dead-letter topic, with what the consumer recorded about it."""

    topic: str
    partition: int
    offset: int
    timestamp: datetime | None
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key == name:
                return value.decode(errors="replace")
        return None

    @property
    def ref(self) -> str:
        return f"{self.topic} {self.partition} {self.offset}"

    @property
    def error(self) -> str:
        return self.header("dlq_error") or ""

    @property
    def consumer(self) -> str:
        return self.header("dlq_consumer") or ""

    @property
    def original_topic(self) -> str:
        return self.header("dlq_original_topic") or self.topic.removesuffix(".dlq")

    @property
    def original_offset(self) -> int | None:
        value = self.header("dlq_original_offset")
        return int(value) if value and value.isdigit() else None

    @property
    def event_id(self) -> UUID | None:
        value = self.header("ce_id")
        try:
            return UUID(value) if value else None
        except ValueError:
            return None  # a contract violation may carry any ce_id

    @property
    def event_type(self) -> str:
        return self.header("ce_type") or "?"

    def original_headers(self) -> list[tuple[str, bytes]]:
        """The headers the producer sent (the consumer's `dlq_*` ones removed)."""
        return [(k, v) for k, v in self.headers if not k.startswith(DLQ_HEADER_PREFIX)]

    def describe(self) -> dict[str, Any]:
        """Everything about it, JSON-ready (value parsed when it is JSON)."""
        try:
            value: Any = json.loads(self.value)
        except ValueError:
            value = self.value.decode(errors="replace")
        return {
            "dead_letter": {
                "topic": self.topic,
                "partition": self.partition,
                "offset": self.offset,
            },
            "timestamp": self.timestamp.isoformat() if self.timestamp else None,
            "consumer": self.consumer,
            "error": self.error,
            "attempts": self.header("dlq_attempts"),
            "original": {
                "topic": self.original_topic,
                "partition": self.header("dlq_original_partition"),
                "offset": self.original_offset,
            },
            "key": self.key.decode(errors="replace") if self.key is not None else None,
            "headers": {k: v.decode(errors="replace") for k, v in self.original_headers()},
            "value": value,
        }


def _sources(definition: ServiceDefinition) -> list[Inbound]:
    """What consumes other services' topics: the inbound policies (stable name, topic)."""
    return list(definition.inbound())


def dead_letter_topics(definition: ServiceDefinition, topic_prefix: str = "") -> list[str]:
    """The dead-letter topics of a service: one per consumed topic."""
    topics = [dlq_topic(topic_prefix + s.topic) for s in _sources(definition)]
    return list(dict.fromkeys(topics))


def consumer_names(definition: ServiceDefinition) -> list[str]:
    """The consumer names the service records in its inbox and dead letters."""
    return [f"{definition.name}.{s.name}" for s in _sources(definition)]


def _record(record: Any) -> DeadLetter:
    stamp = record.timestamp
    return DeadLetter(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        timestamp=datetime.fromtimestamp(stamp / 1000, UTC) if stamp and stamp > 0 else None,
        key=record.key,
        value=record.value or b"",
        headers=tuple((k, bytes(v)) for k, v in (record.headers or ())),
    )


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    parts = consumer.partitions_for_topic(topic)
    if not parts:
        await consumer._client.force_metadata_update()
        parts = consumer.partitions_for_topic(topic)
    return [TopicPartition(topic, p) for p in sorted(parts or ())]


async def list_dead_letters(
    bootstrap_servers: str,
    topics: Iterable[str],
    timeout_seconds: float = 30.0,
    security: KafkaSecurity | None = None,
) -> list[DeadLetter]:
    """Every message now on `topics`, oldest first per partition (a missing topic: none).

    Reads up to the end offsets taken at the start, without a consumer group (nothing is
    committed, so listing never changes anything).
    """
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        **(security or KafkaSecurity()).client_options(),
    )
    await consumer.start()
    try:
        parts = [tp for topic in topics for tp in await _partitions(consumer, topic)]
        if not parts:
            return []
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        pending = {tp for tp in parts if ends[tp] > await consumer.position(tp)}
        letters: list[DeadLetter] = []
        async with asyncio.timeout(timeout_seconds):
            while pending:
                batch = await consumer.getmany(*pending, timeout_ms=500)
                for tp, records in batch.items():
                    letters.extend(_record(r) for r in records if r.offset < ends[tp])
                pending = {tp for tp in pending if await consumer.position(tp) < ends[tp]}
        return letters
    except TimeoutError:
        raise DeadLetterError(
            f"reading the dead-letter topics took longer than {timeout_seconds:.0f} s"
        ) from None
    finally:
        await consumer.stop()


async def read_dead_letter(
    bootstrap_servers: str,
    topic: str,
    partition: int,
    offset: int,
    timeout_seconds: float = 15.0,
    security: KafkaSecurity | None = None,
) -> DeadLetter:
    """The dead letter at `topic` `partition` `offset`; `DeadLetterError` if there is none."""
    if partition < 0 or offset < 0:
        raise DeadLetterError("partition and offset must be 0 or more")
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        **(security or KafkaSecurity()).client_options(),
    )
    await consumer.start()
    try:
        parts = await _partitions(consumer, topic)
        tp = TopicPartition(topic, partition)
        if tp not in parts:
            raise DeadLetterError(f"{topic} has no partition {partition} (it has {len(parts)})")
        consumer.assign([tp])
        start = (await consumer.beginning_offsets([tp]))[tp]
        end = (await consumer.end_offsets([tp]))[tp]
        if not start <= offset < end:
            raise DeadLetterError(
                f"no message at {topic} {partition} {offset} (offsets {start}..{end - 1} exist)"
                if end > start
                else f"no message at {topic} {partition} {offset} (the partition is empty)"
            )
        consumer.seek(tp, offset)
        async with asyncio.timeout(timeout_seconds):
            while True:
                records = (await consumer.getmany(tp, timeout_ms=500)).get(tp, [])
                for record in records:
                    if record.offset == offset:
                        return _record(record)
                    if record.offset > offset:  # compacted away
                        raise DeadLetterError(f"no message at {topic} {partition} {offset}")
    except TimeoutError:
        raise DeadLetterError(f"timed out reading {topic} {partition} {offset}") from None
    finally:
        await consumer.stop()


@dataclass(frozen=True)
class ReplayResult:
    topic: str
    partition: int
    offset: int
    inbox_rows_cleared: int


async def replay(
    letter: DeadLetter,
    bootstrap_servers: str,
    engine: AsyncEngine,
    consumers: Sequence[str],
    security: KafkaSecurity | None = None,
) -> ReplayResult:
    """Send a dead letter back through the normal consumer path (see the module docstring).

    `consumers`: the consumer names of the service; the letter must belong to one of them.
    Replay writes to another service's topic: on a broker with ACLs only an operator
    principal (admin) may, never the consuming service's own.
    """
    if letter.consumer not in consumers:
        raise DeadLetterError(
            f"{letter.ref} was dead-lettered by {letter.consumer or 'an unknown consumer'}, "
            f"not by a consumer of this service ({', '.join(consumers) or 'none'})"
        )
    cleared = 0
    if letter.event_id is not None:
        async with engine.begin() as conn:
            where = sa.and_(
                inbox.c.consumer == letter.consumer, inbox.c.event_id == letter.event_id
            )
            outcome = (await conn.execute(sa.select(inbox.c.outcome).where(where))).scalar()
            if outcome is not None and outcome != DEAD_LETTERED:
                raise DeadLetterError(
                    f"{letter.consumer} has already {outcome} event {letter.event_id}: "
                    "nothing to replay"
                )
            cleared = (
                await conn.execute(inbox.delete().where(where, inbox.c.outcome == DEAD_LETTERED))
            ).rowcount or 0
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        **(security or KafkaSecurity()).client_options(),
    )
    await producer.start()
    try:
        sent = await producer.send_and_wait(
            letter.original_topic,
            key=letter.key,
            value=letter.value,
            headers=letter.original_headers(),
        )
    finally:
        await producer.stop()
    return ReplayResult(letter.original_topic, sent.partition, sent.offset, cleared)
