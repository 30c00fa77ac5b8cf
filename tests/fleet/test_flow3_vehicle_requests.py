"""Flow 3 (WO-11) fleet side: dispatch's VehicleRequested, as the consumer receives it from
Kafka (CloudEvents headers + JSON), becomes a trip or a refusal naming order and request."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

from opsledger.consumers import IncomingMessage, Outcome
from opsledger_contracts import EventEnvelope, encode_message, events_topic
from opsledger_contracts.events.dispatch import VehicleRequested

from tests.fleet.conftest import SITE, Fleet

WO = "WO-site-a-000042"


async def deliver(fleet: Fleet, request_id: str, offset: int = 0) -> None:
    now = fleet.clock.now()
    payload = VehicleRequested(
        work_order_id=WO,
        serial_no=42,
        request_id=request_id,
        purpose="official_business",
        business="Repair at Block 3, unit 1202",
        destination="Block 3",
        needed_at=now + timedelta(hours=1),
    )
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type="VehicleRequested",
        schema_version=1,
        source="dispatch",
        site_id=SITE,
        stream_id=WO,
        stream_type="WorkOrder",
        stream_version=3,
        occurred_at=now,
        correlation_id="corr-flow3",
        actor="disp-07",
    )
    key, value, headers = encode_message(envelope, payload)
    topic = events_topic("dispatch")
    for consumer in fleet.service.consumers:
        if consumer.subscription.topic == topic:
            message = IncomingMessage(topic, 0, offset, key, value, tuple(headers))
            assert await consumer.handle(message) == Outcome.HANDLED


async def answers(fleet: Fleet) -> list[Any]:
    return [
        e.decode()
        for e in await fleet.events()
        if e.event_type in ("VehicleRequestFulfilled", "VehicleRequestRefused")
    ]


async def test_wo11_request_is_refused_without_a_certified_driver(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.service.read_models.catch_up()
    await deliver(fleet, f"{WO}-vehicle-1")
    [refusal] = await answers(fleet)
    assert (refusal.work_order_id, refusal.request_id, refusal.rule) == (
        WO,
        f"{WO}-vehicle-1",
        "FL-1",
    )


async def test_wo11_request_dispatches_a_trip_once(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.driver("drv-07")
    await fleet.driver("drv-08", valid_to="2026-11-01")  # expired: never chosen (FL-1)
    await fleet.service.read_models.catch_up()
    await deliver(fleet, f"{WO}-vehicle-1", 0)
    await deliver(fleet, f"{WO}-vehicle-1", 1)  # redelivered: answered once
    [answer] = await answers(fleet)
    assert answer.driver_id == "drv-07" and answer.vehicle_id == "veh-1"
    trips = await fleet.get("/vehicles/veh-1/trips", fleet.director, site_id=SITE)
    assert [(t["work_order_id"], t["request_id"]) for t in trips] == [(WO, f"{WO}-vehicle-1")]
    await deliver(fleet, f"{WO}-vehicle-2", 2)  # the only vehicle is out now
    refusal = (await answers(fleet))[-1]
    assert refusal.request_id == f"{WO}-vehicle-2" and refusal.rule in ("FL-1", "FL-2")
