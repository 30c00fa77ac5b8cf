"""The registry in-process on a ManualClock, with one bearer per registry role."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.clock import ManualClock

from tests.processes import random_key
from tests.tokens import Bearer

SECRET = random_key()
# Monday 2026-12-07 10:00 in Asia/Shanghai (the default site zone).
START = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
SITE = "site-a"
OK = "satisfactory"


@dataclass
class Registry:
    service: ServiceApp
    client: httpx.AsyncClient
    clock: ManualClock

    def auth(self, staff: str, roles: str, sites: str = SITE) -> Bearer:
        tokens = TokenService(SECRET, clock=self.clock, audience="secrets_registry")
        return Bearer(tokens, staff, roles.split(","), sites.split(","))

    @property
    def officer(self) -> Bearer:
        return self.auth("off-01", "secrecy_officer")

    @property
    def committee(self) -> Bearer:
        return self.auth("cmte-01", "secrecy_committee")

    @property
    def head(self) -> Bearer:
        return self.auth("head-01", "department_head")

    @property
    def leader(self) -> Bearer:
        return self.auth("lead-01", "unit_leader")

    @property
    def auditor(self) -> Bearer:
        return self.auth("aud-01", "auditor")

    async def post(
        self, path: str, body: Any, headers: Mapping[str, str], status: int = 200
    ) -> Any:
        answer = await self.client.post(path, json=body, headers=headers)
        assert answer.status_code == status, answer.text
        return answer.json()

    async def get(
        self, path: str, headers: Mapping[str, str], status: int = 200, **params: str
    ) -> Any:
        await self.service.read_models.catch_up()
        answer = await self.client.get(path, params=params, headers=headers)
        assert answer.status_code == status, answer.text
        return answer.json()

    async def in_post(
        self,
        person_id: str = "stf-0107",
        level: str = "important",
        key_department: bool = False,
        day: str = "2026-12-07",
    ) -> None:
        """Proposed, reviewed, approved and filed, vetted, trained, pledged, in post."""
        proposal = {
            "site_id": SITE,
            "person_id": person_id,
            "department": "archives",
            "post": "keeper",
            "level": level,
            "key_department": key_department,
            "reason": "keeps the archive",
        }
        await self.post("/people", proposal, self.head, 201)
        base = f"/people/{person_id}"
        await self.post(
            f"{base}/level-proposals/review", {"endorsed": True, "opinion": "ok"}, self.head
        )
        approval = {"approved": True, "filing_no": "BM-2026-07", "note": "filed"}
        await self.post(f"{base}/level-proposals/approval", approval, self.committee)
        vetting = {
            "vetted_on": day,
            "political_conduct": OK,
            "work_performance": OK,
            "study": OK,
            "secrecy_compliance": OK,
            "last_year_appraisal": "competent",
            "note": "clean",
        }
        await self.post(f"{base}/vetting", vetting, self.officer)
        training = {
            "record_id": "T1",
            "kind": "training",
            "held_on": day,
            "topic": "secrecy law",
            "result": "passed",
        }
        await self.post(f"{base}/education", training, self.officer)
        pledge = {"pledge_id": "P1", "kind": "entry", "signed_on": day}
        await self.post(f"{base}/pledges", pledge, self.officer)
        await self.post(f"{base}/post", {"entered_on": day}, self.officer)

    async def events(self) -> list[Any]:
        async with self.service.runtime.engine.connect() as conn:
            return await self.service.runtime.store.read_all(conn)
