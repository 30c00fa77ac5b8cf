"""Work-order requests from callcenter (CC-4, flow 1): received, then closed by an order.

Stream `work-order-request-<ticket_id>`, stream type "WorkOrderRequest". Its events are
private (dispatch's inbox of callcenter's `WorkOrderRequested`), but for flow 2's
`InspectionFindingReported`: a request from permits' `InspectionRequested` is an
inspection, and the inspector's finding on its order is published from here.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import InspectionFindingReported

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
class ReportInspectionFinding:
    """Flow 2: the assignee of an inspection order records the finding (a workflow
    checks the order and its assignee, then runs this)."""

    ticket_id: str
    work_order_id: str
    inspector: str
    inspector_role: str
    violation_found: bool
    serious: bool
    finding: str


RequestCommand = ReceiveRequest | CloseRequest | ReportInspectionFinding


@dataclass(frozen=True)
class RequestState:
    received: WorkOrderRequestReceived | None = None
    site_id: str = ""
    received_at: datetime | None = None
    closed_by: str | None = None
    finding_reported: bool = False


def evolve(state: RequestState, event: Event) -> RequestState:
    match event.payload:
        case WorkOrderRequestReceived() as received:
            return RequestState(received, event.site_id, event.occurred_at)
        case WorkOrderRequestClosed() as closed:
            return changed(state, closed_by=closed.work_order_id)
        case InspectionFindingReported():
            return changed(state, finding_reported=True)
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
    state: RequestState, command: RequestCommand, ctx: DecisionContext
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
        case ReportInspectionFinding():
            return [_finding(state, command, ctx)]


def _finding(
    state: RequestState, command: ReportInspectionFinding, ctx: DecisionContext
) -> InspectionFindingReported:
    received = state.received
    if received is None or received.inspection_id is None:
        raise DomainError(
            "RP-12", f"work order {command.work_order_id} is not an inspection", field="finding"
        )
    if state.closed_by != command.work_order_id:
        raise DomainError(
            "RP-12", f"inspection {received.inspection_id} is not this order's", field="finding"
        )
    if state.finding_reported:
        raise DomainError("CONFLICT", "the inspection's finding is already recorded", status=409)
    if not command.finding.strip():
        raise DomainError("RP-12", "the finding says what was found", field="finding")
    return InspectionFindingReported(
        ticket_id=command.ticket_id,
        inspection_id=received.inspection_id,
        permit_id=received.permit_id,
        unit_id=received.unit_id or "",
        work_order_id=command.work_order_id,
        inspector=command.inspector,
        inspector_role=command.inspector_role,
        inspected_at=ctx.now,
        violation_found=command.violation_found,
        serious=command.serious,
        finding=command.finding.strip(),
    )


REQUEST: Aggregate[RequestState, RequestCommand] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="work-order-request-",
    initial=RequestState(),
    evolve=evolve,
    stream_id=lambda command: stream_id(command.ticket_id),
    commands={
        ReceiveRequest: (SYSTEM_ONLY, decide),
        CloseRequest: (SYSTEM_ONLY, decide),
        ReportInspectionFinding: (SYSTEM_ONLY, decide),
    },
    creates=frozenset({ReceiveRequest}),
)
