"""Callcenter's events that become permits commands (pure policies): flow 2's start."""

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events.callcenter import TicketOpened

from permits.workflows.flow2 import ReceiveRenovationComplaint

RENOVATION = "renovation"


def renovation_complaint(
    ticket: EventPayload, envelope: EventEnvelope
) -> ReceiveRenovationComplaint | None:
    """CC-10: a complaint about a neighbour's renovation names the unit; other tickets
    are not ours."""
    assert isinstance(ticket, TicketOpened)
    if ticket.kind != "complaint" or ticket.category != RENOVATION or not ticket.renovation_unit:
        return None
    content = f"{ticket.subject}: {ticket.description}" if ticket.description else ticket.subject
    return ReceiveRenovationComplaint(
        site_id=envelope.site_id,
        ticket_id=ticket.ticket_id,
        unit_id=ticket.renovation_unit,
        content=content,
    )


INBOUND = [
    Inbound(
        name="renovation-complaints",
        topic=events_topic("callcenter"),
        events=(TicketOpened,),
        policy=renovation_complaint,
        component="complaints",
    ),
]
