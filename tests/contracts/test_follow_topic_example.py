"""contracts/examples/follow_topic.py against a real broker, run as a consumer would."""

import ast
import asyncio
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from aiokafka.admin import NewTopic
from opsledger_contracts import EventEnvelope, encode_message
from opsledger_contracts.events.callcenter import DiagnosticPingSent

from tests.kafka_clients import kafka_admin, kafka_producer

EXAMPLE = Path(__file__).resolve().parents[2] / "contracts" / "examples" / "follow_topic.py"
EARLY = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
LATE = EARLY + timedelta(hours=1)


def test_the_example_needs_only_aiokafka_and_the_contracts() -> None:
    tree = ast.parse(EXAMPLE.read_text())
    imported = {
        ((node.module or "") if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }

    assert imported - set(sys.stdlib_module_names) == {"aiokafka", "opsledger_contracts"}


def _ping(n: int, *, ping_id: str | None = None) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    envelope = EventEnvelope(
        event_id=UUID(int=n),
        event_type="DiagnosticPingSent",
        schema_version=1,
        source="callcenter",
        site_id="site-1",
        stream_id=f"ping-{n}",
        stream_type="DiagnosticPing",
        stream_version=1,
        occurred_at=EARLY,
        correlation_id=f"req-{n}",
        actor="agent-1",
    )
    return encode_message(envelope, DiagnosticPingSent(ping_id=ping_id or str(n), message="hi"))


@pytest.fixture
async def topic_with_events(contracts_kafka_bootstrap: str) -> str:
    """A fresh one-partition topic holding, by offset:

    0, 1 valid (early) | 2 missing ce_siteid | 3, 4 valid | 5 ping_id too long (late).
    """
    topic = f"opsledger-contracts-test-{uuid4().hex[:12]}"
    admin = kafka_admin(contracts_kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=1)])
    finally:
        await admin.close()

    key2, value2, headers2 = _ping(2)
    key5, _, headers5 = _ping(5)
    messages = [
        (*_ping(0), EARLY),
        (*_ping(1), EARLY),
        (key2, value2, [h for h in headers2 if h[0] != "ce_siteid"], LATE),
        (*_ping(3), LATE),
        (*_ping(4), LATE),
        (key5, json.dumps({"ping_id": "x" * 65, "message": "hi"}).encode(), headers5, LATE),
    ]
    producer = kafka_producer(contracts_kafka_bootstrap, acks="all")
    await producer.start()
    try:
        for key, value, headers, when in messages:
            await producer.send_and_wait(
                topic,
                value,
                key=key,
                headers=headers,
                timestamp_ms=int(when.timestamp() * 1000),
            )
    finally:
        await producer.stop()
    return topic


async def _follow(bootstrap: str, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLE),
        "--bootstrap",
        bootstrap,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=90)
    events = [json.loads(line) for line in stdout.decode().splitlines()]
    return process.returncode or 0, events, stderr.decode()


@pytest.mark.kafka
async def test_from_an_offset_prints_valid_events_and_reports_invalid_ones(
    contracts_kafka_bootstrap: str, topic_with_events: str
) -> None:
    code, events, errors = await _follow(
        contracts_kafka_bootstrap,
        "--topic",
        topic_with_events,
        "--from-offset",
        "1",
        "--max-messages",
        "5",
        "--timeout",
        "30",
    )

    assert code == 0, errors
    assert [e["offset"] for e in events] == [1, 3, 4]
    first = events[0]
    assert first["key"] == "ping-1"
    assert first["payload"] == {"ping_id": "1", "message": "hi"}
    assert first["envelope"]["event_id"] == str(UUID(int=1))
    assert first["envelope"]["event_type"] == "DiagnosticPingSent"
    assert first["envelope"]["stream_id"] == "ping-1"
    error_lines = [line for line in errors.splitlines() if line.startswith("invalid message")]
    assert error_lines == [
        f"invalid message {topic_with_events}/0@2: envelope: header ce_siteid is missing",
        f"invalid message {topic_with_events}/0@5: payload DiagnosticPingSent v1: field "
        "ping_id: String should have at most 64 characters",
    ]


@pytest.mark.kafka
async def test_from_a_time_starts_at_the_first_message_at_or_after_it(
    contracts_kafka_bootstrap: str, topic_with_events: str
) -> None:
    code, events, errors = await _follow(
        contracts_kafka_bootstrap,
        "--topic",
        topic_with_events,
        "--from-time",
        LATE.isoformat().replace("+00:00", "Z"),
        "--timeout",
        "3",  # no --max-messages: the idle timeout ends the run
    )

    assert code == 0, errors
    assert [e["offset"] for e in events] == [3, 4]
    assert "@2: envelope: header ce_siteid is missing" in errors
    assert "read 4 message(s), 2 invalid" in errors


@pytest.mark.kafka
async def test_a_missing_topic_is_reported_not_created(contracts_kafka_bootstrap: str) -> None:
    code, events, errors = await _follow(
        contracts_kafka_bootstrap, "--topic", f"no-such-topic-{uuid4().hex}", "--timeout", "1"
    )

    assert (code, events) == (2, [])
    assert "does not exist" in errors
