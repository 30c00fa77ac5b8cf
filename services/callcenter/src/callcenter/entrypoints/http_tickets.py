"""HTTP routes of tickets (CC-1 … CC-5, CC-7 link, CC-10)."""

from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from opsledger.eventstore import RecordedEvent
from opsledger.fields import Instant
from opsledger.http import rule
from opsledger.pipeline import CommandResult
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, ConfigDict, Field

from callcenter.domain.roles import READ_ROLES
from callcenter.domain.tickets import TICKET, TicketState
from callcenter.domain.tickets import commands as t
from callcenter.entrypoints.fields import Body, Id, SiteId, SiteQuery, Text
from callcenter.views import desk as views


class OpenTicketRequest(Body):
    site_id: SiteId
    kind: Annotated[t.TicketKind, Field(json_schema_extra=rule("CC-2"))]
    channel: Annotated[t.Channel, Field(json_schema_extra=rule("CC-2"))]
    subject: Annotated[str, Field(min_length=1, max_length=200)]
    description: Annotated[str, Field(max_length=4000)] = ""
    complaint_level: Annotated[int | None, Field(ge=1, le=3, json_schema_extra=rule("CC-3"))] = None
    category: Annotated[str | None, Field(max_length=64, json_schema_extra=rule("CC-10"))] = None
    renovation_unit: Annotated[
        str | None, Field(min_length=1, max_length=64, json_schema_extra=rule("CC-10"))
    ] = None
    customer_id: Id | None = None


class TransferRequest(Body):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    from_agent: Id = Field(
        alias="from", description="Current owner (CC-1).", json_schema_extra=rule("CC-1")
    )
    to: Annotated[Id, Field(json_schema_extra=rule("CC-1"))]
    reason: Annotated[Text, Field(json_schema_extra=rule("CC-1"))]


class NoteRequest(Body):
    note: Annotated[str, Field(max_length=2000)] = ""


class PauseRequest(Body):
    reason: Annotated[Text, Field(json_schema_extra=rule("CC-3"))]
    waiting_on: Annotated[Literal["customer", "third_party"], Field(json_schema_extra=rule("CC-3"))]


class EscalateRequest(Body):
    reason: Annotated[Text, Field(json_schema_extra=rule("CC-3"))]
    compensation_involved: bool = False
    agent_cannot_resolve: bool = False


class WorkOrderRequest(Body):
    location: Annotated[str, Field(min_length=1, max_length=200, json_schema_extra=rule("WO-1"))]
    content: Annotated[str, Field(min_length=1, max_length=2000, json_schema_extra=rule("WO-1"))]
    requirements: Annotated[
        str, Field(min_length=1, max_length=1000, json_schema_extra=rule("WO-1"))
    ]
    reply_by: Annotated[Instant, Field(json_schema_extra=rule("WO-1"))]
    asset_id: Annotated[str | None, Field(max_length=100)] = None
    fault_code: Annotated[str | None, Field(max_length=64)] = None


class CallbackRequest(Body):
    reached: Annotated[bool, Field(json_schema_extra=rule("CC-5"))]
    satisfaction: Annotated[int | None, Field(ge=1, le=5, json_schema_extra=rule("CC-5"))] = None
    resolution_confirmed: bool | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


class SurveyRequest(Body):
    """The customer's satisfaction survey form (满意度调查表), CC-6."""

    overall: Annotated[int, Field(ge=1, le=5, json_schema_extra=rule("CC-6"))]
    scores: Annotated[
        dict[Annotated[str, Field(min_length=1, max_length=64)], Annotated[int, Field(ge=1, le=5)]],
        Field(max_length=20, json_schema_extra=rule("CC-6")),
    ] = {}
    comments: Annotated[str, Field(max_length=4000)] = ""


class CloseRequest(Body):
    invalid_complaint: bool = False


class LinkCustomerRequest(Body):
    customer_id: Id


class TicketView(BaseModel):
    """The ticket as its event stream says now."""

    ticket_id: str
    site_id: str
    kind: str
    channel: str
    status: str
    owner: str
    complaint_level: int | None
    customer_id: str | None
    month: str
    first_response_due_at: datetime | None
    responded: bool
    sla_paused: bool
    sla_remaining_seconds: int | None
    sla_breached: bool
    calendar_id: str
    escalated_to: str | None
    work_order_id: str | None
    work_order_status: str | None
    resolved: bool
    callback_attempts: int
    callback_confirmed: bool
    satisfaction: int | None
    survey_overall: int | None
    closed_outcome: str | None
    version: int

    @classmethod
    def of(cls, s: TicketState, version: int) -> "TicketView":
        remaining = s.sla_remaining
        return cls.model_validate(
            {
                **asdict(s),
                "status": s.status,
                "first_response_due_at": s.sla_due_at,
                "sla_remaining_seconds": int(remaining.total_seconds()) if remaining else None,
                "version": version,
            }
        )

    @classmethod
    def after(cls, result: CommandResult[Any]) -> "TicketView":
        return cls.of(result.state, result.version)


class HistoryEntry(BaseModel):
    """One step of the ticket, from the event log."""

    version: int
    event_type: str
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    who: str = Field(description="Who did the step (for dispatch steps: the dispatch staff).")
    causation_id: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, e: RecordedEvent) -> "HistoryEntry":
        # The person behind a step: dispatch's staff for work-order steps, else the actor.
        who = e.payload.get("by") or e.actor
        if e.actor.startswith("system:") and e.payload.get("resolved_by"):
            who = e.payload["resolved_by"]
        return cls(
            version=e.version,
            event_type=e.event_type,
            occurred_at=e.occurred_at,
            recorded_at=e.recorded_at,
            actor=e.actor,
            who=str(who),
            causation_id=e.causation_id,
            data=dict(e.payload),
        )


class TicketListItem(BaseModel):
    ticket_id: str
    site_id: str
    kind: str
    channel: str
    subject: str
    status: str
    owner: str
    month: str
    opened_at: datetime
    first_response_due_at: datetime | None
    sla_breached: bool
    work_order_status: str | None


router = APIRouter(prefix="/tickets", tags=["tickets"])
TicketReads = Annotated[Reader, Reads(roles=READ_ROLES)]


@router.post("", status_code=201)
async def open_ticket(body: OpenTicketRequest, commands: Commands) -> TicketView:
    """Open a ticket; the agent taking the contact owns it (CC-1, CC-2, CC-3, CC-10)."""
    return TicketView.after(await commands.run(t.OpenTicket(**body.model_dump())))


@router.get("")
async def list_tickets(
    site_id: SiteQuery,
    reads: TicketReads,
    status: Annotated[str | None, Query(max_length=32)] = None,
    kind: Annotated[str | None, Query(max_length=32)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[TicketListItem]:
    """Tickets of a site from the board read model (may lag the log by a moment)."""
    reads.authorize(site_id)
    rows = await reads(views.tickets_board, site_id, status, kind, limit)
    return [TicketListItem.model_validate(r) for r in rows]


@router.get("/{ticket_id}")
async def get_ticket(ticket_id: str, reads: TicketReads) -> TicketView:
    """The ticket's current state, folded from its event stream."""
    loaded = await reads.load(TICKET, t.stream_id(ticket_id))
    return TicketView.of(loaded.state, loaded.version)


@router.get("/{ticket_id}/history")
async def ticket_history(ticket_id: str, reads: TicketReads) -> list[HistoryEntry]:
    """Every step with who and when, from the event log (dispatch's steps included)."""
    history = await reads.stream(TICKET, t.stream_id(ticket_id))
    return [HistoryEntry.of(e) for e in history]


@router.post("/{ticket_id}/transfer")
async def transfer(ticket_id: str, body: TransferRequest, commands: Commands) -> TicketView:
    """Transfer ownership explicitly: from (the owner), to, reason (CC-1)."""
    command = t.TransferTicket(ticket_id, body.from_agent, body.to, body.reason)
    return TicketView.after(await commands.run(command))


@router.post("/{ticket_id}/first-response")
async def first_response(ticket_id: str, body: NoteRequest, commands: Commands) -> TicketView:
    """Record the first response; stops the SLA clock (CC-3)."""
    return TicketView.after(await commands.run(t.RecordFirstResponse(ticket_id, body.note)))


@router.post("/{ticket_id}/pause")
async def pause(ticket_id: str, body: PauseRequest, commands: Commands) -> TicketView:
    """Stop the SLA clock while waiting on the customer or a third party (CC-3)."""
    command = t.PauseSla(ticket_id, body.reason, body.waiting_on)
    return TicketView.after(await commands.run(command))


@router.post("/{ticket_id}/resume")
async def resume(ticket_id: str, commands: Commands) -> TicketView:
    """Restart the SLA clock with the time that was left (CC-3)."""
    return TicketView.after(await commands.run(t.ResumeSla(ticket_id)))


@router.post("/{ticket_id}/escalate")
async def escalate(ticket_id: str, body: EscalateRequest, commands: Commands) -> TicketView:
    """Escalate a complaint: to the shift lead, or the manager when compensation is
    involved, the agent cannot resolve it, or it is level 3 (CC-3)."""
    command = t.EscalateTicket(ticket_id, **body.model_dump())
    return TicketView.after(await commands.run(command))


@router.post("/{ticket_id}/escalation/take")
async def take_escalation(ticket_id: str, commands: Commands) -> TicketView:
    """The shift lead or manager the escalation needs takes the ticket over (CC-3)."""
    return TicketView.after(await commands.run(t.TakeEscalation(ticket_id)))


@router.post("/{ticket_id}/work-order-request")
async def request_work_order(
    ticket_id: str, body: WorkOrderRequest, commands: Commands
) -> TicketView:
    """Ask dispatch for a work order (CC-4): appends WorkOrderRequested."""
    command = t.RequestWorkOrder(ticket_id, **body.model_dump())
    return TicketView.after(await commands.run(command))


@router.post("/{ticket_id}/resolve")
async def resolve(ticket_id: str, body: NoteRequest, commands: Commands) -> TicketView:
    """Resolve a ticket without a work order (e.g. a complaint settled by phone)."""
    return TicketView.after(await commands.run(t.ResolveTicket(ticket_id, body.note)))


@router.post("/{ticket_id}/callbacks")
async def callback(ticket_id: str, body: CallbackRequest, commands: Commands) -> TicketView:
    """Record a callback attempt (CC-5); the 3rd unreachable one closes the ticket."""
    command = t.RecordCallback(ticket_id, **body.model_dump())
    return TicketView.after(await commands.run(command))


@router.post("/{ticket_id}/survey")
async def record_survey(ticket_id: str, body: SurveyRequest, commands: Commands) -> TicketView:
    """Record the customer's survey form after the completed service, once (CC-6)."""
    command = t.RecordSatisfactionSurvey(ticket_id, body.overall, body.scores, body.comments)
    return TicketView.after(await commands.run(command))


@router.post("/{ticket_id}/close")
async def close(ticket_id: str, body: CloseRequest, commands: Commands) -> TicketView:
    """Close: inquiries after a first response, the rest after resolution and a
    confirmed callback (CC-5)."""
    command = t.CloseTicket(ticket_id, body.invalid_complaint)
    return TicketView.after(await commands.run(command))


@router.post("/{ticket_id}/customer")
async def link_customer(
    ticket_id: str, body: LinkCustomerRequest, commands: Commands
) -> TicketView:
    """Link the ticket to a customer record of the same site (CC-7)."""
    command = t.LinkCustomer(ticket_id, body.customer_id)
    return TicketView.after(await commands.run(command))
