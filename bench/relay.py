"""Relay -> Kafka, against a raw aiokafka idempotent producer sending the same records.

Run alone: `uv run --frozen python -m bench.relay [postgres|sqlite] [events]`.
"""

import asyncio
import contextlib
import gc
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import UnknownTopicOrPartitionError
from opsledger.db import events
from opsledger.kafka import KafkaConnector, await_acks
from opsledger.relay import OutboxRelay
from opsledger.runtime import CommandContext, Runtime

from bench.common import KAFKA, close, fresh, kafka_security, ping, topic_from_start

BATCH = 1000  # the relay's read batch, and the raw producer's
ROUNDS = 4  # relay and raw producer take turns, so load drift hits both alike

KafkaRecord = tuple[bytes, bytes, tuple[tuple[str, bytes], ...]]


@dataclass
class RelayFigures:
    relay_rate: float  # events/s, wall clock
    raw_rate: float
    relay_cpu_us: float  # CPU of this process per event (the machine is shared)
    raw_cpu_us: float


async def _seed(runtime: Runtime, first: int, count: int) -> None:
    ctx = CommandContext("bench", "site-a", "bench")
    for start in range(first, first + count, 1000):
        async with runtime.transaction() as tx:
            await tx.append(
                f"seed-{start}",
                "Bench",
                0,
                [ctx.event(ping(i)) for i in range(start, min(start + 1000, first + count))],
            )


async def _expected_records(runtime: Runtime, after: int) -> list[KafkaRecord]:
    """The records the relay must produce for the events after `after`, built the slow,
    obvious way: the envelope's headers (the contract's definition) and the payload
    exactly as stored."""
    async with runtime.engine.connect() as conn:
        stored = await runtime.store.read_all(conn, after, 10**9)
        query = sa.select(events.c.position, sa.cast(events.c.payload, sa.Text)).where(
            events.c.position > after
        )
        bodies = {position: body for position, body in await conn.execute(query)}
    return [
        (
            e.stream_id.encode(),
            bodies[e.position].encode(),
            # A tuple, not a list: the GC stops tracking it once seen, so the baseline's
            # records do not make the relay's collections slower than in a service.
            tuple(e.envelope(runtime.service).to_kafka_headers()),
        )
        for e in stored
    ]


async def _topic_by_key(topic: str, total: int) -> dict[bytes, list[KafkaRecord]]:
    """Every record of `topic`, per key in offset order (a key lives in one partition)."""
    async with topic_from_start(topic) as (consumer, _):
        by_key: dict[bytes, list[KafkaRecord]] = {}
        seen, deadline = 0, time.monotonic() + 120
        while seen < total and time.monotonic() < deadline:
            for batch in (await consumer.getmany(timeout_ms=1000)).values():
                for r in batch:
                    by_key.setdefault(r.key, []).append((r.key, r.value, tuple(r.headers)))
                    seen += 1
        return by_key


async def _delete_topics(topics: list[str]) -> None:
    admin = AIOKafkaAdminClient(
        bootstrap_servers=KAFKA, client_id="bench-relay", **kafka_security().client_options()
    )
    await admin.start()
    try:
        with contextlib.suppress(UnknownTopicOrPartitionError):
            await admin.delete_topics(topics)
    finally:
        await admin.close()


async def measure_relay(backend: str, tmp: Path, total: int, rounds: int = ROUNDS) -> RelayFigures:
    """The relay publishing `total` stored events, and the raw producer sending the same
    records (same keys, values, headers, batch size, producer and settings: the
    connector's idempotent producer, acks=all, linger_ms=0), all of a batch at once
    then every ack awaited the relay's way (`await_acks`): the upper bound for Kafka
    here. In rounds: each seeds its share of events, the relay publishes until it finds
    nothing more (its read-ahead never runs on the raw producer's clock), then the raw
    producer sends the same records. Afterwards the relay's topic is read back and must
    hold exactly those records, in order per key."""
    runtime = await fresh(backend, tmp)
    kafka = KafkaConnector(KAFKA, "bench-relay", kafka_security())
    relay = OutboxRelay(runtime, kafka, batch_size=BATCH, topic_prefix=f"bench{uuid4().hex[:6]}.")
    raw_topic = f"bench{uuid4().hex[:6]}.raw"
    per_round = -(-total // rounds // BATCH) * BATCH
    relay_wall = relay_cpu = raw_wall = raw_cpu = 0.0
    records: list[KafkaRecord] = []
    published = 0
    try:
        await kafka.ensure_topics([relay.topic, raw_topic])
        producer = await kafka.producer()
        for start in range(0, total, per_round):
            count = min(per_round, total - start)
            async with runtime.engine.connect() as conn:
                head = await runtime.store.head_position(conn)
            await _seed(runtime, start, count)
            if backend == "sqlite":  # the seed's WAL is the seed's to copy back, not the relay's
                async with runtime.engine.connect() as conn:
                    driver: Any = (await conn.get_raw_connection()).driver_connection
                    await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            gc.collect()  # each side starts with no garbage of the other's
            wall, cpu = time.perf_counter(), time.process_time()
            while n := await relay.publish_batch():
                published += n
            relay_wall += time.perf_counter() - wall
            relay_cpu += time.process_time() - cpu
            batch = await _expected_records(runtime, head)
            records += batch
            # aiokafka wants header lists; made outside the clock, for this round only.
            sending = [(k, v, list(h)) for k, v, h in batch]
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            for first in range(0, len(sending), BATCH):
                acks = [
                    await producer.send(raw_topic, key=k, value=v, headers=h)
                    for k, v, h in sending[first : first + BATCH]
                ]
                await await_acks(acks)
            raw_wall += time.perf_counter() - wall
            raw_cpu += time.process_time() - cpu
            del sending
        if published != total or len(records) != total:
            raise RuntimeError(f"relay published {published}, raw {len(records)} of {total}")
        expected: dict[bytes, list[KafkaRecord]] = {}
        for record in records:
            expected.setdefault(record[0], []).append(record)
        if await _topic_by_key(relay.topic, total) != expected:
            raise RuntimeError("the relay's topic does not hold the raw producer's records")
    finally:
        await relay.resign()
        await kafka.close()
        await close(runtime)
        await _delete_topics([relay.topic, raw_topic])
    return RelayFigures(
        total / relay_wall, total / raw_wall, 1e6 * relay_cpu / total, 1e6 * raw_cpu / total
    )


async def bench_relay(backend: str, tmp: Path, total: int) -> tuple[float, float]:
    """(relay events/s, raw aiokafka idempotent producer events/s) for the same records."""
    figures = await measure_relay(backend, tmp, total)
    return figures.relay_rate, figures.raw_rate


if __name__ == "__main__":
    backends = [a for a in sys.argv[1:] if not a.isdigit()] or ["postgres", "sqlite"]
    count = next((int(a) for a in sys.argv[1:] if a.isdigit()), 20_000)
    for name in backends:
        with tempfile.TemporaryDirectory() as tmp_dir:
            f = asyncio.run(measure_relay(name, Path(tmp_dir), count))
        print(
            f"{name}: relay {f.relay_rate:,.0f}/s ({f.relay_cpu_us:.1f} µs CPU/event), "
            f"raw producer {f.raw_rate:,.0f}/s ({f.raw_cpu_us:.1f} µs CPU/event), "
            f"ratio {f.relay_rate / f.raw_rate:.2f}"
        )
