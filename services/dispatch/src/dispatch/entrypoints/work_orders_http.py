"""HTTP API of work orders, penalties, requests and end-of-day reviews.

Every command is authorized by role AND site from the token; the actor recorded on
events is the token's staff id, never a body field (bodies reject unknown fields).
"""

import datetime as dt
from datetime import datetime
from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Query, Request
from opsledger.auth import CurrentPrincipal, Principal
from opsledger.clock import as_utc
from opsledger.errors import NotFoundError
from opsledger.http import RuntimeDep, command_context, rule
from opsledger.runtime import Runtime, Tx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from dispatch import handlers
from dispatch.adapters.projections import penalties, work_order_requests, work_orders
from dispatch.domain import work_orders as wo

SiteId = Annotated[str, Field(min_length=1, max_length=64)]
PENALTY_READERS = frozenset({"dispatcher", "dispatch_lead", "dept_head", "finance", "auditor"})
StatusFilter = Literal[
    "issued",
    "escalated",
    "accepted",
    "completed",
    "signed_off",
    "called_back",
    "archived",
    "open",
    "overdue",
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IssueWorkOrderBody(_Body):
    """WO-1 fields are optional here so that the domain can name every missing one."""

    site_id: SiteId
    location: str | None = Field(
        json_schema_extra=rule("WO-1"), default=None, max_length=200, description="WO-1"
    )
    content: str | None = Field(
        json_schema_extra=rule("WO-1"), default=None, max_length=2000, description="WO-1"
    )
    requirements: str | None = Field(
        json_schema_extra=rule("WO-1"), default=None, max_length=1000, description="WO-1"
    )
    reply_by: datetime | None = Field(
        json_schema_extra=rule("WO-1"), default=None, description="WO-1, in the future, with zone"
    )
    assignee: str | None = Field(
        json_schema_extra=rule("WO-2"), default=None, max_length=64, description="WO-2: staff id"
    )
    assignee_role: str | None = Field(
        json_schema_extra=rule("WO-2"),
        default=None,
        max_length=64,
        description=f"WO-2: one of {', '.join(sorted(wo.ASSIGNEE_ROLES))}",
    )
    ticket_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Closes this ticket's request"
    )
    asset_id: str | None = Field(
        json_schema_extra=rule("WO-10"),
        default=None,
        min_length=1,
        max_length=100,
        description="WO-10",
    )
    fault_code: str | None = Field(
        json_schema_extra=rule("WO-10"),
        default=None,
        min_length=1,
        max_length=64,
        description="WO-10",
    )


class EscalateBody(_Body):
    escalated_to: str = Field(
        json_schema_extra=rule("WO-4"), max_length=64, description="The superior's staff id (WO-4)"
    )
    reason: str = Field(json_schema_extra=rule("WO-4"), max_length=1000)


class ReasonBody(_Body):
    reason: str = Field(max_length=1000)


class ProgressBody(_Body):
    note: str = Field(json_schema_extra=rule("WO-5"), max_length=2000)
    expected_by: datetime | None = Field(
        json_schema_extra=rule("WO-5"),
        default=None,
        description="New expected completion time: becomes the deadline for WO-5 overdue",
    )


class CompleteBody(_Body):
    process: str = Field(json_schema_extra=rule("WO-6"), max_length=2000)
    result: str = Field(json_schema_extra=rule("WO-6"), max_length=2000)


class SignOffBody(_Body):
    signed_by: str = Field(
        json_schema_extra=rule("WO-6"), max_length=200, description="The customer who signed"
    )


class CallbackBody(_Body):
    confirmed: bool = Field(
        json_schema_extra=rule("WO-6"), description="The customer confirms the work is done"
    )
    note: str = Field(json_schema_extra=rule("WO-6"), default="", max_length=2000)


class EndOfDayReviewBody(_Body):
    site_id: SiteId
    date: dt.date = Field(json_schema_extra=rule("WO-7"), description="The site-local day reviewed")
    reasons: dict[
        Annotated[str, Field(max_length=64)],
        Annotated[str, Field(max_length=1000)],
    ] = Field(
        json_schema_extra=rule("WO-7"),
        default_factory=dict,
        description="work order id -> why it is unfinished",
    )


class _View(BaseModel):
    """An answer; instants read back from SQLite are naive UTC, so they get their zone."""

    @field_validator("*", mode="after")
    @classmethod
    def _utc(cls, value: Any) -> Any:
        return as_utc(value) if isinstance(value, datetime) else value


class WorkOrderView(_View):
    work_order_id: str
    site_id: str
    serial_no: int
    status: str
    overdue: bool
    escalated: bool
    judged_unreasonable: bool
    repeat_of: str | None
    issuer: str
    assignee: str
    assignee_role: str | None
    location: str
    content: str
    requirements: str
    reply_by: datetime
    deadline: datetime
    ticket_id: str | None
    asset_id: str | None
    fault_code: str | None
    issued_at: datetime
    accepted_at: datetime | None
    penalties_fen: int


class WorkOrderRow(WorkOrderView):
    completed_at: datetime | None
    archived_at: datetime | None
    last_progress_at: datetime | None
    updated_at: datetime


class HistoryEntry(_View):
    version: int
    event_type: str
    actor: str
    occurred_at: datetime
    recorded_at: datetime
    correlation_id: str
    payload: dict[str, Any]


class PenaltyItem(_View):
    work_order_id: str
    rule: str
    amount_fen: int
    reason: str
    occurred_at: datetime


class PersonPenalties(_View):
    person: str
    month: str
    total_fen: int
    items: list[PenaltyItem]


class RequestView(_View):
    ticket_id: str
    site_id: str
    kind: str
    location: str
    content: str
    requirements: str
    reply_by: datetime
    asset_id: str | None
    fault_code: str | None
    status: str
    work_order_id: str | None
    received_at: datetime


class ReviewView(_View):
    site_id: str
    date: dt.date
    reviewed_by: str
    reasons: dict[str, str]


def view_of(state: wo.WorkOrderState) -> WorkOrderView:
    assert state.reply_by is not None and state.deadline is not None
    assert state.issued_at is not None
    return WorkOrderView(
        work_order_id=state.work_order_id,
        site_id=state.site_id,
        serial_no=state.serial_no,
        status=state.status,
        overdue=state.overdue,
        escalated=state.escalated,
        judged_unreasonable=state.judged_unreasonable,
        repeat_of=state.repeat_of,
        issuer=state.issuer,
        assignee=state.assignee,
        assignee_role=state.assignee_role,
        location=state.location,
        content=state.content,
        requirements=state.requirements,
        reply_by=state.reply_by,
        deadline=state.deadline,
        ticket_id=state.ticket_id,
        asset_id=state.asset_id,
        fault_code=state.fault_code,
        issued_at=state.issued_at,
        accepted_at=state.accepted_at,
        penalties_fen=state.penalties_fen,
    )


def _site_of(work_order_id: str) -> str:
    site = wo.site_of(work_order_id)
    if site is None:
        raise NotFoundError("work order", work_order_id)
    return site


def build_router() -> APIRouter:
    router = APIRouter(tags=["work orders"])

    async def run(
        request: Request,
        runtime: Runtime,
        principal: Principal,
        work_order_id: str,
        roles: frozenset[str],
        command: wo.Command,
    ) -> WorkOrderView:
        site = _site_of(work_order_id)
        principal.authorize(roles, site)
        ctx = command_context(request, principal, site)
        async with runtime.transaction() as tx:
            state, _ = await handlers.handle(tx, ctx, work_order_id, command)
        return view_of(state)

    @router.post("/work-orders", status_code=201, response_model=WorkOrderView)
    async def issue(
        body: IssueWorkOrderBody,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> WorkOrderView:
        """Issue a work order (WO-1 mandatory fields, WO-2 issuer and assignee roles,
        WO-8 gap-free per-site serial, WO-10 repeat-repair flag; closes the ticket's
        request when `ticket_id` is given)."""
        principal.authorize(wo.ISSUER_ROLES, body.site_id)
        ctx = command_context(request, principal, body.site_id)
        command = wo.IssueWorkOrder(
            issuer=principal.staff_id,
            location=body.location,
            content=body.content,
            requirements=body.requirements,
            reply_by=body.reply_by,
            assignee=body.assignee,
            assignee_role=body.assignee_role,
            ticket_id=body.ticket_id,
            asset_id=body.asset_id,
            fault_code=body.fault_code,
        )

        async def work(tx: Tx) -> handlers.Issued:
            return await handlers.issue_work_order(tx, ctx, command)

        issued = await runtime.retrying(work, attempts=handlers.ISSUE_ATTEMPTS)
        async with runtime.engine.connect() as conn:
            history = await runtime.store.read_stream(conn, wo.stream_id(issued.work_order_id))
        return view_of(wo.fold(history))

    @router.post("/work-orders/{work_order_id}/accept", response_model=WorkOrderView)
    async def accept(
        work_order_id: str, request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> WorkOrderView:
        """The named assignee accepts; the time is recorded to the minute (WO-3)."""
        command = wo.AcceptWorkOrder(principal.staff_id)
        return await run(request, runtime, principal, work_order_id, frozenset(), command)

    @router.post("/work-orders/{work_order_id}/escalate", response_model=WorkOrderView)
    async def escalate(
        work_order_id: str,
        body: EscalateBody,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> WorkOrderView:
        """The assignee cannot decline but may hand the order to a superior, with a reason
        (WO-4); the superior becomes the assignee and must accept it."""
        command = wo.EscalateWorkOrder(principal.staff_id, body.escalated_to, body.reason)
        return await run(request, runtime, principal, work_order_id, frozenset(), command)

    @router.post("/work-orders/{work_order_id}/refusals", response_model=WorkOrderView)
    async def refusal(
        work_order_id: str,
        body: ReasonBody,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> WorkOrderView:
        """A dispatcher records that the assignee refused: 100 yuan penalty (WO-4)."""
        command = wo.RecordRefusal(principal.staff_id, body.reason)
        return await run(request, runtime, principal, work_order_id, wo.DISPATCH_ROLES, command)

    @router.post("/work-orders/{work_order_id}/progress", response_model=WorkOrderView)
    async def progress(
        work_order_id: str,
        body: ProgressBody,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> WorkOrderView:
        """The assignee reports progress before the deadline (WO-5). With `expected_by`
        the deadline moves there (and the overdue timer with it)."""
        command = wo.ReportProgress(principal.staff_id, body.note, body.expected_by)
        return await run(request, runtime, principal, work_order_id, frozenset(), command)

    @router.post("/work-orders/{work_order_id}/complete", response_model=WorkOrderView)
    async def complete(
        work_order_id: str,
        body: CompleteBody,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> WorkOrderView:
        """The assignee records the process and result (WO-6 step 1)."""
        command = wo.CompleteWorkOrder(principal.staff_id, body.process, body.result)
        return await run(request, runtime, principal, work_order_id, frozenset(), command)

    @router.post("/work-orders/{work_order_id}/sign-off", response_model=WorkOrderView)
    async def sign_off(
        work_order_id: str,
        body: SignOffBody,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> WorkOrderView:
        """The customer signs off, recorded by the assignee or a dispatcher (WO-6 step 2)."""
        dispatcher = bool(principal.roles & (wo.DISPATCH_ROLES | {"admin"}))
        command = wo.SignOffWorkOrder(principal.staff_id, body.signed_by, dispatcher)
        return await run(request, runtime, principal, work_order_id, frozenset(), command)

    @router.post("/work-orders/{work_order_id}/callback", response_model=WorkOrderView)
    async def callback(
        work_order_id: str,
        body: CallbackBody,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> WorkOrderView:
        """The dispatcher phones the customer (WO-6 step 3); not confirmed reopens it."""
        command = wo.RecordCallback(principal.staff_id, body.confirmed, body.note)
        return await run(request, runtime, principal, work_order_id, wo.DISPATCH_ROLES, command)

    @router.post("/work-orders/{work_order_id}/archive", response_model=WorkOrderView)
    async def archive(
        work_order_id: str, request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> WorkOrderView:
        """Archive; refused (WO-6) naming what is missing unless signed off and called back."""
        command = wo.ArchiveWorkOrder(principal.staff_id)
        return await run(request, runtime, principal, work_order_id, wo.DISPATCH_ROLES, command)

    @router.post("/work-orders/{work_order_id}/unreasonable", response_model=WorkOrderView)
    async def unreasonable(
        work_order_id: str,
        body: ReasonBody,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> WorkOrderView:
        """A dispatch lead judges an escalated order unreasonable: 30 yuan against the
        issuer (WO-9)."""
        command = wo.JudgeUnreasonable(principal.staff_id, body.reason)
        return await run(request, runtime, principal, work_order_id, wo.JUDGE_ROLES, command)

    @router.get("/work-orders", response_model=list[WorkOrderRow])
    async def list_work_orders(
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
        site_id: Annotated[str, Query(min_length=1, max_length=64)],
        status: StatusFilter | None = None,
    ) -> list[WorkOrderRow]:
        """The board of a site (projection `work_orders`). `open`: issued, escalated or
        accepted; `overdue`: went overdue and not completed yet."""
        principal.authorize((), site_id)
        query = sa.select(work_orders).where(work_orders.c.site_id == site_id)
        if status == "open":
            query = query.where(work_orders.c.status.in_(sorted(wo.OPEN_STATUSES)))
        elif status == "overdue":
            query = query.where(
                work_orders.c.overdue.is_(True),
                work_orders.c.status.in_(sorted(wo.OPEN_STATUSES)),
            )
        elif status is not None:
            query = query.where(work_orders.c.status == status)
        async with runtime.engine.connect() as conn:
            rows = (await conn.execute(query.order_by(work_orders.c.serial_no))).mappings().all()
        return [WorkOrderRow.model_validate(dict(row)) for row in rows]

    @router.get("/work-orders/{work_order_id}", response_model=WorkOrderView)
    async def get_work_order(
        work_order_id: str, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> WorkOrderView:
        """The order's current state, folded from its event stream (always up to date)."""
        principal.authorize((), _site_of(work_order_id))
        async with runtime.engine.connect() as conn:
            history = await runtime.store.read_stream(conn, wo.stream_id(work_order_id))
        if not history:
            raise NotFoundError("work order", work_order_id)
        return view_of(wo.fold(history))

    @router.get("/work-orders/{work_order_id}/history", response_model=list[HistoryEntry])
    async def history(
        work_order_id: str, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> list[HistoryEntry]:
        """Every event of the order with who and when, from the event log."""
        principal.authorize((), _site_of(work_order_id))
        async with runtime.engine.connect() as conn:
            events = await runtime.store.read_stream(conn, wo.stream_id(work_order_id))
        if not events:
            raise NotFoundError("work order", work_order_id)
        return [
            HistoryEntry(
                version=e.version,
                event_type=e.event_type,
                actor=e.actor,
                occurred_at=e.occurred_at,
                recorded_at=e.recorded_at,
                correlation_id=e.correlation_id,
                payload=dict(e.payload),
            )
            for e in events
        ]

    @router.get("/penalties", response_model=list[PersonPenalties], tags=["penalties"])
    async def list_penalties(
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
        site_id: Annotated[str, Query(min_length=1, max_length=64)],
        month: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")],
    ) -> list[PersonPenalties]:
        """The penalty ledger of a site-local month, per person (WO-4, WO-5, WO-9)."""
        principal.authorize(PENALTY_READERS, site_id)
        query = (
            sa.select(penalties)
            .where(penalties.c.site_id == site_id, penalties.c.month == month)
            .order_by(penalties.c.person, penalties.c.occurred_at, penalties.c.event_id)
        )
        async with runtime.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        by_person: dict[str, PersonPenalties] = {}
        for row in rows:
            entry = by_person.setdefault(
                row["person"],
                PersonPenalties(person=row["person"], month=month, total_fen=0, items=[]),
            )
            entry.total_fen += row["amount_fen"]
            entry.items.append(PenaltyItem.model_validate(dict(row)))
        return list(by_person.values())

    @router.get("/work-order-requests", response_model=list[RequestView], tags=["requests"])
    async def list_requests(
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
        site_id: Annotated[str, Query(min_length=1, max_length=64)],
        status: Literal["open", "closed"] | None = "open",
    ) -> list[RequestView]:
        """Requests from callcenter tickets (CC-4); open until an order names the ticket."""
        principal.authorize((), site_id)
        query = sa.select(work_order_requests).where(work_order_requests.c.site_id == site_id)
        if status is not None:
            query = query.where(work_order_requests.c.status == status)
        async with runtime.engine.connect() as conn:
            rows = (
                (await conn.execute(query.order_by(work_order_requests.c.received_at)))
                .mappings()
                .all()
            )
        return [RequestView.model_validate(dict(row)) for row in rows]

    @router.post(
        "/end-of-day-reviews", status_code=201, response_model=ReviewView, tags=["reviews"]
    )
    async def end_of_day_review(
        body: EndOfDayReviewBody,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> ReviewView:
        """WO-7: the dispatcher's review of a day; every unfinished order (open now and
        issued on or before that day) needs a reason, else refused naming them."""
        principal.authorize(wo.DISPATCH_ROLES, body.site_id)
        ctx = command_context(request, principal, body.site_id)
        async with runtime.transaction() as tx:
            await handlers.record_end_of_day_review(tx, ctx, body.date, body.reasons)
        return ReviewView(
            site_id=body.site_id,
            date=body.date,
            reviewed_by=principal.staff_id,
            reasons={k: v.strip() for k, v in sorted(body.reasons.items()) if v.strip()},
        )

    return router
