"""A ticket with a first-response SLA, the smallest case of a timer racing a person.

Opening a ticket schedules its SLA timer; the agent's first response cancels it; the
timer, when due, records a breach unless the ticket was answered. Used by the timer
concurrency tests (tests/kernel/test_concurrency_timers.py).
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any, ClassVar

from opsledger.decider import (
    Aggregate,
    Cancel,
    DecisionContext,
    Event,
    Reaction,
    Schedule,
)
from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY, roles
from opsledger_contracts import EventPayload

SLA = timedelta(hours=1)
SLA_KIND = "sla_first_response"


class SlaTicketOpened(EventPayload):
    """Test event."""

    event_type: ClassVar[str] = "SlaTicketOpened"
    service: ClassVar[str] = "kerneltest"

    ticket_id: str


class SlaTicketAnswered(EventPayload):
    """Test event."""

    event_type: ClassVar[str] = "SlaTicketAnswered"
    service: ClassVar[str] = "kerneltest"


class SlaTicketBreached(EventPayload):
    """Test event."""

    event_type: ClassVar[str] = "SlaTicketBreached"
    service: ClassVar[str] = "kerneltest"


PRIVATE_EVENTS = (SlaTicketOpened, SlaTicketAnswered, SlaTicketBreached)


@dataclass(frozen=True)
class OpenTicket:
    site_id: str
    ticket_id: str


@dataclass(frozen=True)
class AnswerTicket:
    ticket_id: str


@dataclass(frozen=True)
class RecordBreach:
    ticket_id: str


@dataclass(frozen=True)
class Ticket:
    ticket_id: str = ""
    site_id: str = ""
    answered: bool = False
    breached: bool = False


def timer_id(ticket_id: str) -> str:
    return f"sla-{ticket_id}"


def stream_id(ticket_id: str) -> str:
    return f"sla-ticket-{ticket_id}"


def _evolve(state: Ticket, event: Event) -> Ticket:
    match event.payload:
        case SlaTicketOpened(ticket_id=ticket_id):
            return Ticket(ticket_id=ticket_id, site_id=event.site_id)
        case SlaTicketAnswered():
            return replace(state, answered=True)
        case SlaTicketBreached():
            return replace(state, breached=True)
    return state


def _decide(state: Ticket, command: Any, ctx: DecisionContext) -> Sequence[EventPayload]:
    match command:
        case OpenTicket():
            return [] if state.ticket_id else [SlaTicketOpened(ticket_id=command.ticket_id)]
        case AnswerTicket():
            return [] if state.answered else [SlaTicketAnswered()]
        case RecordBreach():
            if state.answered or state.breached:
                raise DomainError("SLA-1", "answered in time: no breach")
            return [SlaTicketBreached()]
    raise TypeError(command)


def _reactions(state: Ticket, events: Sequence[Event]) -> Sequence[Reaction]:
    out: list[Reaction] = []
    for event in events:
        match event.payload:
            case SlaTicketOpened():
                due = event.occurred_at + SLA
                out.append(Schedule(timer_id(state.ticket_id), SLA_KIND, due))
            case SlaTicketAnswered():
                out.append(Cancel(timer_id(state.ticket_id)))
    return out


def _stream_of(command: OpenTicket | AnswerTicket | RecordBreach) -> str:
    return stream_id(command.ticket_id)


TICKET: Aggregate[Ticket, Any] = Aggregate(
    stream_type="SlaTicket",
    stream_prefix="sla-ticket-",
    initial=Ticket(),
    evolve=_evolve,
    stream_id=_stream_of,
    commands={
        OpenTicket: (roles("agent"), _decide),
        AnswerTicket: (roles("agent"), _decide),
        RecordBreach: (SYSTEM_ONLY, _decide),
    },
    creates=frozenset({OpenTicket}),
    reactions=_reactions,
    timers={SLA_KIND: lambda timer: RecordBreach(timer.stream_id.removeprefix("sla-ticket-"))},
)
