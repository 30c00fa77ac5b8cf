"""Work-order requests from callcenter (CC-4, flow 1): received, then closed by an order.

Stream `work-order-request-<ticket_id>`, stream type "WorkOrderRequest".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from opsledger.errors import DomainError
from opsledger.eventstore import RecordedEvent
from opsledger_contracts.events.dispatch import WorkOrderRequestClosed, WorkOrderRequestReceived

STREAM_TYPE: Final = "WorkOrderRequest"


def stream_id(ticket_id: str) -> str:
    return f"work-order-request-{ticket_id}"


@dataclass(frozen=True)
class RequestState:
    received: bool = False
    site_id: str | None = None
    closed_by: str | None = None


def fold(history: Sequence[RecordedEvent]) -> RequestState:
    state = RequestState()
    for event in history:
        if event.event_type == WorkOrderRequestReceived.event_type:
            state = RequestState(received=True, site_id=event.site_id)
        elif event.event_type == WorkOrderRequestClosed.event_type:
            closed = WorkOrderRequestClosed.model_validate(event.payload)
            state = RequestState(True, state.site_id, closed.work_order_id)
    return state


def check_open(state: RequestState, ticket_id: str, site_id: str) -> None:
    """An order issued for a ticket needs that ticket's open request at the same site."""
    if not state.received or state.site_id != site_id:
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
