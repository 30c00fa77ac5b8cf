"""HTTP routes of tickets (CC-1 … CC-5, CC-7 link, CC-10)."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from opsledger.auth import CurrentPrincipal, Principal
from opsledger.calendar import SiteCalendar
from opsledger.eventstore import RecordedEvent
from opsledger.http import RuntimeDep, command_context, rule
from opsledger.runtime import Runtime
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from callcenter import handlers
from callcenter.adapters.projections import tickets as tickets_table
from callcenter.domain import tickets as t
from callcenter.domain.rules import CallcenterRules

CC_ROLES = ("agent", "shift_lead", "cc_manager")
READ_ROLES = (*CC_ROLES, "auditor")

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Text = Annotated[str, Field(min_length=1, max_length=1000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpenTicketRequest(Body):
    site_id: Id
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
    reply_by: Annotated[AwareDatetime, Field(json_schema_extra=rule("WO-1"))]
    asset_id: Annotated[str | None, Field(max_length=100)] = None
    fault_code: Annotated[str | None, Field(max_length=64)] = None


class CallbackRequest(Body):
    reached: Annotated[bool, Field(json_schema_extra=rule("CC-5"))]
    satisfaction: Annotated[int | None, Field(ge=1, le=5, json_schema_extra=rule("CC-5"))] = None
    resolution_confirmed: bool | None = None
    note: Annotated[str, Field(max_length=2000)] = ""


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
    closed_outcome: str | None
    version: int


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


def _view(loaded: handlers.LoadedTicket) -> TicketView:
    s = loaded.state
    assert s.ticket_id is not None
    return TicketView(
        ticket_id=s.ticket_id,
        site_id=loaded.site_id,
        kind=s.kind,
        channel=s.channel,
        status=s.status,
        owner=s.owner,
        complaint_level=s.complaint_level,
        customer_id=s.customer_id,
        month=s.month,
        first_response_due_at=s.sla_due_at,
        responded=s.responded,
        sla_paused=s.sla_paused,
        sla_remaining_seconds=(
            int(s.sla_remaining.total_seconds()) if s.sla_remaining is not None else None
        ),
        sla_breached=s.sla_breached,
        calendar_id=s.calendar_id,
        escalated_to=s.escalated_to,
        work_order_id=s.work_order_id,
        work_order_status=s.work_order_status,
        resolved=s.resolved,
        callback_attempts=s.callback_attempts,
        callback_confirmed=s.callback_confirmed,
        satisfaction=s.satisfaction,
        closed_outcome=s.closed_outcome,
        version=loaded.history[-1].version,
    )


def _who(event: RecordedEvent) -> str:
    """The person behind a step: dispatch's staff for work-order steps, else the actor."""
    by = event.payload.get("by")
    if by:
        return str(by)
    if event.actor.startswith("system:") and event.payload.get("resolved_by"):
        return str(event.payload["resolved_by"])
    return event.actor


Make = Callable[[t.Actor, SiteCalendar], t.TicketCommand]


async def _act(
    runtime: Runtime, request: Request, principal: Principal, ticket_id: str, make: Make
) -> TicketView:
    """Authorize by role and the ticket's site, decide, answer with the new state."""
    async with runtime.transaction() as tx:
        loaded = await handlers.load_ticket(tx, ticket_id)
        principal.authorize(CC_ROLES, loaded.site_id)
        ctx = command_context(request, principal, loaded.site_id)
        actor = t.Actor(principal.staff_id, principal.roles)
        command = make(actor, tx.sites.calendar(loaded.site_id))
        await handlers.ticket_command(tx, ticket_id, command, ctx)
        return _view(await handlers.load_ticket(tx, ticket_id))


def build_router() -> APIRouter:
    router = APIRouter(prefix="/tickets", tags=["tickets"])

    @router.post("", status_code=201, response_model=TicketView)
    async def open_ticket(
        body: OpenTicketRequest, request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> TicketView:
        """Open a ticket; the agent taking the contact owns it (CC-1, CC-2, CC-3, CC-10)."""
        principal.authorize(CC_ROLES, body.site_id)
        ctx = command_context(request, principal, body.site_id)
        ticket_id = handlers.new_ticket_id(body.site_id)
        async with runtime.transaction() as tx:
            command = t.OpenTicket(
                ticket_id=ticket_id,
                kind=body.kind,
                channel=body.channel,
                subject=body.subject,
                by=t.Actor(principal.staff_id, principal.roles),
                calendar=tx.sites.calendar(body.site_id),
                description=body.description,
                complaint_level=body.complaint_level,
                category=body.category,
                renovation_unit=body.renovation_unit,
                customer_id=body.customer_id,
            )
            await handlers.open_ticket(tx, command, ctx)
            return _view(await handlers.load_ticket(tx, ticket_id))

    @router.get("", response_model=list[TicketListItem])
    async def list_tickets(
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
        site_id: Annotated[str, Query(min_length=1, max_length=64)],
        status: Annotated[str | None, Query(max_length=32)] = None,
        kind: Annotated[str | None, Query(max_length=32)] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> list[TicketListItem]:
        """Tickets of a site from the list projection (may lag the log by a moment)."""
        principal.authorize(READ_ROLES, site_id)
        query = sa.select(tickets_table).where(tickets_table.c.site_id == site_id)
        if status:
            query = query.where(tickets_table.c.status == status)
        if kind:
            query = query.where(tickets_table.c.kind == kind)
        query = query.order_by(tickets_table.c.opened_at.desc()).limit(limit)
        async with runtime.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [TicketListItem.model_validate(dict(r)) for r in rows]

    @router.get("/{ticket_id}", response_model=TicketView)
    async def get_ticket(
        ticket_id: str, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> TicketView:
        """The ticket's current state, folded from its event stream."""
        async with runtime.transaction() as tx:
            loaded = await handlers.load_ticket(tx, ticket_id)
        principal.authorize(READ_ROLES, loaded.site_id)
        return _view(loaded)

    @router.get("/{ticket_id}/history", response_model=list[HistoryEntry])
    async def ticket_history(
        ticket_id: str, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> list[HistoryEntry]:
        """Every step with who and when, from the event log (dispatch's steps included)."""
        async with runtime.transaction() as tx:
            loaded = await handlers.load_ticket(tx, ticket_id)
        principal.authorize(READ_ROLES, loaded.site_id)
        return [
            HistoryEntry(
                version=e.version,
                event_type=e.event_type,
                occurred_at=e.occurred_at,
                recorded_at=e.recorded_at,
                actor=e.actor,
                who=_who(e),
                causation_id=e.causation_id,
                data=dict(e.payload),
            )
            for e in loaded.history
        ]

    @router.post("/{ticket_id}/transfer", response_model=TicketView)
    async def transfer(
        ticket_id: str,
        body: TransferRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> TicketView:
        """Transfer ownership explicitly: from (the owner), to, reason (CC-1)."""
        return await _act(
            runtime,
            request,
            principal,
            ticket_id,
            lambda by, _: t.TransferTicket(body.from_agent, body.to, body.reason, by),
        )

    @router.post("/{ticket_id}/first-response", response_model=TicketView)
    async def first_response(
        ticket_id: str,
        body: NoteRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> TicketView:
        """Record the first response; stops the SLA clock (CC-3)."""
        return await _act(
            runtime,
            request,
            principal,
            ticket_id,
            lambda by, _: t.RecordFirstResponse(by, body.note),
        )

    @router.post("/{ticket_id}/pause", response_model=TicketView)
    async def pause(
        ticket_id: str,
        body: PauseRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> TicketView:
        """Stop the SLA clock while waiting on the customer or a third party (CC-3)."""
        return await _act(
            runtime,
            request,
            principal,
            ticket_id,
            lambda by, cal: t.PauseSla(body.reason, body.waiting_on, by, cal),
        )

    @router.post("/{ticket_id}/resume", response_model=TicketView)
    async def resume(
        ticket_id: str, request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> TicketView:
        """Restart the SLA clock with the time that was left (CC-3)."""
        return await _act(
            runtime, request, principal, ticket_id, lambda by, cal: t.ResumeSla(by, cal)
        )

    @router.post("/{ticket_id}/escalate", response_model=TicketView)
    async def escalate(
        ticket_id: str,
        body: EscalateRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> TicketView:
        """Escalate a complaint: to the shift lead, or the manager when compensation is
        involved, the agent cannot resolve it, or it is level 3 (CC-3)."""
        return await _act(
            runtime,
            request,
            principal,
            ticket_id,
            lambda by, _: t.EscalateTicket(
                body.reason, by, body.compensation_involved, body.agent_cannot_resolve
            ),
        )

    @router.post("/{ticket_id}/escalation/take", response_model=TicketView)
    async def take_escalation(
        ticket_id: str, request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> TicketView:
        """The shift lead or manager the escalation needs takes the ticket over (CC-3)."""
        return await _act(
            runtime, request, principal, ticket_id, lambda by, _: t.TakeEscalation(by)
        )

    @router.post("/{ticket_id}/work-order-request", response_model=TicketView)
    async def request_work_order(
        ticket_id: str,
        body: WorkOrderRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> TicketView:
        """Ask dispatch for a work order (CC-4): appends WorkOrderRequested."""
        return await _act(
            runtime,
            request,
            principal,
            ticket_id,
            lambda by, _: t.RequestWorkOrder(
                body.location,
                body.content,
                body.requirements,
                body.reply_by,
                by,
                body.asset_id,
                body.fault_code,
            ),
        )

    @router.post("/{ticket_id}/resolve", response_model=TicketView)
    async def resolve(
        ticket_id: str,
        body: NoteRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> TicketView:
        """Resolve a ticket without a work order (e.g. a complaint settled by phone)."""
        return await _act(
            runtime, request, principal, ticket_id, lambda by, _: t.ResolveTicket(by, body.note)
        )

    @router.post("/{ticket_id}/callbacks", response_model=TicketView)
    async def callback(
        ticket_id: str,
        body: CallbackRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> TicketView:
        """Record a callback attempt (CC-5); the 3rd unreachable one closes the ticket."""
        return await _act(
            runtime,
            request,
            principal,
            ticket_id,
            lambda by, cal: t.RecordCallback(
                body.reached,
                by,
                body.satisfaction,
                body.resolution_confirmed,
                body.note,
                attempts_allowed=cal.rules(CallcenterRules).callback_attempts,
            ),
        )

    @router.post("/{ticket_id}/close", response_model=TicketView)
    async def close(
        ticket_id: str,
        body: CloseRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> TicketView:
        """Close: inquiries after a first response, the rest after resolution and a
        confirmed callback (CC-5)."""
        return await _act(
            runtime,
            request,
            principal,
            ticket_id,
            lambda by, _: t.CloseTicket(by, body.invalid_complaint),
        )

    @router.post("/{ticket_id}/customer", response_model=TicketView)
    async def link_customer(
        ticket_id: str,
        body: LinkCustomerRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> TicketView:
        """Link the ticket to a customer record of the same site (CC-7)."""
        async with runtime.transaction() as tx:
            loaded = await handlers.load_ticket(tx, ticket_id)
            principal.authorize(CC_ROLES, loaded.site_id)
            ctx = command_context(request, principal, loaded.site_id)
            actor = t.Actor(principal.staff_id, principal.roles)
            await handlers.link_customer(tx, ticket_id, body.customer_id, actor, ctx)
            return _view(await handlers.load_ticket(tx, ticket_id))

    return router
