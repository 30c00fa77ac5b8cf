"""Callcenter's events that become dispatch commands (pure policies)."""

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events.callcenter import DiagnosticPingSent, WorkOrderRequested
from opsledger_contracts.events.dispatch import DiagnosticPingReceived

from dispatch.domain.diagnostics import RecordPingReceipt
from dispatch.domain.private_events import WorkOrderRequestReceived
from dispatch.domain.requests import ReceiveRequest


def ping_received(ping: EventPayload, envelope: EventEnvelope) -> RecordPingReceipt:
    assert isinstance(ping, DiagnosticPingSent)
    receipt = DiagnosticPingReceived(
        ping_id=ping.ping_id,
        message=ping.message,
        sent_event_id=str(envelope.event_id),
        sent_at=envelope.occurred_at,
    )
    return RecordPingReceipt(envelope.site_id, receipt)


def work_order_requested(request: EventPayload, envelope: EventEnvelope) -> ReceiveRequest:
    """Flow 1 (CC-4): callcenter asks for a work order; recorded as an open request."""
    assert isinstance(request, WorkOrderRequested)
    fields = request.model_dump(include=set(WorkOrderRequestReceived.model_fields))
    received = WorkOrderRequestReceived(**fields, requested_event_id=str(envelope.event_id))
    return ReceiveRequest(envelope.site_id, received)


INBOUND = [
    Inbound(
        name="diagnostic-pings",
        topic=events_topic("callcenter"),
        events=(DiagnosticPingSent,),
        policy=ping_received,
        component="diagnostics",
    ),
    Inbound(
        name="work-order-requests",
        topic=events_topic("callcenter"),
        events=(WorkOrderRequested,),
        policy=work_order_requested,
        component="requests",
    ),
]
