"""Fixtures of the dispatch tests: the service in-process on a ManualClock."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import httpx
import pytest
from dispatch.inbound.callcenter import work_order_requested
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.calendar import SiteConfig
from opsledger.clock import ManualClock
from opsledger.pipeline import Origin
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger_contracts import EventEnvelope
from opsledger_contracts.events.callcenter import WorkOrderRequested

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
        site = overrides.get("site_id", SITE)
        answer = await self.client.post(
            "/work-orders",
            json=self.order_body(**overrides),
            headers=self.auth("disp-07", "dispatcher", site),
        )
        assert answer.status_code == 201, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def request(self, ticket_id: str, kind: str = "repair", **fields: Any) -> None:
        """Callcenter's `WorkOrderRequested` for `ticket_id`, as the inbound policy gets it."""
        site = fields.pop("site_id", SITE)
        payload = WorkOrderRequested(
            ticket_id=ticket_id,
            kind=kind,
            location="Block 3, unit 1202, kitchen",
            content="Water leaking under the sink",
            requirements="Replace the trap",
            reply_by=self.clock.now() + timedelta(days=1),
            **fields,
        )
        envelope = EventEnvelope(
            event_id=uuid4(),
            event_type=WorkOrderRequested.event_type,
            schema_version=WorkOrderRequested.schema_version,
            source="callcenter",
            site_id=site,
            stream_id=f"ticket-{ticket_id}",
            stream_type="Ticket",
            stream_version=2,
            occurred_at=self.clock.now(),
            correlation_id=f"corr-{ticket_id}",
            actor="agent-1",
        )
        command = work_order_requested(payload, envelope)
        async with self.service.runtime.transaction() as tx:
            await self.service.bus.execute_in(tx, command, Origin.system("requests"))

    async def reporting_line(self, staff: str, superior: str, site: str = SITE) -> None:
        """WO-4: a dispatch lead records whom `staff` reports to (escalation goes there)."""
        body = {"site_id": site, "staff_id": staff, "superior": superior}
        answer = await self.client.post(
            "/reporting-lines", json=body, headers=self.auth("lead-01", "dispatch_lead", site)
        )
        assert answer.status_code == 200, answer.text

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
    async with running(Settings(database_url=database_url, auth_secret=SECRET)) as service:
        yield service


@pytest.fixture
async def dispatch_with_sites(database_url: str) -> AsyncIterator[Dispatch]:
    """Per-site rules as OPSLEDGER_SITES gives them: site-b repeats within 14 days."""
    sites = {"site-b": SiteConfig(rules={"dispatch": {"repeat_repair_window_days": 14}})}
    settings = Settings(database_url=database_url, auth_secret=SECRET, sites=sites)
    async with running(settings) as service:
        yield service


@asynccontextmanager
async def running(settings: Settings) -> AsyncIterator[Dispatch]:
    clock = ManualClock(START)
    service = ServiceApp(load_service("dispatch"), settings, clock=clock)
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://dispatch") as client:
        yield Dispatch(service, client, clock)
    await service.stop()
