"""HTTP API of work orders: issue, the lifecycle commands, the board, one order, history.

Every command is authorized by role AND site from the token; the actor recorded on
events is the token's staff id, never a body field (bodies reject unknown fields).
"""

from typing import Annotated, Literal

from fastapi import APIRouter
from opsledger.fields import Instant, SiteId, SiteQuery
from opsledger.http import rule
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, ConfigDict, Field

from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order import commands as wo
from dispatch.domain.work_order.state import stream_id
from dispatch.views import work_orders as views
from dispatch.views.work_orders import (
    WORK_ORDER_READERS,
    HistoryEntry,
    StatusFilter,
    WorkOrderRow,
    WorkOrderView,
)

router = APIRouter(tags=["work orders"])
OrderReads = Annotated[Reader, Reads(roles=WORK_ORDER_READERS)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _text(rule_id: str, max_length: int, description: str = "") -> object:
    return Field(
        default=None,
        json_schema_extra=rule(rule_id),
        max_length=max_length,
        description=description or rule_id,
    )


class VehicleBody(_Body):
    """WO-11: the order needs a vehicle from fleet (FL-2 purposes only)."""

    purpose: str | None = Field(
        default=None,
        json_schema_extra=rule("FL-2"),
        max_length=32,
        description="`delivery` or `official_business` (FL-2)",
    )
    business: str | None = Field(
        default=None,
        max_length=500,
        description="The delivery or the named official business; default: the order's content",
    )
    destination: str | None = Field(
        default=None, max_length=200, description="Default: the order's location"
    )
    needed_at: Instant | None = Field(
        default=None, description="When the vehicle is needed, with zone; default: now"
    )

    def need(self) -> wo.VehicleNeed:
        return wo.VehicleNeed(**self.model_dump())


class IssueWorkOrderBody(_Body):
    """WO-1 fields are optional here so that the domain can name every missing one."""

    site_id: SiteId
    location: str | None = _text("WO-1", 200)  # type: ignore[assignment]
    content: str | None = _text("WO-1", 2000)  # type: ignore[assignment]
    requirements: str | None = _text("WO-1", 1000)  # type: ignore[assignment]
    reply_by: Instant | None = Field(
        json_schema_extra=rule("WO-1"), default=None, description="WO-1, in the future, with zone"
    )
    assignee: str | None = _text("WO-2", 64, "WO-2: staff id")  # type: ignore[assignment]
    assignee_role: str | None = _text(  # type: ignore[assignment]
        "WO-2", 64, f"WO-2: one of {', '.join(sorted(wo.ASSIGNEE_ROLES))}"
    )
    ticket_id: str | None = Field(
        default=None, min_length=1, max_length=64, description="Closes this ticket's request"
    )
    asset_id: str | None = Field(
        json_schema_extra=rule("WO-10"), default=None, min_length=1, max_length=100
    )
    fault_code: str | None = Field(
        json_schema_extra=rule("WO-10"), default=None, min_length=1, max_length=64
    )
    second_assignee: str | None = Field(
        json_schema_extra=rule("WO-12"),
        default=None,
        min_length=1,
        max_length=64,
        description="WO-12 rev.2: at a key secrecy location, the second cleared person",
    )
    vehicle: VehicleBody | None = Field(
        json_schema_extra=rule("WO-11"),
        default=None,
        description="WO-11: the order needs a vehicle; fleet is asked when it is issued",
    )
    repair_class: Literal["urgent", "minor"] | None = Field(
        json_schema_extra=rule("WO-10"),
        default=None,
        description="CC-6: the repair's class; a classed repair needs a fault_code (WO-10)",
    )


class EscalateBody(_Body):
    escalated_to: str | None = Field(
        json_schema_extra=rule("WO-4"),
        default=None,
        max_length=64,
        description="The assignee's superior in the site's reporting line (WO-4); default: them",
    )
    reason: str = Field(json_schema_extra=rule("WO-4"), max_length=1000)


class ReassignBody(_Body):
    assignee: str = Field(max_length=64, description="The new assignee's staff id")
    assignee_role: str = Field(json_schema_extra=rule("WO-2"), max_length=64)
    reason: str = Field(max_length=1000)


class ReasonBody(_Body):
    reason: str = Field(max_length=1000)


class ProgressBody(_Body):
    note: str = Field(json_schema_extra=rule("WO-5"), max_length=2000)
    expected_by: Instant | None = Field(
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


@router.post("/work-orders", status_code=201)
async def issue(body: IssueWorkOrderBody, commands: Commands) -> WorkOrderView:
    """Issue a work order (WO-1 mandatory fields, WO-2 issuer and assignee roles, WO-8
    gap-free per-site serial, WO-10 repeat-repair flag; closes the ticket's request when
    `ticket_id` is given; WO-11 asks fleet for a vehicle when `vehicle` is given)."""
    vehicle = body.vehicle.need() if body.vehicle is not None else None
    result = await commands.run(
        wo.IssueWorkOrder(**body.model_dump(exclude={"vehicle"}), vehicle=vehicle)
    )
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/accept")
async def accept(work_order_id: str, commands: Commands) -> WorkOrderView:
    """The named assignee accepts; the time is recorded to the minute (WO-3)."""
    result = await commands.run(wo.AcceptWorkOrder(work_order_id))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/escalate")
async def escalate(work_order_id: str, body: EscalateBody, commands: Commands) -> WorkOrderView:
    """The assignee cannot decline but may hand the order to a superior, with a reason
    (WO-4); the superior becomes the assignee and must accept it."""
    result = await commands.run(wo.EscalateWorkOrder(work_order_id, **body.model_dump()))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/reassign")
async def reassign(work_order_id: str, body: ReassignBody, commands: Commands) -> WorkOrderView:
    """A dispatcher or dispatch lead gives an open or escalated order to another
    assignee, with a reason; the new assignee must accept it (WO-3)."""
    result = await commands.run(wo.ReassignWorkOrder(work_order_id, **body.model_dump()))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/refusals")
async def refusal(work_order_id: str, body: ReasonBody, commands: Commands) -> WorkOrderView:
    """A dispatcher records that the assignee refused: 100 yuan penalty (WO-4)."""
    result = await commands.run(wo.RecordRefusal(work_order_id, body.reason))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/progress")
async def progress(work_order_id: str, body: ProgressBody, commands: Commands) -> WorkOrderView:
    """The assignee reports progress before the deadline (WO-5). With `expected_by` the
    deadline moves there (and the overdue timer with it)."""
    result = await commands.run(wo.ReportProgress(work_order_id, **body.model_dump()))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/complete")
async def complete(work_order_id: str, body: CompleteBody, commands: Commands) -> WorkOrderView:
    """The assignee records the process and result (WO-6 step 1)."""
    result = await commands.run(wo.CompleteWorkOrder(work_order_id, **body.model_dump()))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/sign-off")
async def sign_off(work_order_id: str, body: SignOffBody, commands: Commands) -> WorkOrderView:
    """The customer signs off, recorded by the assignee or a dispatcher (WO-6 step 2)."""
    result = await commands.run(wo.SignOffWorkOrder(work_order_id, body.signed_by))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/callback")
async def callback(work_order_id: str, body: CallbackBody, commands: Commands) -> WorkOrderView:
    """The dispatcher phones the customer (WO-6 step 3); not confirmed reopens it."""
    result = await commands.run(wo.RecordCallback(work_order_id, **body.model_dump()))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/archive")
async def archive(work_order_id: str, commands: Commands) -> WorkOrderView:
    """Archive; refused (WO-6) naming what is missing unless signed off and called back."""
    result = await commands.run(wo.ArchiveWorkOrder(work_order_id))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/unreasonable")
async def unreasonable(work_order_id: str, body: ReasonBody, commands: Commands) -> WorkOrderView:
    """A dispatch lead judges an escalated order unreasonable: 30 yuan against the
    issuer (WO-9)."""
    result = await commands.run(wo.JudgeUnreasonable(work_order_id, body.reason))
    return views.work_order(result.state, commands.principal.roles)


@router.post("/work-orders/{work_order_id}/vehicle-requests")
async def request_vehicle(
    work_order_id: str, body: VehicleBody, commands: Commands
) -> WorkOrderView:
    """Ask fleet for a vehicle for an open order (WO-11, flow 3); one request at a time.
    Fleet's trip or refusal appears on the order (`vehicle`) when it answers."""
    result = await commands.run(wo.RequestVehicle(work_order_id, body.need()))
    return views.work_order(result.state, commands.principal.roles)


@router.get("/work-orders")
async def board(
    reads: OrderReads,
    site_id: SiteQuery,
    status: StatusFilter | None = None,
) -> list[WorkOrderRow]:
    """The board of a site (read model `work_orders`). `open`: issued, escalated or
    accepted; `overdue`: went overdue and not completed yet."""
    reads.authorize(site_id)
    return await reads(views.board, site_id, status, reads.roles)


@router.get("/work-orders/{work_order_id}")
async def get_work_order(work_order_id: str, reads: OrderReads) -> WorkOrderView:
    """The order's current state, folded from its event stream (always up to date)."""
    loaded = await reads.load(WORK_ORDER, stream_id(work_order_id))
    return views.work_order(loaded.state, reads.roles)


@router.get("/work-orders/{work_order_id}/history")
async def history(work_order_id: str, reads: OrderReads) -> list[HistoryEntry]:
    """Every event of the order with who and when, from the event log."""
    recorded = await reads.stream(WORK_ORDER, stream_id(work_order_id))
    return views.history(recorded, reads.roles)
