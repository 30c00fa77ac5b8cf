"""Work-order requests from callcenter (CC-4, flow 1): received, then closed by an order.

Stream `work-order-request-<ticket_id>`, stream type "WorkOrderRequest". Its events are
private (dispatch's inbox of callcenter's `WorkOrderRequested`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload

from dispatch.domain.private_events import WorkOrderRequestClosed, WorkOrderRequestReceived

STREAM_TYPE: Final = "WorkOrderRequest"


def stream_id(ticket_id: str) -> str:
    return f"work-order-request-{ticket_id}"


@dataclass(frozen=True)
class ReceiveRequest:
    """From callcenter's `WorkOrderRequested` (inbound); a repeat for the ticket is a no-op."""

    site_id: str
    received: WorkOrderRequestReceived

    @property
    def ticket_id(self) -> str:
        return self.received.ticket_id


@dataclass(frozen=True)
class CloseRequest:
    """An order was issued for the ticket (issue workflow)."""

    ticket_id: str
    work_order_id: str
    serial_no: int


@dataclass(frozen=True)
class RequestState:
    received: WorkOrderRequestReceived | None = None
    site_id: str = ""
    received_at: datetime | None = None
    closed_by: str | None = None


def evolve(state: RequestState, event: Event) -> RequestState:
    match event.payload:
        case WorkOrderRequestReceived() as received:
            return RequestState(received, event.site_id, event.occurred_at)
        case WorkOrderRequestClosed() as closed:
            return changed(state, closed_by=closed.work_order_id)
    return state


def check_open(state: RequestState, ticket_id: str, site_id: str) -> None:
    """An order issued for a ticket needs that ticket's open request at the same site."""
    if state.received is None or state.site_id != site_id:
        raise DomainError(
            "CC-4",
            f"no work-order request from ticket {ticket_id} at site {site_id} has arrived",
            field="ticket_id",
        )
    if state.closed_by is not None:
        raise DomainError(
            "CC-4",
            f"ticket {ticket_id} already has work order {state.closed_by}",
            field="ticket_id",
        )


def decide(
    state: RequestState, command: ReceiveRequest | CloseRequest, ctx: DecisionContext
) -> Sequence[EventPayload]:
    match command:
        case ReceiveRequest():
            return [] if state.received is not None else [command.received]
        case CloseRequest():
            check_open(state, command.ticket_id, state.site_id)
            return [
                WorkOrderRequestClosed(
                    ticket_id=command.ticket_id,
                    work_order_id=command.work_order_id,
                    serial_no=command.serial_no,
                )
            ]


REQUEST: Aggregate[RequestState, ReceiveRequest | CloseRequest] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="work-order-request-",
    initial=RequestState(),
    evolve=evolve,
    stream_id=lambda command: stream_id(command.ticket_id),
    commands={ReceiveRequest: (SYSTEM_ONLY, decide), CloseRequest: (SYSTEM_ONLY, decide)},
    creates=frozenset({ReceiveRequest}),
)
