"""The ticket aggregate (CC-1 … CC-5, CC-7, CC-10), declared once: stream `ticket-<id>`.

SLA timers (CC-3) and the customer-record timer (CC-7) follow from the recorded events;
their kinds, ids and payload keys are the ones pending timers in existing databases carry.
"""

from collections.abc import Sequence
from typing import Any
from uuid import uuid4

from opsledger.decider import Aggregate, Cancel, DueTimer, Event, Reaction, Schedule
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts.events.callcenter import (
    TicketClosed,
    TicketFirstResponded,
    TicketOpened,
    TicketSlaPaused,
    TicketSlaResumed,
)

from callcenter.domain.roles import CC_ROLES
from callcenter.domain.tickets import commands as c
from callcenter.domain.tickets.decide import decide
from callcenter.domain.tickets.sla import first_response_deadline
from callcenter.domain.tickets.state import TicketState, evolve

STREAM_TYPE = "Ticket"
SLA_TIMER = "callcenter.ticket-sla"
CUSTOMER_RECORD_TIMER = "callcenter.customer-record"


def new_ticket_id(site_id: str) -> str:
    return f"T-{site_id}-{uuid4().hex[:12]}"


def sla_timer_id(ticket_id: str) -> str:
    """CC-3's timer of a ticket (the id pending timers in existing databases carry)."""
    return "ticket-sla-" + ticket_id


def customer_record_timer_id(ticket_id: str) -> str:
    """CC-7's timer of a ticket."""
    return "ticket-customer-record-" + ticket_id


def reactions(state: TicketState, events: Sequence[Event]) -> list[Reaction]:
    """CC-3: the breach is emitted when due, by a durable timer; CC-7 likewise."""
    out: list[Reaction] = []
    for event in events:
        match event.payload:
            case TicketOpened(ticket_id=tid) as opened:
                due = opened.first_response_due_at
                out.append(Schedule(sla_timer_id(tid), SLA_TIMER, due, {"ticket_id": tid}))
                if opened.customer_record_due_at is not None:
                    record_due = opened.customer_record_due_at
                    timer = customer_record_timer_id(tid)
                    out.append(
                        Schedule(timer, CUSTOMER_RECORD_TIMER, record_due, {"ticket_id": tid})
                    )
            case TicketSlaResumed(ticket_id=tid, first_response_due_at=due):
                out.append(Schedule(sla_timer_id(tid), SLA_TIMER, due, {"ticket_id": tid}))
            case (
                TicketSlaPaused(ticket_id=tid)
                | TicketFirstResponded(ticket_id=tid)
                | TicketClosed(ticket_id=tid)
            ):
                out.append(Cancel(sla_timer_id(tid)))
    return out


def _breach_due(timer: DueTimer) -> c.MarkSlaBreached:
    return c.MarkSlaBreached(ticket_id=str(timer.payload["ticket_id"]), due_at=timer.due_at)


def _record_due(timer: DueTimer) -> c.MarkCustomerRecordMissing:
    ticket_id = str(timer.payload["ticket_id"])
    return c.MarkCustomerRecordMissing(ticket_id=ticket_id, due_at=timer.due_at)


TICKET: Aggregate[TicketState, Any] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="ticket-",
    initial=TicketState(),
    evolve=evolve,
    stream_id=c.ticket_stream,
    commands={
        c.StartTicket: (SYSTEM_ONLY, decide),  # through the OpenTicket workflow (reads the record)
        c.AttachCustomer: (
            SYSTEM_ONLY,
            decide,
        ),  # through the LinkCustomer / CreateCustomer workflows
        c.TransferTicket: (CC_ROLES, decide),
        c.RecordFirstResponse: (CC_ROLES, decide),
        c.PauseSla: (CC_ROLES, decide),
        c.ResumeSla: (CC_ROLES, decide),
        c.EscalateTicket: (CC_ROLES, decide),
        c.TakeEscalation: (CC_ROLES, decide),
        c.RequestWorkOrder: (CC_ROLES, decide),
        c.ResolveTicket: (CC_ROLES, decide),
        c.RecordCallback: (CC_ROLES, decide),
        c.RecordSatisfactionSurvey: (CC_ROLES, decide),
        c.CloseTicket: (CC_ROLES, decide),
        c.MarkSlaBreached: (SYSTEM_ONLY, decide),
        c.MarkCustomerRecordMissing: (SYSTEM_ONLY, decide),
        c.RecordWorkOrderProgress: (SYSTEM_ONLY, decide),
    },
    creates=frozenset({c.StartTicket}),
    reactions=reactions,
    timers={SLA_TIMER: _breach_due, CUSTOMER_RECORD_TIMER: _record_due},
    timer_actors={
        SLA_TIMER: "callcenter.sla",
        CUSTOMER_RECORD_TIMER: "callcenter.customer-records",
    },
)

__all__ = [
    "CUSTOMER_RECORD_TIMER",
    "SLA_TIMER",
    "STREAM_TYPE",
    "TICKET",
    "TicketState",
    "first_response_deadline",
]
