"""Carrier helpers over the registry fixture (tests/secrets_registry/conftest.py): cleared
people built through its own personnel commands, carriers, tokens with every role."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.clock import ManualClock
from opsledger.pipeline import Origin
from secrets_registry.domain.clearance import PersonLevel
from secrets_registry.domain.personnel import commands as pc

from tests.secrets_registry import harness
from tests.secrets_registry.harness import SECRET
from tests.tokens import Bearer

SITE = "site-a"
SCOPE = "security-office"
ALL_ROLES = "secrecy_officer,secrecy_committee,auditor,unit_leader,department_head,cleared_staff"


@dataclass
class Carriers:
    service: ServiceApp
    client: httpx.AsyncClient
    clock: ManualClock

    def auth(self, staff: str, roles: str = ALL_ROLES, sites: str = SITE) -> Bearer:
        tokens = TokenService(SECRET, clock=self.clock, audience="secrets_registry")
        return Bearer(tokens, staff, roles.split(","), sites.split(","))

    @property
    def officer(self) -> Mapping[str, str]:
        return self.auth("off-1", "secrecy_officer")

    @property
    def leader(self) -> Mapping[str, str]:
        return self.auth("lead-1", "unit_leader")

    async def run(self, command: Any) -> Any:
        return await self.service.bus.run(command, Origin.system("test"))

    async def person(
        self,
        pid: str,
        level: PersonLevel | None = PersonLevel.CORE,
        scopes: tuple[str, ...] = (SCOPE,),
        pledged_on: date | None = date(2026, 12, 1),
    ) -> None:
        """A person through SR-1 … SR-4: level approved, vetted, trained, pledged (on
        `pledged_on`, None: never), in post, in `scopes`. `level` None: no record."""
        if level is None:
            return
        await self.run(pc.ProposeLevel(SITE, pid, "archives", "keeper", level, False, "needs it"))
        await self.run(pc.ReviewLevel(pid, True, "agreed"))
        await self.run(pc.ApproveLevel(pid, True, f"BM-{pid}", "filed"))
        ok: pc.Verdict = "satisfactory"
        day = date(2026, 12, 1)
        await self.run(pc.RecordVetting(pid, day, ok, ok, ok, ok, "competent", "clean"))
        await self.run(pc.RecordEducation(pid, f"T-{pid}", "training", day, "law", "passed"))
        if pledged_on is not None:
            await self.run(pc.SignPledge(pid, f"P-{pid}", "entry", pledged_on))
        await self.run(pc.EnterPost(pid, day))
        for scope in scopes:
            await self.run(pc.GrantScope(pid, scope, "needs to know"))

    async def post(
        self, path: str, body: Any, headers: Mapping[str, str], status: int = 200
    ) -> Any:
        answer = await self.client.post(path, json=body, headers=headers)
        assert answer.status_code == status, answer.text
        return answer.json()

    async def get(
        self,
        path: str,
        headers: Mapping[str, str],
        status: int = 200,
        query: Mapping[str, str] | None = None,
    ) -> Any:
        await self.service.read_models.catch_up()
        params = {"site_id": SITE, **(query or {})}
        answer = await self.client.get(path, params=params, headers=headers)
        assert answer.status_code == status, answer.text
        return answer.json()

    def carrier_body(
        self, carrier_id: str = "car-1", level: str = "secret", **kw: Any
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "site_id": SITE,
            "carrier_id": carrier_id,
            "title": f"Substation plan {carrier_id}",
            "kind": "document",
            "level": level,
            "retention_years": 10,
            "scope": [SCOPE],
            "copies": 2,
            "originator": "City bureau",
            "storage": "officer_safe" if level == "top_secret" else "secrecy_room",
        }
        body.update(kw)
        return body

    async def carrier(self, carrier_id: str = "car-1", level: str = "secret", **kw: Any) -> Any:
        """Registered by off-1 (who must be a cleared person: `person("off-1")` first)."""
        return await self.post(
            "/carriers", self.carrier_body(carrier_id, level, **kw), self.officer, 201
        )

    async def events(self, stream_prefix: str = "") -> list[Any]:
        async with self.service.runtime.engine.connect() as conn:
            events = await self.service.runtime.store.read_all(conn)
        return [e for e in events if e.stream_id.startswith(stream_prefix)]


@pytest.fixture
def carriers(registry: harness.Registry) -> Carriers:
    """The registry of `tests/secrets_registry/conftest.py`, with the carrier helpers."""
    return Carriers(registry.service, registry.client, registry.clock)
