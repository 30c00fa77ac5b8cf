"""Fixtures of the dispatch tests: the service in-process on a ManualClock."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.clock import ManualClock
from opsledger.service import load_service
from opsledger.settings import Settings

SECRET = "dispatch-test-secret-0123456789-0123456789"
# Monday 2026-11-23 09:00 in Asia/Shanghai (the default site zone); end of day 18:00 local.
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SITE = "site-a"


@dataclass
class Dispatch:
    """The running service, an HTTP client and the clock that drives it."""

    service: ServiceApp
    client: httpx.AsyncClient
    clock: ManualClock

    def auth(self, staff: str, roles: str, sites: str = SITE) -> dict[str, str]:
        # Minted on the wall clock (PyJWT refuses an `iat` in its future); long enough
        # to outlive every ManualClock jump of the tests, whose clock checks the expiry.
        token = TokenService(SECRET).mint(
            staff, roles.split(","), sites.split(","), ttl=timedelta(days=365)
        )
        return {"Authorization": f"Bearer {token}"}

    def dispatcher(self, staff: str = "disp-07") -> dict[str, str]:
        return self.auth(staff, "dispatcher")

    def lead(self, staff: str = "lead-01") -> dict[str, str]:
        return self.auth(staff, "dispatch_lead")

    def assignee(self, staff: str = "eng-12") -> dict[str, str]:
        return self.auth(staff, "engineer")

    def order_body(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "site_id": SITE,
            "location": "Block 3, unit 1202, kitchen",
            "content": "Water leaking under the sink",
            "requirements": "Replace the trap",
            "reply_by": (self.clock.now() + timedelta(hours=4)).isoformat(),
            "assignee": "eng-12",
            "assignee_role": "engineer",
        }
        body.update(overrides)
        return {k: v for k, v in body.items() if v is not None}

    async def issue(self, **overrides: Any) -> dict[str, Any]:
        answer = await self.client.post(
            "/work-orders", json=self.order_body(**overrides), headers=self.dispatcher()
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def post(
        self, work_order_id: str, action: str, headers: dict[str, str], json: Any = None
    ) -> httpx.Response:
        return await self.client.post(
            f"/work-orders/{work_order_id}/{action}", json=json, headers=headers
        )

    async def stream(self, stream_id: str) -> list[Any]:
        async with self.service.runtime.engine.connect() as conn:
            return await self.service.runtime.store.read_stream(conn, stream_id)

    async def all_events(self) -> list[Any]:
        async with self.service.runtime.engine.connect() as conn:
            return await self.service.runtime.store.read_all(conn)


@pytest.fixture
async def dispatch(database_url: str) -> AsyncIterator[Dispatch]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url, auth_secret=SECRET)
    service = ServiceApp(load_service("dispatch"), settings, clock=clock)
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://dispatch") as client:
        yield Dispatch(service, client, clock)
    await service.stop()
