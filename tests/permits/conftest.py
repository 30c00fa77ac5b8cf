"""Fixtures of the permits tests: the service in-process on a ManualClock."""

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.clock import ManualClock
from opsledger.service import load_service
from opsledger.settings import Settings

from tests.processes import random_key
from tests.tokens import Bearer

SECRET = random_key()
# Monday 2026-11-23 09:00 in Asia/Shanghai (the default site zone).
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SITE = "site-a"
FEES = {
    "deposit": 200000,
    "management_fee": 50000,
    "waste_removal_fee": 30000,
    "worker_pass_deposit": 20000,
}
DRAWINGS = [
    "lighting_system",
    "ceiling",
    "lighting_plan",
    "sockets",
    "low_voltage",
    "partitions",
]


def application(
    permit_id: str = "pmt-1", unit_id: str = "B2-1203", **overrides: Any
) -> dict[str, Any]:
    """A complete RP-1 application by the unit's owner own-1."""
    body: dict[str, Any] = {
        "site_id": SITE,
        "permit_id": permit_id,
        "unit_id": unit_id,
        "applicant_id": "own-1",
        "identity_verified": True,
        "form": True,
        "drawings": [{"kind": k, "copies": 2, "construction_notes": True} for k in DRAWINGS],
        "pledge": True,
        "handbook_issued": True,
        "contractor": "Minjiang Decor Co.",
        "works": "Kitchen and bathroom refit",
    }
    body.update(overrides)
    return body


@dataclass
class Permits:
    service: ServiceApp
    client: httpx.AsyncClient
    clock: ManualClock

    def auth(self, staff: str, roles: str, sites: str = SITE) -> Bearer:
        tokens = TokenService(SECRET, clock=self.clock, audience="permits")
        return Bearer(tokens, staff, roles.split(","), sites.split(","))

    @property
    def desk(self) -> Mapping[str, str]:
        return self.auth("fd-01", "front_desk")

    @property
    def cs(self) -> Mapping[str, str]:
        return self.auth("cs-01", "customer_service")

    @property
    def eng(self) -> Mapping[str, str]:
        return self.auth("eng-01", "engineering")

    @property
    def finance(self) -> Mapping[str, str]:
        return self.auth("fin-01", "finance")

    @property
    def manager(self) -> Mapping[str, str]:
        return self.auth("mgr-01", "manager")

    async def post(
        self, path: str, body: Any, headers: Mapping[str, str], status: int = 200, **params: str
    ) -> Any:
        answer = await self.client.post(path, json=body, headers=headers, params=params)
        assert answer.status_code == status, answer.text
        return answer.json()

    async def get(
        self, path: str, headers: Mapping[str, str], status: int = 200, **params: str
    ) -> Any:
        await self.service.read_models.catch_up()
        answer = await self.client.get(path, params=params, headers=headers)
        assert answer.status_code == status, answer.text
        return answer.json()

    async def unit(self, unit_id: str = "B2-1203", handbook: bool = False) -> Any:
        body = {
            "site_id": SITE,
            "unit_id": unit_id,
            "label": f"Tower B2 {unit_id}",
            "owners": [{"owner_id": "own-1", "name": "Chen Jing"}],
            "handbook_signed_at_handover": handbook,
        }
        return await self.post("/units", body, self.desk, 201)

    async def approved(self, permit_id: str = "pmt-1", unit_id: str = "B2-1203") -> Any:
        """A unit, its owner's application, handed over and approved with the four fees."""
        await self.unit(unit_id)
        await self.post("/permits", application(permit_id, unit_id), self.desk, 201)
        await self.post(f"/permits/{permit_id}/hand-over", None, self.cs)
        fees = [{"kind": k, "amount_fen": v} for k, v in FEES.items()]
        return await self.post(f"/permits/{permit_id}/approve", {"fees": fees}, self.eng)

    async def started(self, permit_id: str = "pmt-1", unit_id: str = "B2-1203") -> Any:
        """Approved, notified, every fee paid, equipment checked, two passes issued."""
        await self.approved(permit_id, unit_id)
        path = f"/permits/{permit_id}"
        await self.post(f"{path}/notify", {"note": "Phoned the owner"}, self.cs)
        for n, (kind, amount) in enumerate(FEES.items()):
            fee = {"kind": kind, "amount_fen": amount, "receipt_no": f"R-{n}", "paid_by": "owner"}
            await self.post(f"{path}/fees", fee, self.finance)
        check = {"passed": True, "findings": "Risers and meters in order"}
        await self.post(f"{path}/equipment-check", check, self.eng)
        workers = [{"pass_no": "P-1", "name": "Wang Lei"}, {"pass_no": "P-2", "name": "Li Qiang"}]
        return await self.post(
            f"{path}/start", {"workers": workers, "extinguishers_on_site": True}, self.cs
        )

    async def events(self) -> list[Any]:
        async with self.service.runtime.engine.connect() as conn:
            return await self.service.runtime.store.read_all(conn)


@pytest.fixture
async def permits(database_url: str) -> AsyncIterator[Permits]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url, auth_secret=SECRET)
    service = ServiceApp(load_service("permits"), settings, clock=clock)
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://permits") as client:
        yield Permits(service, client, clock)
    await service.stop()
