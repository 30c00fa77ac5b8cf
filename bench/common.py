"""Shared pieces of the benchmarks: rows, progress lines, fresh databases."""

import asyncio
import contextlib
import os
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import uuid4

import sqlalchemy as sa
from aiokafka import AIOKafkaConsumer, TopicPartition
from opsledger.clock import SystemClock
from opsledger.db import create_engine
from opsledger.eventstore import EventStore
from opsledger.kafka import KafkaSecurity
from opsledger.metrics import Metrics
from opsledger.migrate import upgrade
from opsledger.runtime import Runtime
from opsledger.service import ServiceDefinition
from opsledger.settings import Settings
from opsledger_contracts.events.callcenter import DiagnosticPingSent

REPO = Path(__file__).resolve().parents[1]
PG_ADMIN = os.environ.get(
    "OPSLEDGER_TEST_POSTGRES_URL",
    "postgresql+asyncpg://opsledger:opsledger@127.0.0.1:5432/postgres",
)
KAFKA = os.environ.get("OPSLEDGER_TEST_KAFKA", "127.0.0.1:9092")


def kafka_security() -> KafkaSecurity:
    """The benchmarks' Kafka identity: OPSLEDGER_KAFKA_* (admin, as for the tests)."""
    return KafkaSecurity.from_settings(Settings(), "bench")


@dataclass
class Row:
    """One printed row and one key of latest.json."""

    figure: str
    value: float | None
    unit: str
    peer: float | None = None
    peer_name: str = ""
    ratio: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


def ping(i: int) -> DiagnosticPingSent:
    return DiagnosticPingSent(ping_id=f"p{i}", message="benchmark")


class Progress:
    """Per-step lines on stderr: `[3/12] name … 1,234 events/s (4.1 s)`."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0

    def step(self, name: str) -> "_Step":
        self.done += 1
        return _Step(self, name)


class _Step:
    def __init__(self, progress: Progress, name: str) -> None:
        self.progress, self.name = progress, name

    def __enter__(self) -> "_Step":
        self.started = time.perf_counter()
        p = self.progress
        print(f"[{p.done:>2}/{p.total}] {self.name} …", end="", file=sys.stderr, flush=True)
        return self

    def result(self, text: str) -> None:
        self.text = text

    def __exit__(self, *exc: object) -> None:
        took = time.perf_counter() - self.started
        print(f" {getattr(self, 'text', '')} ({took:.1f} s)", file=sys.stderr, flush=True)


# -- databases -------------------------------------------------------------------------


async def pg_database(prefix: str = "opsledger_bench") -> str:
    name = f"{prefix}_{uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()
    return sa.make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)


async def drop(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    name = sa.make_url(url).database
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    try:
        for attempt in range(20):
            try:
                async with admin.connect() as conn:
                    # FORCE cannot end an autovacuum worker (not our role); plain DROP
                    # cancels it, so fall back to that and retry while it winds down.
                    force = " WITH (FORCE)" if attempt == 0 else ""
                    await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"{force}'))
                return
            except sa.exc.DBAPIError:
                if attempt == 19:
                    raise
                await asyncio.sleep(0.5)
    finally:
        await admin.dispose()


# Kernel tables only: the append and relay figures must not depend on a service's code.
KERNEL_ONLY = ServiceDefinition(name="bench", title="kernel benchmark", default_port=0)


async def fresh(
    backend: str,
    tmp: Path,
    service: str = "callcenter",
    revision: str = "heads",
    chain: bool = True,
    **engine_kwargs: Any,
) -> Runtime:
    """A migrated kernel database (`revision`; "kernel_0007" and chain=False: the store
    before the tamper-evident chain) and a Runtime on it."""
    url = (
        await pg_database()
        if backend == "postgres"
        else f"sqlite+aiosqlite:///{tmp / f'{uuid4().hex[:8]}.db'}"
    )
    engine = create_engine(url, **engine_kwargs)
    await upgrade(engine, KERNEL_ONLY, revision)
    return Runtime(service, engine, SystemClock(), Metrics(service), EventStore(chain=chain))


async def close(runtime: Runtime) -> None:
    url = runtime.engine.url.render_as_string(hide_password=False)
    await runtime.engine.dispose()
    await drop(url)


@contextlib.asynccontextmanager
async def topic_from_start(
    topic: str,
) -> AsyncIterator[tuple[AIOKafkaConsumer, list[TopicPartition]]]:
    """A consumer assigned to every partition of `topic`, at the beginning (no group)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=KAFKA, enable_auto_commit=False, **kafka_security().client_options()
    )
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        yield consumer, parts
    finally:
        await consumer.stop()
