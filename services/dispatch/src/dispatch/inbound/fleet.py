"""Fleet's events that become dispatch commands (pure policies)."""

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events.fleet import (
    VehicleRequestFulfilled,
    VehicleRequestReferredToDirector,
    VehicleRequestRefused,
    VehicleRequestReserved,
)

from dispatch.domain.work_order.commands import RecordVehicleAnswer, VehicleAnswer
from dispatch.domain.work_order.state import site_of


def vehicle_answered(answer: EventPayload, envelope: EventEnvelope) -> RecordVehicleAnswer | None:
    """Flow 3 (WO-11): fleet's word on a vehicle request of one of our orders: waiting for
    the depot director, reserved (FL-2 rev.2), the trip or the refusal.

    An answer naming an order of another site than the envelope's is not ours to record.
    """
    assert isinstance(answer, VehicleAnswer)
    if site_of(answer.work_order_id) != envelope.site_id:
        return None
    return RecordVehicleAnswer(answer.work_order_id, answer)


INBOUND = [
    Inbound(
        name="vehicle-answers",
        topic=events_topic("fleet"),
        events=(
            VehicleRequestReferredToDirector,
            VehicleRequestReserved,
            VehicleRequestFulfilled,
            VehicleRequestRefused,
        ),
        policy=vehicle_answered,
        component="vehicles",
    ),
]
