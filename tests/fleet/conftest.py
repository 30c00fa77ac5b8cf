"""Fixtures of the fleet tests: the service in-process on a ManualClock."""

from collections.abc import AsyncIterator, Mapping
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

from tests.processes import random_key
from tests.tokens import Bearer

SECRET = random_key()
# Monday 2026-11-23 09:00 in Asia/Shanghai (the default site zone).
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
SITE = "site-a"


@dataclass
class Fleet:
    service: ServiceApp
    client: httpx.AsyncClient
    clock: ManualClock

    def auth(self, staff: str, roles: str, sites: str = SITE) -> Bearer:
        # Minted on the service's clock whenever a request uses it (it checks iat, exp).
        tokens = TokenService(SECRET, clock=self.clock, audience="fleet")
        return Bearer(tokens, staff, roles.split(","), sites.split(","))

    @property
    def director(self) -> Mapping[str, str]:
        return self.auth("dir-01", "depot_director")

    @property
    def captain(self) -> Mapping[str, str]:
        return self.auth("cap-01", "fleet_captain")

    @property
    def manager(self) -> Mapping[str, str]:
        return self.auth("mgr-01", "manager")

    async def post(
        self, path: str, body: Any, headers: Mapping[str, str], status: int = 200
    ) -> Any:
        answer = await self.client.post(path, json=body, headers=headers)
        assert answer.status_code == status, answer.text
        return answer.json()

    async def get(self, path: str, headers: Mapping[str, str], **params: str) -> Any:
        await self.service.read_models.catch_up()
        answer = await self.client.get(path, params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.json()

    async def vehicle(self, vehicle_id: str = "veh-1", model: str = "soueast") -> Any:
        body = {
            "site_id": SITE,
            "vehicle_id": vehicle_id,
            "plate": f"闽A·{vehicle_id[-1]}0001",
            "model": model,
            "unit": "customer-service",
            "parking_place": "Depot yard, bay 3",
            "odometer_km": "1000.0",
        }
        return await self.post("/vehicles", body, self.captain, 201)

    async def driver(self, driver_id: str = "drv-07", valid_to: str = "2027-12-31") -> Any:
        body = {
            "site_id": SITE,
            "driver_id": driver_id,
            "name": "Lin Wei",
            "certificate_no": f"SG-{driver_id}",
            "valid_from": "2026-01-01",
            "valid_to": valid_to,
        }
        return await self.post("/drivers", body, self.captain, 201)

    def trip_body(self, **overrides: Any) -> dict[str, Any]:
        body = {
            "site_id": SITE,
            "vehicle_id": "veh-1",
            "purpose": "delivery",
            "business": "Route 3 delivery",
            "destination": "Route 3",
            "driver_id": "drv-07",
            "odometer_out_km": "1000.0",
        }
        body.update(overrides)
        return body

    async def month_after_a_trip_and_a_fill(self) -> Any:
        """veh-1 and drv-07 out and back (1,000 -> 1,500 km), then one full 100-litre fill
        at 1,400 km recorded three hours on: the vehicle-month answer."""
        await self.vehicle()
        await self.driver()
        trip = (await self.post("/trips", self.trip_body(), self.director, 201))["current_trip"]
        await self.post(
            f"/vehicles/veh-1/trips/{trip['trip_id']}/return",
            {"odometer_in_km": "1500.0"},
            self.director,
        )
        purchase = {
            "site_id": SITE,
            "vehicle_id": "veh-1",
            "litres": "100.00",
            "amount_fen": 85000,
            "station": "Sinopec Gulou",
            "odometer_km": "1400.0",
            "full_fill": True,
            "invoice_no": "INV-1",
            "filled_at": (self.clock.now() + timedelta(hours=2)).isoformat(),
        }
        self.clock.advance(timedelta(hours=3))
        return await self.post("/fuel-purchases", purchase, self.director, 201)

    async def events(self) -> list[Any]:
        async with self.service.runtime.engine.connect() as conn:
            return await self.service.runtime.store.read_all(conn)


@pytest.fixture
async def fleet(database_url: str) -> AsyncIterator[Fleet]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url, auth_secret=SECRET)
    service = ServiceApp(load_service("fleet"), settings, clock=clock)
    await service.start(background=False)
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://fleet") as client:
        yield Fleet(service, client, clock)
    await service.stop()
