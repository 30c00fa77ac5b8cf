"""The consumer on the broker: FastStream subscription (batches, at-least-once acks) and
consumer lag, on aiokafka."""

import contextlib
from collections.abc import Iterable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from opsledger.consumers.inbox import InboxConsumer, IncomingMessage
from opsledger.kafka import KafkaSecurity, connection_options


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
