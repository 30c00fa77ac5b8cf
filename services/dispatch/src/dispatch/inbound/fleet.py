"""Fleet's events that become dispatch commands (pure policies)."""

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events.fleet import VehicleRequestFulfilled, VehicleRequestRefused

from dispatch.domain.work_order.commands import RecordVehicleAnswer
from dispatch.domain.work_order.state import site_of


def vehicle_answered(answer: EventPayload, envelope: EventEnvelope) -> RecordVehicleAnswer | None:
    """Flow 3 (WO-11): fleet's trip or refusal for a vehicle request of one of our orders.

    An answer naming an order of another site than the envelope's is not ours to record.
    """
    assert isinstance(answer, VehicleRequestFulfilled | VehicleRequestRefused)
    if site_of(answer.work_order_id) != envelope.site_id:
        return None
    return RecordVehicleAnswer(answer.work_order_id, answer)


INBOUND = [
    Inbound(
        name="vehicle-answers",
        topic=events_topic("fleet"),
        events=(VehicleRequestFulfilled, VehicleRequestRefused),
        policy=vehicle_answered,
        component="vehicles",
    ),
]
