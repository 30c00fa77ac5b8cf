"""Permits' events that become dispatch commands (pure policies): flow 2."""

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events.permits_conduct import InspectionRequested

from dispatch.domain.private_events import WorkOrderRequestReceived
from dispatch.domain.requests import ReceiveRequest


def inspection_requested(request: EventPayload, envelope: EventEnvelope) -> ReceiveRequest:
    """Flow 2 (RP-12 rev.2): a renovation complaint to inspect; queued for a dispatcher
    like callcenter's requests (flow 1), keyed by the complaint's ticket."""
    assert isinstance(request, InspectionRequested)
    received = WorkOrderRequestReceived(
        ticket_id=request.ticket_id,
        kind="complaint",
        location=request.location,
        content=request.content,
        requirements=request.requirements,
        reply_by=request.reply_by,
        requested_event_id=str(envelope.event_id),
        inspection_id=request.inspection_id,
        permit_id=request.permit_id,
        unit_id=request.unit_id,
    )
    return ReceiveRequest(envelope.site_id, received)


INBOUND = [
    Inbound(
        name="inspection-requests",
        topic=events_topic("permits"),
        events=(InspectionRequested,),
        policy=inspection_requested,
        component="inspections",
    ),
]
