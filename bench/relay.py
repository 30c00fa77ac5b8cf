"""Relay -> Kafka, against a raw aiokafka idempotent producer sending the same records."""

import asyncio
import json
import time
from pathlib import Path
from uuid import uuid4

from opsledger.kafka import KafkaConnector
from opsledger.relay import OutboxRelay
from opsledger.runtime import CommandContext, Runtime

from bench.common import KAFKA, close, fresh, ping

# -- relay -----------------------------------------------------------------------------


async def _seed(runtime: Runtime, total: int) -> None:
    ctx = CommandContext("bench", "site-a", "bench")
    for start in range(0, total, 1000):
        async with runtime.transaction() as tx:
            await tx.append(
                f"seed-{start}",
                "Bench",
                0,
                [ctx.event(ping(i)) for i in range(start, start + 1000)],
            )


async def bench_relay(backend: str, tmp: Path, total: int) -> tuple[float, float]:
    """(relay events/s, raw aiokafka idempotent producer events/s) for the same records.

    The raw producer sends exactly the records the relay sent (same topic layout, keys,
    values, headers), all at once, then awaits every ack: the upper bound for Kafka here.
    """
    runtime = await fresh(backend, tmp)
    await _seed(runtime, total)
    kafka = KafkaConnector(KAFKA, "bench-relay")
    relay = OutboxRelay(runtime, kafka, batch_size=1000, topic_prefix=f"bench{uuid4().hex[:6]}.")
    raw_topic = f"bench{uuid4().hex[:6]}.raw"
    await kafka.ensure_topics([relay.topic, raw_topic])
    producer = await kafka.producer()
    # The records the relay will produce, captured for the raw producer.
    records: list[tuple[bytes, bytes, list[tuple[str, bytes]]]] = []
    async with runtime.engine.connect() as conn:
        for event in await runtime.store.read_all(conn, 0, total):
            records.append(
                (
                    event.stream_id.encode(),
                    json.dumps(event.payload, separators=(",", ":")).encode(),
                    event.envelope(runtime.service).to_kafka_headers(),
                )
            )
    started = time.perf_counter()
    published = 0
    while n := await relay.publish_batch():
        published += n
    relay_rate = total / (time.perf_counter() - started)
    started = time.perf_counter()
    for start in range(0, total, 1000):  # the same batch size as the relay's
        acks = [
            await producer.send(raw_topic, key=k, value=v, headers=h)
            for k, v, h in records[start : start + 1000]
        ]
        await asyncio.gather(*acks)
    raw_rate = total / (time.perf_counter() - started)
    await relay.resign()
    await kafka.close()
    await close(runtime)
    if published != total:
        raise RuntimeError(f"relay published {published} of {total}")
    return relay_rate, raw_rate
