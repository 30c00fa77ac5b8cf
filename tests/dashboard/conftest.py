"""Fixtures of the dashboard tests: the service in-process on a ManualClock, fed the other
services' published events exactly as its consumers receive them from Kafka.

For tests with real processes (dash-b's browser tests): `tests.dashboard.stack` starts
the dashboard and the five services as processes over the real Kafka and PostgreSQL.
"""

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.clock import ManualClock
from opsledger.consumers import IncomingMessage, Outcome
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger_contracts import EventEnvelope, EventPayload, encode_message, events_topic

from tests.processes import random_key
from tests.tokens import Bearer

SECRET = random_key()
# Tuesday 2026-12-08 09:00 in Asia/Shanghai (the default site zone).
START = datetime(2026, 12, 8, 1, 0, tzinfo=UTC)
SITE = "site-a"
OTHER = "site-b"


@dataclass
class Dashboard:
    service: ServiceApp
    client: httpx.AsyncClient
    clock: ManualClock
    offsets: dict[str, int] = field(default_factory=dict)
    versions: dict[str, int] = field(default_factory=dict)

    def auth(self, staff: str = "mgr-01", roles: str = "manager", sites: str = SITE) -> Bearer:
        tokens = TokenService(SECRET, clock=self.clock, audience="dashboard")
        return Bearer(tokens, staff, roles.split(","), sites.split(","))

    def token(self, staff: str = "mgr-01", roles: str = "manager", sites: str = SITE) -> str:
        tokens = TokenService(SECRET, clock=self.clock, audience="dashboard")
        return tokens.mint(staff, roles.split(","), sites.split(","))

    async def deliver(
        self,
        source: str,
        payload: EventPayload,
        stream_id: str,
        site_id: str = SITE,
        at: datetime | None = None,
    ) -> None:
        """`payload` as `source` publishes it, handed to the dashboard's consumer."""
        version = self.versions.get(stream_id, 0) + 1
        self.versions[stream_id] = version
        envelope = EventEnvelope(
            event_id=uuid4(),
            event_type=payload.event_type,
            schema_version=payload.schema_version,
            source=source,
            site_id=site_id,
            stream_id=stream_id,
            stream_type=payload.stream_type or "Record",
            stream_version=version,
            occurred_at=at or self.clock.now(),
            correlation_id="corr-dash",
            actor="staff-1",
        )
        key, value, headers = encode_message(envelope, payload)
        topic = events_topic(source)
        offset = self.offsets.get(topic, 0)
        self.offsets[topic] = offset + 1
        handled = False
        for consumer in self.service.consumers:
            if consumer.subscription.topic == topic:
                message = IncomingMessage(topic, 0, offset, key, value, tuple(headers))
                assert await consumer.handle(message) == Outcome.HANDLED
                handled = True
        assert handled, f"no dashboard consumer of {topic}"

    async def get(self, path: str, headers: Mapping[str, str] | None = None, **params: str) -> Any:
        await self.service.read_models.catch_up()
        answer = await self.client.get(path, params=params, headers=headers or self.auth())
        assert answer.status_code == 200, answer.text
        return answer.json()


@pytest.fixture
async def dashboard(database_url: str) -> AsyncIterator[Dashboard]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url, auth_secret=SECRET)
    service = ServiceApp(load_service("dashboard"), settings, clock=clock)
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://dashboard") as client:
        yield Dashboard(service, client, clock)
    await service.stop()
