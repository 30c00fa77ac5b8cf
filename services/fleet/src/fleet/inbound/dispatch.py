"""Dispatch's events that become fleet commands (pure policies): flow 3's vehicle request."""

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events.dispatch import VehicleRequested

from fleet.workflows.requests import AnswerVehicleRequest


def policy(payload: EventPayload, envelope: EventEnvelope) -> AnswerVehicleRequest | None:
    if not isinstance(payload, VehicleRequested):
        return None
    return AnswerVehicleRequest(
        site_id=envelope.site_id,
        work_order_id=payload.work_order_id,
        request_id=payload.request_id,
        purpose=payload.purpose,
        business=payload.business,
        destination=payload.destination,
        needed_at=payload.needed_at,
    )


INBOUND = [
    Inbound(
        name="vehicle-requests",
        topic=events_topic("dispatch"),
        events=(VehicleRequested,),
        policy=policy,
    )
]
