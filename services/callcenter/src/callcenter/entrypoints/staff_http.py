"""HTTP routes of customer records (CC-7), rosters and handovers (CC-8, CC-9), calls
and KPIs (CC-6, CC-11)."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import uuid4

import sqlalchemy as sa
from fastapi import APIRouter, Path, Query, Request
from opsledger.auth import CurrentPrincipal
from opsledger.clock import as_utc
from opsledger.errors import NotFoundError
from opsledger.http import RuntimeDep, command_context
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from callcenter import handlers
from callcenter.adapters.projections import calls as calls_table
from callcenter.adapters.projections import customers as customers_table
from callcenter.adapters.projections import seat_sessions
from callcenter.adapters.projections import tickets as tickets_table
from callcenter.domain import calls, customers, kpis, rosters, tickets

CC_ROLES = ("agent", "shift_lead", "cc_manager")
SUPERVISORS = ("shift_lead", "cc_manager")
KPI_ROLES = (*CC_ROLES, "auditor")

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
MonthQuery = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
MonthPath = Annotated[str, Path(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]
Text = Annotated[str, Field(min_length=1, max_length=1000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# --- customers ----------------------------------------------------------------------------


class CreateCustomerRequest(Body):
    site_id: Id
    name: Annotated[str, Field(min_length=1, max_length=200)]
    phone: Annotated[str, Field(min_length=1, max_length=40)]
    unit: Annotated[str, Field(max_length=64)] = ""
    notes: Annotated[str, Field(max_length=4000)] = ""
    ticket_id: Id | None = Field(default=None, description="Link this first contact (CC-7).")


class UpdateCustomerRequest(Body):
    name: Annotated[str | None, Field(min_length=1, max_length=200)] = None
    phone: Annotated[str | None, Field(min_length=1, max_length=40)] = None
    unit: Annotated[str | None, Field(max_length=64)] = None
    notes: Annotated[str | None, Field(max_length=4000)] = None


class CustomerRecord(BaseModel):
    """The full (confidential) record; reading it is logged (CC-7)."""

    customer_id: str
    site_id: str
    name: str
    phone: str
    unit: str
    notes: str
    created_at: datetime | None
    updated_at: datetime | None
    full_reads: int


class CustomerListItem(BaseModel):
    """No personal data in list views (CC-7)."""

    customer_id: str
    site_id: str
    created_at: datetime
    updated_at: datetime
    full_reads: int


def _record(state: customers.CustomerState) -> CustomerRecord:
    assert state.customer_id is not None
    return CustomerRecord(
        customer_id=state.customer_id,
        site_id=state.site_id,
        name=state.name,
        phone=state.phone,
        unit=state.unit,
        notes=state.notes,
        created_at=state.created_at,
        updated_at=state.updated_at,
        full_reads=state.views,
    )


class CreatedCustomer(BaseModel):
    customer_id: str
    site_id: str


# --- rosters ----------------------------------------------------------------------------------


class AssignmentIn(Body):
    date: date
    shift: rosters.Shift
    staff_id: Id


class PublishRosterRequest(Body):
    site_id: Id
    month: Month
    assignments: Annotated[list[AssignmentIn], Field(min_length=1, max_length=5000)]


class ChangeRosterRequest(Body):
    date: date
    shift: rosters.Shift
    remove_staff_id: Id | None = None
    add_staff_id: Id | None = None
    reason: Text


class SwapRequest(Body):
    requester_date: date
    requester_shift: rosters.Shift
    counterpart: Id
    counterpart_date: date
    counterpart_shift: rosters.Shift
    reason: Text


class LeaveRequest(Body):
    staff_id: Id
    date: date
    shift: rosters.Shift
    reason: Text


class SwapView(BaseModel):
    swap_id: str
    requester: str
    requester_date: date
    requester_shift: str
    counterpart: str
    counterpart_date: date
    counterpart_shift: str
    agreed: bool
    approved: bool


class AssignmentView(BaseModel):
    date: date
    shift: str
    staff_id: str
    on_leave: bool


class RosterView(BaseModel):
    site_id: str
    month: str
    assignments: list[AssignmentView]
    swaps: list[SwapView]


class HandoverRequest(Body):
    site_id: Id
    date: date
    shift: rosters.Shift
    incoming: Annotated[str | None, Field(max_length=64)] = None
    equipment_state: Annotated[str, Field(max_length=2000)]
    open_issues: Annotated[str, Field(max_length=4000)] = ""
    staffing_changes: Annotated[str, Field(max_length=2000)] = ""


class HandoverAccepted(BaseModel):
    stream_id: str
    event_id: str


def _roster_view(site_id: str, state: rosters.RosterState) -> RosterView:
    assert state.month is not None
    return RosterView(
        site_id=site_id,
        month=state.month,
        assignments=[
            AssignmentView(date=d, shift=s, staff_id=who, on_leave=(d, s, who) in state.leaves)
            for d, s, who in sorted(
                state.assignments, key=lambda a: (a[0], rosters.SHIFT_ORDER[a[1]], a[2])
            )
        ],
        swaps=[
            SwapView(
                swap_id=w.swap_id,
                requester=w.requester,
                requester_date=w.requester_slot[0],
                requester_shift=w.requester_slot[1],
                counterpart=w.counterpart,
                counterpart_date=w.counterpart_slot[0],
                counterpart_shift=w.counterpart_slot[1],
                agreed=w.agreed,
                approved=w.approved,
            )
            for w in state.swaps
        ],
    )


# --- calls and KPIs --------------------------------------------------------------------------


class LogCallRequest(Body):
    site_id: Id
    call_id: Id
    outcome: Literal["answered", "abandoned"]
    offered_at: AwareDatetime
    answered_by: Id | None = None


class SeatLogInRequest(Body):
    site_id: Id
    seat_id: Id


class SeatLogOutRequest(Body):
    site_id: Id


class KpiView(BaseModel):
    name: str
    numerator: int
    denominator: int
    rate: float | None
    target: float | None
    met: bool | None


class KpiReport(BaseModel):
    site_id: str
    month: str
    kpis: list[KpiView]
    not_measured: list[str] = Field(
        description="Targets of CC-6/CC-11 this service cannot compute (yet), and why."
    )


NOT_MEASURED = [
    "surveyed_satisfaction (CC-6 >= 95%): surveys are not recorded in this service",
]


def build_router() -> APIRouter:
    router = APIRouter()

    # -- customer records (CC-7) --

    @router.post("/customers", status_code=201, response_model=CreatedCustomer, tags=["customers"])
    async def create_customer(
        body: CreateCustomerRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> CreatedCustomer:
        """Create a customer record; optionally link the ticket of the first contact."""
        principal.authorize(CC_ROLES, body.site_id)
        ctx = command_context(request, principal, body.site_id)
        customer_id = handlers.new_customer_id(body.site_id)
        async with runtime.transaction() as tx:
            await handlers.customer_command(
                tx,
                customer_id,
                customers.CreateCustomer(customer_id, body.name, body.phone, body.unit, body.notes),
                ctx,
            )
            if body.ticket_id is not None:
                loaded = await handlers.load_ticket(tx, body.ticket_id)
                principal.authorize(CC_ROLES, loaded.site_id)
                actor = tickets.Actor(principal.staff_id, principal.roles)
                await handlers.link_customer(tx, body.ticket_id, customer_id, actor, ctx)
        return CreatedCustomer(customer_id=customer_id, site_id=body.site_id)

    @router.put("/customers/{customer_id}", response_model=CreatedCustomer, tags=["customers"])
    async def update_customer(
        customer_id: str,
        body: UpdateCustomerRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> CreatedCustomer:
        """Update fields of a customer record (only the ones given)."""
        async with runtime.transaction() as tx:
            state = await handlers.load_customer(tx, customer_id)
            if state is None:
                raise NotFoundError("customer record", customer_id)
            principal.authorize(CC_ROLES, state.site_id)
            ctx = command_context(request, principal, state.site_id)
            command = customers.UpdateCustomer(body.name, body.phone, body.unit, body.notes)
            await handlers.customer_command(tx, customer_id, command, ctx)
        return CreatedCustomer(customer_id=customer_id, site_id=state.site_id)

    @router.get("/customers/{customer_id}", response_model=CustomerRecord, tags=["customers"])
    async def read_customer(
        customer_id: str, request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> CustomerRecord:
        """The full record, for agents, shift leads and managers of its site; every read
        appends CustomerRecordViewed (CC-7)."""
        async with runtime.transaction() as tx:
            state = await handlers.load_customer(tx, customer_id)
            if state is None:
                raise NotFoundError("customer record", customer_id)
            principal.authorize(customers.READ_ROLES, state.site_id)
            ctx = command_context(request, principal, state.site_id)
            role = next(
                (r for r in (*customers.READ_ROLES, "admin") if r in principal.roles), "admin"
            )
            await handlers.customer_command(
                tx, customer_id, customers.ViewCustomer(principal.staff_id, role), ctx
            )
            after = await handlers.load_customer(tx, customer_id)
        assert after is not None
        return _record(after)

    @router.get("/customers", response_model=list[CustomerListItem], tags=["customers"])
    async def list_customers(
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
        site_id: Annotated[str, Query(min_length=1, max_length=64)],
    ) -> list[CustomerListItem]:
        """Customer records of a site, without personal data (CC-7)."""
        principal.authorize(CC_ROLES, site_id)
        query = (
            sa.select(customers_table)
            .where(customers_table.c.site_id == site_id)
            .order_by(customers_table.c.created_at)
        )
        async with runtime.engine.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [CustomerListItem.model_validate(dict(r)) for r in rows]

    # -- rosters, swaps, leave (CC-8, CC-9) --

    @router.post("/rosters", status_code=201, response_model=RosterView, tags=["rosters"])
    async def publish_roster(
        body: PublishRosterRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> RosterView:
        """The manager publishes next month's three-shift roster in advance (CC-8)."""
        principal.authorize(("cc_manager",), body.site_id)
        ctx = command_context(request, principal, body.site_id)
        async with runtime.transaction() as tx:
            current = tx.sites.calendar(body.site_id).month(tx.clock.now())
            command = rosters.PublishRoster(
                month=body.month,
                current_month=current,
                assignments=tuple(
                    rosters.Assignment(a.date, a.shift, a.staff_id) for a in body.assignments
                ),
            )
            await handlers.roster_command(tx, body.site_id, body.month, command, ctx)
            return _roster_view(
                body.site_id, await handlers.load_roster(tx, body.site_id, body.month)
            )

    @router.get("/rosters/{site_id}/{month}", response_model=RosterView, tags=["rosters"])
    async def get_roster(
        site_id: str, month: MonthPath, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> RosterView:
        """The roster as its stream says now (swaps applied, leave marked)."""
        principal.authorize(CC_ROLES, site_id)
        async with runtime.transaction() as tx:
            state = await handlers.load_roster(tx, site_id, month)
        if not state.published:
            raise NotFoundError("roster", f"{site_id} {month}")
        return _roster_view(site_id, state)

    async def _roster_act(
        runtime: RuntimeDep,
        request: Request,
        principal: CurrentPrincipal,
        site_id: str,
        month: MonthPath,
        command: rosters.RosterCommand,
    ) -> RosterView:
        ctx = command_context(request, principal, site_id)
        async with runtime.transaction() as tx:
            await handlers.roster_command(tx, site_id, month, command, ctx)
            return _roster_view(site_id, await handlers.load_roster(tx, site_id, month))

    def _holidays(runtime: RuntimeDep, site_id: str, month: str) -> frozenset[date]:
        return handlers.public_holidays(runtime.sites.calendar(site_id), month)

    @router.post("/rosters/{site_id}/{month}/changes", response_model=RosterView, tags=["rosters"])
    async def change_roster(
        site_id: str,
        month: MonthPath,
        body: ChangeRosterRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> RosterView:
        """Change one roster entry; only a shift lead or manager (CC-8)."""
        principal.authorize(SUPERVISORS, site_id)
        command = rosters.ChangeRoster(
            day=body.date,
            shift=body.shift,
            reason=body.reason,
            by=principal.staff_id,
            by_roles=principal.roles,
            remove_staff_id=body.remove_staff_id,
            add_staff_id=body.add_staff_id,
        )
        return await _roster_act(runtime, request, principal, site_id, month, command)

    @router.post(
        "/rosters/{site_id}/{month}/swaps",
        status_code=201,
        response_model=RosterView,
        tags=["rosters"],
    )
    async def request_swap(
        site_id: str,
        month: MonthPath,
        body: SwapRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> RosterView:
        """Ask a colleague to swap: they agree, the manager approves (CC-9)."""
        principal.authorize(CC_ROLES, site_id)
        command = rosters.RequestSwap(
            swap_id=f"S-{uuid4().hex[:8]}",
            requester=principal.staff_id,
            requester_slot=(body.requester_date, body.requester_shift),
            counterpart=body.counterpart,
            counterpart_slot=(body.counterpart_date, body.counterpart_shift),
            reason=body.reason,
            holidays=_holidays(runtime, site_id, month),
        )
        return await _roster_act(runtime, request, principal, site_id, month, command)

    @router.post(
        "/rosters/{site_id}/{month}/swaps/{swap_id}/agree",
        response_model=RosterView,
        tags=["rosters"],
    )
    async def agree_swap(
        site_id: str,
        month: MonthPath,
        swap_id: str,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> RosterView:
        """The counterpart agrees (CC-9)."""
        principal.authorize(CC_ROLES, site_id)
        command = rosters.AgreeSwap(swap_id=swap_id, by=principal.staff_id)
        return await _roster_act(runtime, request, principal, site_id, month, command)

    @router.post(
        "/rosters/{site_id}/{month}/swaps/{swap_id}/approve",
        response_model=RosterView,
        tags=["rosters"],
    )
    async def approve_swap(
        site_id: str,
        month: MonthPath,
        swap_id: str,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> RosterView:
        """The manager approves; every CC-9 constraint is checked again (CC-9)."""
        principal.authorize(("cc_manager",), site_id)
        command = rosters.ApproveSwap(
            swap_id=swap_id,
            by=principal.staff_id,
            by_roles=principal.roles,
            holidays=_holidays(runtime, site_id, month),
        )
        return await _roster_act(runtime, request, principal, site_id, month, command)

    @router.post(
        "/rosters/{site_id}/{month}/leaves",
        status_code=201,
        response_model=RosterView,
        tags=["rosters"],
    )
    async def grant_leave(
        site_id: str,
        month: MonthPath,
        body: LeaveRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> RosterView:
        """Grant leave for a rostered shift; never on a swap/pay-back day or a public
        holiday (CC-9)."""
        principal.authorize(SUPERVISORS, site_id)
        command = rosters.GrantLeave(
            staff_id=body.staff_id,
            day=body.date,
            shift=body.shift,
            reason=body.reason,
            by=principal.staff_id,
            by_roles=principal.roles,
            holidays=_holidays(runtime, site_id, month),
        )
        return await _roster_act(runtime, request, principal, site_id, month, command)

    @router.post("/handovers", status_code=201, response_model=HandoverAccepted, tags=["rosters"])
    async def hand_over(
        body: HandoverRequest, request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> HandoverAccepted:
        """Hand the shift over with its log; never to nobody (CC-8)."""
        principal.authorize(CC_ROLES, body.site_id)
        ctx = command_context(request, principal, body.site_id)
        command = rosters.HandOverShift(
            day=body.date,
            shift=body.shift,
            outgoing=principal.staff_id,
            incoming=body.incoming or "",
            equipment_state=body.equipment_state,
            open_issues=body.open_issues,
            staffing_changes=body.staffing_changes,
        )
        async with runtime.transaction() as tx:
            (event,) = await handlers.hand_over(tx, command, ctx)
        return HandoverAccepted(stream_id=event.stream_id, event_id=str(event.event_id))

    # -- calls and KPIs (CC-6, CC-11) --

    @router.post("/calls", status_code=201, tags=["kpis"])
    async def log_call(
        body: LogCallRequest, request: Request, principal: CurrentPrincipal, runtime: RuntimeDep
    ) -> dict[str, str]:
        """Log an offered call as answered or abandoned (CC-11 answered-call rate)."""
        principal.authorize(CC_ROLES, body.site_id)
        ctx = command_context(request, principal, body.site_id)
        async with runtime.transaction() as tx:
            month = tx.sites.calendar(body.site_id).month(body.offered_at)
            command = calls.LogCall(
                body.call_id, body.outcome, body.offered_at, month, body.answered_by
            )
            await handlers.log_call(tx, command, ctx)
        return {"call_id": body.call_id, "month": month}

    @router.post("/seats/login", status_code=201, tags=["kpis"])
    async def seat_login(
        body: SeatLogInRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> dict[str, str]:
        """The token's agent logs in at a seat (CC-11 seats online)."""
        principal.authorize(CC_ROLES, body.site_id)
        ctx = command_context(request, principal, body.site_id)
        async with runtime.transaction() as tx:
            await handlers.seat_command(tx, calls.LogIn(principal.staff_id, body.seat_id), ctx)
        return {"staff_id": principal.staff_id, "seat_id": body.seat_id}

    @router.post("/seats/logout", tags=["kpis"])
    async def seat_logout(
        body: SeatLogOutRequest,
        request: Request,
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
    ) -> dict[str, str]:
        """The token's agent logs out of their seat (CC-11)."""
        principal.authorize(CC_ROLES, body.site_id)
        ctx = command_context(request, principal, body.site_id)
        async with runtime.transaction() as tx:
            (event,) = await handlers.seat_command(tx, calls.LogOut(principal.staff_id), ctx)
        return {"staff_id": principal.staff_id, "seat_id": str(event.payload["seat_id"])}

    @router.get("/kpis", response_model=KpiReport, tags=["kpis"])
    async def get_kpis(
        principal: CurrentPrincipal,
        runtime: RuntimeDep,
        site_id: Annotated[str, Query(min_length=1, max_length=64)],
        month: MonthQuery,
    ) -> KpiReport:
        """CC-6/CC-11 figures of a site and site-local month and whether each target is
        met; tickets count in the month of their first contact."""
        principal.authorize(KPI_ROLES, site_id)
        async with runtime.engine.connect() as conn:
            rows = (
                (
                    await conn.execute(
                        sa.select(tickets_table).where(
                            tickets_table.c.site_id == site_id, tickets_table.c.month == month
                        )
                    )
                )
                .mappings()
                .all()
            )
            outcomes = (
                await conn.execute(
                    sa.select(calls_table.c.outcome).where(
                        calls_table.c.site_id == site_id, calls_table.c.month == month
                    )
                )
            ).scalars()
            figures = kpis.evaluate([dict(r) for r in rows], list(outcomes))
            # CC-11 seats: sample the month up to now, in the site's time zone.
            zone = runtime.sites.calendar(site_id).zone
            year, mon = (int(x) for x in month.split("-"))
            start = datetime(year, mon, 1, tzinfo=zone)
            following = datetime(year + mon // 12, mon % 12 + 1, 1, tzinfo=zone)
            end = min(following, runtime.clock.now())
            sessions = (
                await conn.execute(
                    sa.select(seat_sessions.c.login_at, seat_sessions.c.logout_at).where(
                        seat_sessions.c.site_id == site_id,
                        seat_sessions.c.login_at < following,
                        sa.or_(
                            seat_sessions.c.logout_at.is_(None),
                            seat_sessions.c.logout_at > start,
                        ),
                    )
                )
            ).all()
            figures += kpis.seat_coverage(
                [(as_utc(a), as_utc(b) if b is not None else None) for a, b in sessions],
                start,
                end,
                zone,
            )
        return KpiReport(
            site_id=site_id,
            month=month,
            kpis=[KpiView.model_validate(k, from_attributes=True) for k in figures],
            not_measured=NOT_MEASURED,
        )

    return router
