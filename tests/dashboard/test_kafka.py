"""The dashboard as a consumer of the real Kafka: a fresh dashboard (new database, new
consumer groups) reads every event its topics hold from the earliest offset, and a card
follows a newly published event within 1 s (the page's live stream)."""

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from dashboard.views.access import Viewer
from dashboard.views.config import DashboardSettings
from dashboard.views.live import card_changes
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger_contracts import EventEnvelope, encode_message, events_topic
from opsledger_contracts.events.callcenter import CallLogged

from tests.dashboard.conftest import SECRET, SITE
from tests.kafka_clients import kafka_connector, kafka_producer

pytestmark = pytest.mark.kafka
KPI = "callcenter.answered_rate"


def call(call_id: str, outcome: str) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    at = datetime.now(UTC)
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type="CallLogged",
        schema_version=1,
        source="callcenter",
        site_id=SITE,
        stream_id=f"call-{call_id}",
        stream_type="Call",
        stream_version=1,
        occurred_at=at,
        correlation_id="corr-kafka",
        actor="agent-1",
    )
    payload = CallLogged(
        call_id=call_id, outcome=outcome, offered_at=at, month=at.strftime("%Y-%m")
    )
    return encode_message(envelope, payload)


async def publish(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes, Any]]) -> None:
    producer = kafka_producer(bootstrap, acks="all")
    await producer.start()
    try:
        for key, value, headers in messages:
            await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


async def wait_for(client: httpx.AsyncClient, headers: dict[str, str], denominator: int) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        answer = await client.get(f"/api/sites/{SITE}/cards", headers=headers)
        card = next(c for c in answer.json()["cards"] if c["kpi"] == KPI)
        if card["denominator"] == denominator:
            return card
        await asyncio.sleep(0.2)
    raise AssertionError(f"the card never reached {denominator} calls")


@pytest.fixture
async def topic_prefix(kafka_bootstrap: str) -> str:
    prefix = f"dash{uuid4().hex[:8]}."
    await kafka_connector(kafka_bootstrap, "tests").ensure_topics(
        [prefix + events_topic("callcenter")]
    )
    return prefix


async def test_a_fresh_dashboard_reads_the_held_events_and_follows_live(
    kafka_bootstrap: str, tmp_path: Path, topic_prefix: str
) -> None:
    topic = topic_prefix + events_topic("callcenter")
    # published before the dashboard exists
    await publish(kafka_bootstrap, topic, [call("K1", "answered"), call("K2", "abandoned")])
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'dashboard.db'}",
        kafka_bootstrap_servers=kafka_bootstrap,
        kafka_topic_prefix=topic_prefix,
        auth_secret=SECRET,
    )
    app = ServiceApp(load_service("dashboard"), settings)
    await app.start()
    try:
        token = TokenService(SECRET, audience="dashboard").mint("mgr-1", ["manager"], [SITE])
        headers = {"Authorization": f"Bearer {token}"}
        transport = httpx.ASGITransport(app=app.build_http())
        async with httpx.AsyncClient(transport=transport, base_url="http://d") as client:
            card = await wait_for(client, headers, 2)
            assert (card["value"], card["numerator"]) == (50.0, 1)
            principal = TokenService(SECRET, audience="dashboard").verify(token)
            viewer = Viewer(principal, app.runtime, DashboardSettings())
            stream = card_changes(app.read_models, viewer, None).__aiter__()
            assert (await stream.__anext__())[0] == "hello"
            while True:  # the cards as they are on connect
                name, data = await asyncio.wait_for(stream.__anext__(), 10)
                if name == f"card:{SITE}:{KPI}":
                    assert data["denominator"] == 2
                    break
            sent = time.monotonic()
            await publish(kafka_bootstrap, topic, [call("K3", "answered")])
            while True:
                name, data = await asyncio.wait_for(stream.__anext__(), 10)
                if name == f"card:{SITE}:{KPI}":
                    break
            latency = time.monotonic() - sent
            assert (data["denominator"], data["numerator"]) == (3, 2)
            assert latency < 1.0, f"card update took {latency:.3f} s"
            await stream.aclose()  # type: ignore[attr-defined]
    finally:
        await app.stop()
