"""Processes on real PostgreSQL and Kafka: relay crash recovery and the tracer flow."""

import asyncio
import subprocess
import time
from pathlib import Path
from uuid import uuid4

import httpx
import pytest
import sqlalchemy as sa
from aiokafka import TopicPartition
from opsledger.auth import TokenService
from opsledger.clock import SystemClock
from opsledger.db import create_engine
from opsledger.eventstore import EventStore
from opsledger.metrics import Metrics
from opsledger.migrate import upgrade
from opsledger.relay import RELAY_CHECKPOINT
from opsledger.runtime import CommandContext, Runtime
from opsledger.service import load_service
from opsledger_contracts import SERVICES, events_topic
from opsledger_contracts.events.callcenter import DiagnosticPingSent

from tests.kafka_clients import kafka_consumer
from tests.processes import CLI, TEST_SECRET, running, service_env, start_service, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]


async def _topic_ids(
    bootstrap: str, topic: str, start: dict[int, int], wanted: set[str]
) -> list[str]:
    consumer = kafka_consumer(bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or []]
        consumer.assign(parts)
        for tp in parts:
            consumer.seek(tp, start.get(tp.partition, 0))
        ends = await consumer.end_offsets(parts)
        ids: list[str] = []

        async def behind() -> bool:
            return any([await consumer.position(tp) < end for tp, end in ends.items()])

        while await behind():
            for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
                for r in records:
                    ce_id = dict(r.headers)["ce_id"].decode()
                    if ce_id in wanted:
                        ids.append(ce_id)
        return ids
    finally:
        await consumer.stop()


async def _checkpoint(url: str) -> int:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            q = sa.text("SELECT position FROM checkpoints WHERE name = :n")
            return int((await conn.execute(q, {"n": RELAY_CHECKPOINT})).scalar() or 0)
    finally:
        await engine.dispose()


async def test_relay_killed_with_sigkill_mid_batch_delivers_every_event_after_restart(
    kafka_bootstrap: str, postgres_url_template: str, tmp_path: Path
) -> None:
    url = postgres_url_template.replace("{service}", "callcenter")
    engine = create_engine(url)
    await upgrade(engine, load_service("callcenter"))
    runtime = Runtime("callcenter", engine, SystemClock(), Metrics("callcenter"), EventStore())
    total = 10_000
    started = time.perf_counter()
    ids: set[str] = set()
    for chunk in range(total // 1000):
        async with runtime.transaction() as tx:
            for i in range(1000):
                n = chunk * 1000 + i
                ctx = CommandContext("staff-1", "site-a", "bulk")
                rec = await tx.append(
                    f"ping-{n}",
                    "DiagnosticPing",
                    0,
                    [ctx.event(DiagnosticPingSent(ping_id=f"bulk-{n}", message="x"))],
                )
                ids.add(str(rec[0].event_id))
    await engine.dispose()
    print(f"seeded {total} events in {time.perf_counter() - started:.1f}s")
    env = service_env(url, kafka_bootstrap, {"OPSLEDGER_RELAY_BATCH_SIZE": "1000"})
    topic = env["OPSLEDGER_KAFKA_TOPIC_PREFIX"] + events_topic("callcenter")
    start: dict[int, int] = {}  # a topic of its own: read it from the start
    first = start_service("callcenter", env, tmp_path)
    try:
        for _ in range(600):  # kill as soon as the relay has checkpointed one batch
            if await _checkpoint(url) > 0:
                break
            await asyncio.sleep(0.02)
        first.kill()
    finally:
        first.stop()
    killed_at = await _checkpoint(url)
    assert 0 < killed_at < total, f"relay was not killed mid-run (checkpoint {killed_at})"

    started = time.perf_counter()
    second = start_service("callcenter", env, tmp_path)
    try:
        for _ in range(1200):
            if await _checkpoint(url) >= total:
                break
            await asyncio.sleep(0.05)
    finally:
        second.stop()
    print(f"restart published the rest in {time.perf_counter() - started:.1f}s")
    delivered = await _topic_ids(kafka_bootstrap, topic, start, ids)
    assert set(delivered) == ids, f"{len(ids - set(delivered))} events lost"
    duplicates = len(delivered) - len(set(delivered))
    print(f"killed at checkpoint {killed_at}/{total}; re-published duplicates: {duplicates}")


def test_tracer_ping_from_callcenter_reaches_dispatch_projection_and_verifies(
    kafka_bootstrap: str, postgres_url_template: str, tmp_path: Path
) -> None:
    env = service_env(postgres_url_template, kafka_bootstrap)
    token = TokenService(TEST_SECRET).mint("agent-1", ["agent"], ["site-a"], audience=SERVICES)
    auth = {"Authorization": f"Bearer {token}"}
    ping_id = f"trace-{uuid4().hex[:8]}"
    with running(["callcenter", "dispatch"], env, tmp_path) as procs:
        cc, dispatch = procs["callcenter"], procs["dispatch"]
        sent = httpx.post(
            f"{cc.url}/diagnostics/pings",
            json={"site_id": "site-a", "ping_id": ping_id, "message": "hello dispatch"},
            headers=auth,
        )
        assert sent.status_code == 201, sent.text

        def arrived() -> bool:
            return (
                httpx.get(f"{dispatch.url}/diagnostics/pings/{ping_id}", headers=auth).status_code
                == 200
            )

        wait_until(arrived, 60, "the ping in dispatch's projection")
        view = httpx.get(f"{dispatch.url}/diagnostics/pings/{ping_id}", headers=auth).json()
        assert view["sent_event_id"] == sent.json()["event_id"]
        assert view["correlation_id"] == sent.headers["X-Correlation-ID"]
        other_site = TokenService(TEST_SECRET).mint(
            "agent-2", ["agent"], ["site-b"], audience=SERVICES
        )
        hidden = httpx.get(
            f"{dispatch.url}/diagnostics/pings/{ping_id}",
            headers={"Authorization": f"Bearer {other_site}"},
        )
        assert hidden.status_code == 404  # another site's ping is as a missing one (issue 17)
    for service in ("callcenter", "dispatch"):
        result = subprocess.run(
            [CLI, "verify", service], env=env, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert "rebuilt equals live" in result.stdout
