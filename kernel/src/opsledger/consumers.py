"""Idempotent, at-least-once consumers of other services' topics, with a dead-letter topic.

Messages arrive in batches (whatever the broker has ready, up to `max_records`). Each
message is decoded against the published contract; then ONE transaction, in order:
check the inbox (consumer, event_id) for the whole batch, run each handler, record the
inbox rows. One commit, one WAL flush, for the whole batch: that is what lets a
consumer keep up with a busy producer. Only after it commits are the offsets committed
(FastStream AckPolicy.NACK_ON_ERROR; its default ACK_FIRST would be at-most-once).

A run is all or nothing, without savepoints (two round trips per message saved; a
failure is rare). When a handler fails, the run is rolled back, the messages before the
failing one are applied again and committed, and the failing one heads the next run; if
it fails there too it is tried alone a bounded number of times, then goes to
`<topic>.dlq` with the error, and the consumer carries on. Order is kept throughout.
When the failure is our own infrastructure (database unreachable), nothing is
dead-lettered: the batch is nacked and redelivered once we recover, and the inbox skips
what had already committed.
"""

import asyncio
import contextlib
import time
import traceback
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

import sqlalchemy as sa
import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from opsledger_contracts import (
    ContractError,
    DecodedEvent,
    EventEnvelope,
    decode_message,
    dlq_topic,
)

from opsledger.db import database_unavailable, inbox
from opsledger.kafka import KafkaConnector, KafkaSecurity, connection_options
from opsledger.runtime import Runtime, Tx

log = structlog.get_logger(__name__)

Handler = Callable[[Tx, DecodedEvent], Awaitable[None]]


@dataclass(frozen=True)
class Subscription:
    """A consumer of one topic. `name` is stable: it is the inbox key and group id suffix."""

    name: str
    topic: str
    handler: Handler
    event_types: frozenset[str] = field(default_factory=frozenset)  # empty: all

    def group_id(self, service: str, prefix: str = "") -> str:
        return f"{prefix}opsledger.{service}.{self.name}"


class Outcome(StrEnum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class IncomingMessage:
    """The parts of a Kafka record the consumer needs (independent of the client library)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]


def _is_infrastructure_failure(exc: BaseException) -> bool:
    # database_unavailable also knows a database starting up or shutting down (SQLSTATE
    # 57P03, 57P01), which arrives as a plain DBAPIError: never dead-letter for that.
    return database_unavailable(exc) or isinstance(exc, OSError)


class _HandlerFailedError(Exception):
    """The handler failed on the message at `index` of a run (not our infrastructure)."""

    def __init__(self, index: int) -> None:
        super().__init__(index)
        self.index = index


class InboxConsumer:
    def __init__(
        self,
        runtime: Runtime,
        kafka: KafkaConnector,
        subscription: Subscription,
        max_attempts: int = 3,
        backoff_seconds: float = 0.05,
    ) -> None:
        self._rt = runtime
        self._kafka = kafka
        self.subscription = subscription
        self._max_attempts = max_attempts
        self._backoff = backoff_seconds
        self.consumer_name = f"{runtime.service}.{subscription.name}"

    async def handle(self, message: IncomingMessage) -> Outcome:
        """One message on its own, with bounded retries and the dead-letter topic."""
        started = time.perf_counter()
        metrics, name = self._rt.metrics, self.consumer_name
        try:
            decoded = await self._decode(message)
            if isinstance(decoded, Outcome):
                return decoded
            return await self._handle(message, decoded)
        finally:
            metrics.consumer_seconds.labels(consumer=name).observe(time.perf_counter() - started)

    async def handle_batch(self, messages: Sequence[IncomingMessage]) -> list[Outcome]:
        """A batch in order, in as few transactions as its failures allow (one if none).
        Returns each message's outcome, in the messages' order."""
        outcomes: list[Outcome | None] = [None] * len(messages)
        pending: list[tuple[IncomingMessage, DecodedEvent]] = []
        where: list[int] = []  # pending[i] is messages[where[i]]
        for index, message in enumerate(messages):
            decoded = await self._decode(message)
            if isinstance(decoded, Outcome):
                outcomes[index] = decoded  # skipped or dead-lettered: no effect to order
            else:
                pending.append((message, decoded))
                where.append(index)
        done, limit = 0, len(pending)
        while done < len(pending):
            run = pending[done : done + limit]
            try:
                results = await self._apply_run(run)
            except _HandlerFailedError as failed:
                if failed.index > 0:
                    limit = failed.index  # commit what came before it, then try it again
                    continue
                started = time.perf_counter()
                results = [await self._handle(*run[0])]  # alone: retries, then the DLQ
                self._observe(time.perf_counter() - started)
            for result in results:
                outcomes[where[done]] = result
                done += 1
            limit = len(pending) - done
        return [outcome for outcome in outcomes if outcome is not None]

    async def _apply_run(
        self, pending: Sequence[tuple[IncomingMessage, DecodedEvent]]
    ) -> list[Outcome]:
        """Apply messages in order in one transaction, all or none (no savepoints: a
        failure is rare, and rolling back and re-running the ones before it is cheaper
        than two extra round trips per message). Raises _HandlerFailedError(index)."""
        outcomes: list[Outcome] = []
        handled: list[tuple[IncomingMessage, DecodedEvent]] = []
        metrics, name = self._rt.metrics, self.consumer_name
        async with self._rt.transaction() as tx:
            seen = await self._seen_ids(tx, [d.envelope.event_id for _, d in pending])
            for index, (message, decoded) in enumerate(pending):
                event_id = decoded.envelope.event_id
                if event_id in seen:
                    outcomes.append(Outcome.DUPLICATE)
                    continue
                started = time.perf_counter()
                try:
                    await self.subscription.handler(tx, decoded)
                except Exception as exc:
                    metrics.consumer_errors.labels(consumer=name).inc()
                    if _is_infrastructure_failure(exc):
                        log.warning("consumer_infrastructure_failure", error=str(exc))
                        raise  # nack the batch: redelivered after we recover
                    log.warning("consumer_handler_failed_in_batch", consumer=name, error=str(exc))
                    raise _HandlerFailedError(index) from exc  # rolls the whole run back
                finally:
                    self._observe(time.perf_counter() - started)
                seen.add(event_id)  # the same event twice in one batch is a duplicate
                outcomes.append(Outcome.HANDLED)
                handled.append((message, decoded))
            await self._record_handled(tx, handled)
        metrics.consumer_handled.labels(consumer=name).inc(len(handled))
        if duplicates := len(outcomes) - len(handled):
            metrics.consumer_duplicates.labels(consumer=name).inc(duplicates)
        return outcomes

    async def _record_handled(
        self, tx: Tx, handled: Sequence[tuple[IncomingMessage, DecodedEvent]]
    ) -> None:
        """The inbox rows of a run, in one statement."""
        if handled:
            now = tx.clock.now()
            rows = [self._inbox_row(m, d, Outcome.HANDLED, None, now) for m, d in handled]
            await tx.conn.execute(inbox.insert(), rows)

    def _observe(self, seconds: float) -> None:
        self._rt.metrics.consumer_seconds.labels(consumer=self.consumer_name).observe(seconds)

    async def _decode(self, message: IncomingMessage) -> DecodedEvent | Outcome:
        """The message's event, or why there is nothing to apply (IGNORED, DEAD_LETTERED)."""
        types = self.subscription.event_types
        try:
            # Type first: an event type we do not consume (perhaps newer than our contracts)
            # is skipped, not dead-lettered.
            event_type = EventEnvelope.from_kafka_headers(message.headers).event_type
            if types and event_type not in types:
                return Outcome.IGNORED
            return decode_message(message.headers, message.value)
        except (ContractError, ValueError) as exc:
            # Nothing to retry: the message itself breaks the contract.
            await self._dead_letter(message, f"contract: {exc}", attempts=0, event=None)
            return Outcome.DEAD_LETTERED

    async def _handle(self, message: IncomingMessage, decoded: DecodedEvent) -> Outcome:
        metrics, name = self._rt.metrics, self.consumer_name
        bound = log.bind(
            consumer=name,
            event_id=str(decoded.envelope.event_id),
            event_type=decoded.envelope.event_type,
            site=decoded.envelope.site_id,
            correlation_id=decoded.envelope.correlation_id,
        )
        last_error = ""
        for attempt in range(1, self._max_attempts + 1):
            try:
                async with self._rt.transaction() as tx:
                    if await self._seen(tx, decoded):
                        metrics.consumer_duplicates.labels(consumer=name).inc()
                        return Outcome.DUPLICATE
                    await self.subscription.handler(tx, decoded)
                    await self._record(tx, decoded, message, Outcome.HANDLED, None)
                metrics.consumer_handled.labels(consumer=name).inc()
                return Outcome.HANDLED
            except Exception as exc:
                metrics.consumer_errors.labels(consumer=name).inc()
                if _is_infrastructure_failure(exc):
                    bound.warning("consumer_infrastructure_failure", error=str(exc))
                    raise  # nack: redelivered after we recover, never dead-lettered
                last_error = "".join(traceback.format_exception_only(exc)).strip()
                bound.warning("consumer_handler_failed", attempt=attempt, error=last_error)
                if attempt < self._max_attempts:
                    await asyncio.sleep(self._backoff * 2 ** (attempt - 1))
        await self._dead_letter(message, last_error, attempts=self._max_attempts, event=decoded)
        return Outcome.DEAD_LETTERED

    async def _seen_ids(self, tx: Tx, event_ids: Sequence[UUID]) -> set[UUID]:
        query = sa.select(inbox.c.event_id).where(
            inbox.c.consumer == self.consumer_name, inbox.c.event_id.in_(event_ids)
        )
        return {row[0] for row in await tx.conn.execute(query)}

    async def _seen(self, tx: Tx, decoded: DecodedEvent) -> bool:
        return bool(await self._seen_ids(tx, [decoded.envelope.event_id]))

    async def _record(
        self,
        tx: Tx,
        decoded: DecodedEvent,
        message: IncomingMessage,
        outcome: Outcome,
        error: str | None,
    ) -> None:
        row = self._inbox_row(message, decoded, outcome, error, tx.clock.now())
        await tx.conn.execute(inbox.insert().values(**row))

    def _inbox_row(
        self,
        message: IncomingMessage,
        decoded: DecodedEvent,
        outcome: Outcome,
        error: str | None,
        now: datetime,
    ) -> dict[str, Any]:
        return {
            "consumer": self.consumer_name,
            "event_id": decoded.envelope.event_id,
            "outcome": outcome.value,
            "topic": message.topic,
            "partition": message.partition,
            "offset": message.offset,
            "error": error,
            "handled_at": now,
        }

    async def _dead_letter(
        self, message: IncomingMessage, error: str, attempts: int, event: DecodedEvent | None
    ) -> None:
        headers = [
            *message.headers,
            ("dlq_error", error[:4000].encode()),
            ("dlq_consumer", self.consumer_name.encode()),
            ("dlq_original_topic", message.topic.encode()),
            ("dlq_original_partition", str(message.partition).encode()),
            ("dlq_original_offset", str(message.offset).encode()),
            ("dlq_attempts", str(attempts).encode()),
        ]
        producer = await self._kafka.producer()
        await producer.send_and_wait(
            dlq_topic(message.topic), key=message.key, value=message.value, headers=headers
        )
        if event is not None:
            # Remember it, so a redelivery is not dead-lettered a second time.
            async with self._rt.transaction() as tx:
                if not await self._seen(tx, event):
                    await self._record(tx, event, message, Outcome.DEAD_LETTERED, error[:4000])
        self._rt.metrics.consumer_dead_lettered.labels(consumer=self.consumer_name).inc()
        log.error(
            "consumer_dead_lettered",
            consumer=self.consumer_name,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
            error=error[:500],
        )


def subscribe(
    broker: KafkaBroker,
    consumer: InboxConsumer,
    service: str,
    topic_prefix: str = "",
    max_records: int = 100,
    idle_poll_ms: int = 10,
) -> None:
    """Register the consumer on the FastStream broker: batches, at-least-once acks.

    A batch is whatever the broker has ready (up to `max_records`); it never waits to fill
    one. FastStream sleeps `idle_poll_ms` after an empty poll, so that bounds the delay a
    message arriving on an idle topic can see.
    """
    sub = consumer.subscription

    async def on_batch(msg: KafkaMessage) -> None:
        raw = msg.raw_message
        records: tuple[ConsumerRecord[bytes, bytes], ...] = (
            raw if isinstance(raw, tuple) else (raw,)
        )
        await consumer.handle_batch(
            [
                IncomingMessage(
                    topic=r.topic,
                    partition=r.partition,
                    offset=r.offset,
                    key=r.key,
                    value=r.value or b"",
                    headers=tuple((k, bytes(v)) for k, v in r.headers),
                )
                for r in records
            ]
        )

    broker.subscriber(
        topic_prefix + sub.topic,
        group_id=sub.group_id(service, topic_prefix),
        auto_offset_reset="earliest",
        ack_policy=AckPolicy.NACK_ON_ERROR,
        batch=True,
        max_records=max_records,
        batch_timeout_ms=idle_poll_ms,
        title=f"{service}.{sub.name}",
    )(on_batch)


class LagMonitor:
    """Consumer lag (end offset - committed offset, per topic), on clients kept open.

    Measured every few seconds: connecting anew each time would be repeated work.
    A failed measurement drops the clients; the next one reconnects.
    """

    def __init__(self, bootstrap_servers: str, security: KafkaSecurity | None = None) -> None:
        self._options = connection_options(bootstrap_servers, security)
        self._clients: tuple[AIOKafkaAdminClient, AIOKafkaConsumer] | None = None

    async def measure(self, group_id: str, topics: Iterable[str]) -> dict[str, int]:
        try:
            admin, consumer = await self._connected()
            wanted = set(topics)
            partitions = [
                TopicPartition(t, p)
                for t in wanted
                for p in (consumer.partitions_for_topic(t) or await _partitions(consumer, t))
            ]
            ends = await consumer.end_offsets(partitions) if partitions else {}
            committed = await admin.list_consumer_group_offsets(group_id)
        except BaseException:
            await self.close()
            raise
        lag: dict[str, int] = dict.fromkeys(wanted, 0)
        for tp, end in ends.items():
            done = committed.get(tp)
            lag[tp.topic] += max(0, end - (done.offset if done and done.offset >= 0 else 0))
        return lag

    async def _connected(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._clients is None:
            admin = AIOKafkaAdminClient(**self._options)
            consumer = AIOKafkaConsumer(**self._options, enable_auto_commit=False)
            self._clients = (admin, consumer)
            await admin.start()
            await consumer.start()
        return self._clients

    async def close(self) -> None:
        if self._clients is not None:
            admin, consumer = self._clients
            self._clients = None
            with contextlib.suppress(Exception):
                await consumer.stop()
            with contextlib.suppress(Exception):
                await admin.close()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()
