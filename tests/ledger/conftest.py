"""Fixtures of the ledger tests: the service in-process on a ManualClock, entries
delivered as the consumer receives them from Kafka (CloudEvents headers + JSON)."""

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.clock import ManualClock
from opsledger.consumers import IncomingMessage, Outcome
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger_contracts import EventEnvelope, encode_message, events_topic
from opsledger_contracts.events.dispatch import DispatchLedgerEntryRecorded
from opsledger_contracts.events.fleet import FleetLedgerEntryRecorded
from opsledger_contracts.ledger import LedgerEntry

from tests.processes import random_key
from tests.tokens import Bearer

SECRET = random_key()
# Friday 2026-11-27 10:00 in Asia/Shanghai (the default site zone): November is open.
START = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
SITE = "site-a"


@dataclass
class Ledger:
    service: ServiceApp
    client: httpx.AsyncClient
    clock: ManualClock
    lag: dict[str, int] = field(default_factory=dict)
    offset: int = 0

    def auth(self, staff: str, roles: str, sites: str = SITE) -> Bearer:
        tokens = TokenService(SECRET, clock=self.clock, audience="ledger")
        return Bearer(tokens, staff, roles.split(","), sites.split(","))

    @property
    def finance(self) -> Mapping[str, str]:
        return self.auth("fin-1", "finance", "*")

    async def register(self, person: str, site: str = SITE) -> None:
        body = {"site_id": site, "person": person}
        answer = await self.client.post("/people", json=body, headers=self.finance)
        assert answer.status_code == 201, answer.text

    def message(self, payload: LedgerEntry, site: str = SITE) -> tuple[Any, bytes, Any]:
        """The Kafka record (key, value, headers) a source publishes for `payload`."""
        envelope = EventEnvelope(
            event_id=uuid4(),
            event_type=payload.event_type,
            schema_version=1,
            source=payload.service,
            site_id=site,
            stream_id=f"src-{payload.entry_id}",
            stream_type=payload.stream_type or "Conduct",
            stream_version=1,
            occurred_at=self.clock.now(),
            correlation_id="corr-flow5",
            actor="system:test",
        )
        return encode_message(envelope, payload)

    async def deliver(
        self,
        payload: LedgerEntry,
        site: str = SITE,
        event_id: UUID | None = None,
        topic_prefix: str = "",
    ) -> Outcome:
        """One published entry, through the ledger's consumer of its source topic."""
        envelope = EventEnvelope(
            event_id=event_id or uuid4(),
            event_type=payload.event_type,
            schema_version=1,
            source=payload.service,
            site_id=site,
            stream_id=f"src-{payload.entry_id}",
            stream_type=payload.stream_type or "Conduct",
            stream_version=1,
            occurred_at=self.clock.now(),
            correlation_id="corr-flow5",
            actor="system:test",
        )
        key, value, headers = encode_message(envelope, payload)
        topic = events_topic(payload.service)
        self.offset += 1
        for consumer in self.service.consumers:
            if consumer.subscription.topic == topic:
                where = topic_prefix + topic  # a test's own topic: its dead letters
                message = IncomingMessage(where, 0, self.offset, key, value, tuple(headers))
                return await consumer.handle(message)
        raise AssertionError(f"the ledger does not consume {topic}")

    async def get(self, path: str, headers: Mapping[str, str], status: int = 200) -> Any:
        await self.service.read_models.catch_up()
        answer = await self.client.get(path, headers=headers)
        assert answer.status_code == status, answer.text
        return answer.json()


def fleet_entry(entry_id: str, person: str = "drv-07", **fields: Any) -> FleetLedgerEntryRecorded:
    values: dict[str, Any] = {
        "entry_id": entry_id,
        "person": person,
        "month": "2026-11",
        "kind": "reward",
        "amount_fen": 10000,
        "rule": "FL-9",
        "reason": "Safe-driving month (driver) 2026-11",
        "source": "rewards-site-a-2026-11",
    }
    values.update(fields)
    return FleetLedgerEntryRecorded(**values)


def dispatch_entry(
    entry_id: str, person: str = "drv-07", **fields: Any
) -> DispatchLedgerEntryRecorded:
    values: dict[str, Any] = {
        "entry_id": entry_id,
        "person": person,
        "month": "2026-11",
        "kind": "penalty",
        "amount_fen": 3000,
        "rule": "WO-5",
        "reason": "Reply-by passed without completion or a progress report",
        "source": "WO-site-a-000042",
    }
    values.update(fields)
    return DispatchLedgerEntryRecorded(**values)


@pytest.fixture
async def ledger(database_url: str, request: pytest.FixtureRequest) -> AsyncIterator[Ledger]:
    clock = ManualClock(START)
    settings = Settings(database_url=database_url, auth_secret=SECRET)
    if request.node.get_closest_marker("kafka"):  # dead letters go to the real broker
        bootstrap = request.getfixturevalue("kafka_bootstrap")
        settings = Settings(
            database_url=database_url,
            auth_secret=SECRET,
            kafka_bootstrap_servers=bootstrap,
            kafka_topic_prefix=f"test-{uuid4().hex[:8]}.",  # topics of its own
        )
    service = ServiceApp(load_service("ledger"), settings, clock=clock)
    await service.start(background=False)
    state = Ledger(service, httpx.AsyncClient(), clock)

    async def lag() -> dict[str, int]:  # Kafka is not here: the test says what is in flight
        return dict(state.lag)

    service.inbound_lag = lag  # type: ignore[method-assign]
    transport = httpx.ASGITransport(app=service.build_http(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://ledger") as client:
        state.client = client
        yield state
    await service.stop()
