"""Fixtures of the callcenter tests: the service in-process on a ManualClock."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.clock import ManualClock
from opsledger.eventstore import RecordedEvent
from opsledger.service import load_service
from opsledger.settings import Settings

from tests.processes import random_key
from tests.tokens import Bearer

SECRET = random_key()
# Friday 2026-03-13 09:00 in Asia/Shanghai (no public holiday near it).
START = datetime(2026, 3, 13, 1, 0, tzinfo=UTC)


@dataclass
class CallCenter:
    """The running service, an HTTP client, its clock and a token minter."""

    service: ServiceApp
    client: httpx.AsyncClient
    clock: ManualClock

    def auth(self, staff: str = "agent-1", roles: str = "agent", sites: str = "site-a") -> Bearer:
        # Minted on the service's clock whenever a request uses it (it checks iat, exp).
        tokens = TokenService(SECRET, clock=self.clock, audience="callcenter")
        return Bearer(tokens, staff, roles.split(","), sites.split(","))

    async def post(
        self, path: str, body: dict[str, Any] | None = None, **auth: str
    ) -> httpx.Response:
        return await self.client.post(path, json=body or {}, headers=self.auth(**auth))

    async def get(self, path: str, **auth: str) -> httpx.Response:
        return await self.client.get(path, headers=self.auth(**auth))

    async def stream(self, stream_id: str) -> list[RecordedEvent]:
        async with self.service.runtime.engine.connect() as conn:
            return await self.service.runtime.store.read_stream(conn, stream_id)

    async def all_events(self) -> list[RecordedEvent]:
        async with self.service.runtime.engine.connect() as conn:
            return await self.service.runtime.store.read_all(conn, 0, 10_000)

    async def open_ticket(self, staff: str = "agent-1", **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "site_id": "site-a",
            "kind": "repair",
            "channel": "phone",
            "subject": "Leak under the sink",
            **fields,
        }
        answer = await self.post("/tickets", body, staff=staff)
        assert answer.status_code == 201, answer.text
        result: dict[str, Any] = answer.json()
        return result


@pytest.fixture
async def cc(database_url: str) -> AsyncIterator[CallCenter]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url, auth_secret=SECRET)
    service = ServiceApp(load_service("callcenter"), settings, clock=clock)
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://cc") as client:
        yield CallCenter(service, client, clock)
    await service.stop()
