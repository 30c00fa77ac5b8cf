"""Flow 3 (WO-11) fleet side: dispatch's VehicleRequested, as the consumer receives it from
Kafka (CloudEvents headers + JSON), waits for the depot director with a suggested vehicle
and driver (FL-2 rev.2; the director's answers: test_fl2_rev2_director_dispatches)."""

from datetime import timedelta
from typing import Any
from uuid import uuid4

from opsledger.consumers import IncomingMessage, Outcome
from opsledger_contracts import EventEnvelope, encode_message, events_topic
from opsledger_contracts.events.dispatch import VehicleRequested

from tests.fleet.conftest import SITE, Fleet

WO = "WO-site-a-000042"


async def deliver(
    fleet: Fleet, request_id: str, offset: int = 0, needed_in: timedelta = timedelta(minutes=30)
) -> None:
    now = fleet.clock.now()
    payload = VehicleRequested(
        work_order_id=WO,
        serial_no=42,
        request_id=request_id,
        purpose="official_business",
        business="Repair at Block 3, unit 1202",
        destination="Block 3",
        needed_at=now + needed_in,
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


async def referrals(fleet: Fleet) -> list[Any]:
    return [
        e.decode()
        for e in await fleet.events()
        if e.event_type == "VehicleRequestReferredToDirector"
    ]


async def test_wo11_without_a_certified_driver_the_request_suggests_none(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.driver("drv-08", valid_to="2026-11-01")  # expired: never suggested (FL-1)
    await fleet.service.read_models.catch_up()
    await deliver(fleet, f"{WO}-vehicle-1")
    [referred] = await referrals(fleet)
    assert (referred.work_order_id, referred.request_id) == (WO, f"{WO}-vehicle-1")
    assert (referred.suggested_vehicle_id, referred.suggested_driver_id) == ("veh-1", None)
    assert (referred.purpose, referred.business, referred.destination) == (
        "official_business",
        "Repair at Block 3, unit 1202",
        "Block 3",
    )


async def test_wo11_a_redelivered_request_is_referred_once(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.driver("drv-07")
    await fleet.service.read_models.catch_up()
    await deliver(fleet, f"{WO}-vehicle-1", 0)
    await deliver(fleet, f"{WO}-vehicle-1", 1)  # redelivered: referred once
    [referred] = await referrals(fleet)
    assert (referred.suggested_vehicle_id, referred.suggested_driver_id) == ("veh-1", "drv-07")
    assert await answers(fleet) == []  # the director answers (FL-2 rev.2)
