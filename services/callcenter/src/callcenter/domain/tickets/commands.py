"""Commands of the ticket aggregate (CC-1 … CC-5, CC-7, CC-10).

No command names its actor: who acts comes from the verified token (DecisionContext).
`OpenTicket` and `LinkCustomer` read a customer record too, so they are workflows
(`callcenter.handlers`) that gather that fact and run `StartTicket` / `AttachCustomer`.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

TicketKind = Literal["inquiry", "complaint", "repair", "service_request", "emergency"]
Channel = Literal["phone", "walk_in", "letter", "online"]


@dataclass(frozen=True, slots=True)
class OpenTicket:
    """Workflow: open a ticket, checking the customer record it names (if any)."""

    site_id: str
    kind: str
    channel: str
    subject: str
    description: str = ""
    complaint_level: int | None = None
    category: str | None = None
    renovation_unit: str | None = None
    customer_id: str | None = None


@dataclass(frozen=True, slots=True)
class LinkCustomer:
    """Workflow: link a ticket to an existing customer record of its site (CC-7)."""

    ticket_id: str
    customer_id: str


@dataclass(frozen=True, slots=True)
class StartTicket:
    """Open the ticket stream; `customer_site_id` is the named record's site (None: none)."""

    ticket_id: str
    contact: OpenTicket
    customer_site_id: str | None = None

    @property
    def site_id(self) -> str:
        return self.contact.site_id


@dataclass(frozen=True, slots=True)
class TransferTicket:
    ticket_id: str
    from_agent: str
    to_agent: str
    reason: str


@dataclass(frozen=True, slots=True)
class RecordFirstResponse:
    ticket_id: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class PauseSla:
    ticket_id: str
    reason: str
    waiting_on: Literal["customer", "third_party"]


@dataclass(frozen=True, slots=True)
class ResumeSla:
    ticket_id: str


@dataclass(frozen=True, slots=True)
class MarkSlaBreached:
    """From the SLA timer: the deadline it was scheduled for."""

    ticket_id: str
    due_at: datetime


@dataclass(frozen=True, slots=True)
class EscalateTicket:
    ticket_id: str
    reason: str
    compensation_involved: bool = False
    agent_cannot_resolve: bool = False


@dataclass(frozen=True, slots=True)
class TakeEscalation:
    ticket_id: str


@dataclass(frozen=True, slots=True)
class RequestWorkOrder:
    ticket_id: str
    location: str
    content: str
    requirements: str
    reply_by: datetime
    asset_id: str | None = None
    fault_code: str | None = None


@dataclass(frozen=True, slots=True)
class RecordWorkOrderProgress:
    """A dispatch work-order event concerning this ticket (CC-4)."""

    ticket_id: str
    work_order_id: str
    serial_no: int
    status: str
    by: str
    at: datetime
    source_event_id: str
    detail: str = ""
    confirmed: bool | None = None


@dataclass(frozen=True, slots=True)
class ResolveTicket:
    ticket_id: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class RecordCallback:
    ticket_id: str
    reached: bool
    satisfaction: int | None = None
    resolution_confirmed: bool | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class RecordSatisfactionSurvey:
    """CC-6: the customer's survey form (满意度调查表) after a completed service."""

    ticket_id: str
    overall: int
    scores: Mapping[str, int] = field(default_factory=dict)
    comments: str = ""


@dataclass(frozen=True, slots=True)
class CloseTicket:
    ticket_id: str
    invalid_complaint: bool = False


@dataclass(frozen=True, slots=True)
class AttachCustomer:
    """Link a record; `customer_site_id` is the record's site (None: no such record)."""

    ticket_id: str
    customer_id: str
    customer_site_id: str | None


@dataclass(frozen=True, slots=True)
class MarkCustomerRecordMissing:
    """From the CC-7 timer: is a customer record linked by now?"""

    ticket_id: str
    due_at: datetime


TicketCommand = (
    StartTicket
    | TransferTicket
    | RecordFirstResponse
    | PauseSla
    | ResumeSla
    | MarkSlaBreached
    | EscalateTicket
    | TakeEscalation
    | RequestWorkOrder
    | RecordWorkOrderProgress
    | ResolveTicket
    | RecordCallback
    | RecordSatisfactionSurvey
    | CloseTicket
    | AttachCustomer
    | MarkCustomerRecordMissing
)


def stream_id(ticket_id: str) -> str:
    return f"ticket-{ticket_id}"


def ticket_stream(command: TicketCommand) -> str:
    return stream_id(command.ticket_id)


def site_of_ticket(ticket_id: str) -> str:
    """The site a ticket id names: ids are minted `T-<site>-<12 hex>` (`new_ticket_id`)."""
    return ticket_id.removeprefix("T-").rpartition("-")[0] or ticket_id
