"""Helpers of the works-conduct tests: what Kafka would deliver, handed to permits'
own subscriptions in-process (the flow 2 e2e test runs the real processes)."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

from opsledger_contracts import DecodedEvent, EventEnvelope, EventPayload
from opsledger_contracts.events.callcenter import TicketOpened
from permits.inbound import INBOUND

from tests.permits.conftest import SITE, Permits


async def deliver(permits: Permits, subscription: str, message: DecodedEvent) -> None:
    """As the subscription does, in one transaction."""
    subscriptions = permits.service.bus.subscriptions("permits", INBOUND)
    (found,) = [s for s in subscriptions if s.name == subscription]
    async with permits.service.runtime.transaction() as tx:
        await found.handler(tx, message)


async def relay_own(permits: Permits, event_type: str, subscription: str) -> None:
    """Permits' own published event (e.g. `RenovationWorksStarted`) back to permits."""
    for recorded in await permits.events():
        if recorded.event_type == event_type:
            message = DecodedEvent(envelope=recorded.envelope("permits"), payload=recorded.decode())
            await deliver(permits, subscription, message)


def envelope(payload: EventPayload, source: str, at: Any, site_id: str = SITE) -> EventEnvelope:
    return EventEnvelope(
        event_id=uuid4(),
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        source=source,
        site_id=site_id,
        stream_id=f"{source}-stream",
        stream_type=payload.stream_type or "Stream",
        stream_version=1,
        occurred_at=at,
        correlation_id="corr-flow-2",
        actor="agent-1",
    )


def complaint(permits: Permits, ticket_id: str, unit_id: str, site_id: str = SITE) -> DecodedEvent:
    now = permits.clock.now()
    payload = TicketOpened(
        ticket_id=ticket_id,
        kind="complaint",
        channel="phone",
        subject="Noise from renovation next door",
        description="Drilling after 20:00",
        complaint_level=2,
        category="renovation",
        renovation_unit=unit_id,
        owner="agent-1",
        month=now.strftime("%Y-%m"),
        first_response_due_at=now + timedelta(hours=24),
        sla_continuous=True,
        calendar_id="24x7",
    )
    return DecodedEvent(envelope=envelope(payload, "callcenter", now, site_id), payload=payload)


async def active_works(permits: Permits, permit_id: str = "pmt-1", unit_id: str = "B2-1203") -> Any:
    """A permit whose works started, and its works record opened from the published event."""
    await permits.started(permit_id, unit_id)
    await relay_own(permits, "RenovationWorksStarted", "works-started")
    return await permits.get(f"/works/{permit_id}", permits.cs)
