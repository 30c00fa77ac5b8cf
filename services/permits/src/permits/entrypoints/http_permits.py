"""HTTP routes of a permit up to the works: apply (RP-1), review (RP-2), fees and start
(RP-3, RP-4), scope changes (RP-9); the site's permit board."""

from datetime import datetime
from functools import partial
from typing import Annotated

from fastapi import APIRouter
from opsledger.command_routes import post_command
from opsledger.fields import SiteQuery
from opsledger.http import rule
from opsledger.readmodels import response_model
from opsledger.redaction import read_by, redact
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, Field, StrictBool, StrictInt

from permits.domain.permit import PERMIT, PermitState, permit_stream
from permits.domain.permit import commands as c
from permits.domain.roles import MONEY_READERS, PERMIT_READERS
from permits.entrypoints.fields import Body, Fen, Ident, PermitBody, Short, SiteId, Text
from permits.readmodels.permits import PERMITS
from permits.views import permits as views

router = APIRouter(tags=["permits (RP-1 … RP-4, RP-9)"])
PermitReads = Annotated[Reader, Reads(roles=PERMIT_READERS)]


class PermitView(BaseModel):
    """A permit's state as its commands answer it."""

    permit_id: str
    site_id: str
    unit_id: str
    applicant_id: str
    contractor: str
    stage: str
    active: bool
    structural_change: bool
    review_due_at: datetime | None
    review_overdue: bool
    notified: bool
    fees: dict[str, int] | None = read_by(MONEY_READERS)
    unpaid: list[str]
    equipment_passed: bool | None
    passes: list[str]
    scope_changes: dict[str, str]
    rounds: int
    certificate_no: str | None
    refund_target_at: datetime | None
    refund_limit_at: datetime | None
    passes_out: list[str]

    @classmethod
    def of(cls, s: PermitState, roles: frozenset[str]) -> "PermitView":
        view = cls(
            permit_id=s.permit_id,
            site_id=s.site_id,
            unit_id=s.unit_id,
            applicant_id=s.applicant_id,
            contractor=s.contractor,
            stage=s.stage,
            active=s.active,
            structural_change=s.structural_change,
            review_due_at=s.review_due_at,
            review_overdue=s.review_overdue,
            notified=s.notified,
            fees={f.kind: f.amount_fen for f in s.fees},
            unpaid=s.unpaid,
            equipment_passed=s.equipment_passed,
            passes=[w.pass_no for w in s.workers],
            scope_changes={x.change_id: x.status for x in s.scope_changes},
            rounds=s.rounds,
            certificate_no=s.certificate_no,
            refund_target_at=s.refund_target_at,
            refund_limit_at=s.refund_limit_at,
            passes_out=s.passes_out,
        )
        return redact(view, roles)


class DrawingBody(Body):
    kind: Ident
    copies: StrictInt = Field(ge=0, le=20, json_schema_extra=rule("RP-1"))
    construction_notes: StrictBool = Field(json_schema_extra=rule("RP-1"))


class ApplyBody(Body):
    """RP-1 rev.2: what the front desk checked and took; every `false` is a missing item."""

    site_id: SiteId
    permit_id: Ident
    unit_id: Ident
    applicant_id: Ident = Field(json_schema_extra=rule("RP-1"))
    identity_verified: StrictBool = Field(json_schema_extra=rule("RP-1"))
    form: StrictBool = Field(json_schema_extra=rule("RP-1"))
    drawings: list[DrawingBody] = Field(max_length=50)
    pledge: StrictBool = Field(json_schema_extra=rule("RP-1"))
    handbook_issued: StrictBool = Field(json_schema_extra=rule("RP-1"))
    contractor: Short
    works: Text
    structural_change: StrictBool = Field(default=False, json_schema_extra=rule("RP-2"))


@router.post("/permits", status_code=201)
async def apply(body: ApplyBody, commands: Commands) -> PermitView:
    drawings = tuple(c.Drawing(d.kind, d.copies, d.construction_notes) for d in body.drawings)
    command = c.ApplyForPermit(**{**dict(body), "drawings": drawings})
    return await run(commands, command)


async def run(commands: Commands, command: object) -> PermitView:
    """Run a permit command as the caller; its answer is the permit, redacted for them."""
    return PermitView.of((await commands.run(command)).state, commands.principal.roles)


# A permit command's route: the body derived from the command, the permit answered.
_post = partial(post_command, router, answer=run, body=PermitBody, path_type=Ident)


@router.post("/permits/{permit_id}/hand-over")
async def hand_over(permit_id: Ident, commands: Commands) -> PermitView:
    """Customer service hands the file to engineering: the review clock starts."""
    return await run(commands, c.HandToEngineering(permit_id))


class FeeBody(Body):
    kind: Ident
    amount_fen: Fen


class ApproveBody(Body):
    fees: list[FeeBody] = Field(min_length=1, max_length=20, json_schema_extra=rule("RP-3"))
    structural_approval: StrictBool = Field(default=False, json_schema_extra=rule("RP-2"))


@router.post("/permits/{permit_id}/approve")
async def approve(permit_id: Ident, body: ApproveBody, commands: Commands) -> PermitView:
    fees = tuple(c.Fee(f.kind, f.amount_fen) for f in body.fees)
    return await run(commands, c.ApprovePermit(permit_id, fees, body.structural_approval))


_post("/permits/{permit_id}/reject", c.RejectPermit, name="reject")
_post("/permits/{permit_id}/notify", c.NotifyApplicant, name="notify")
_post("/permits/{permit_id}/equipment-check", c.RecordEquipmentCheck, name="equipment_check")
_post("/permits/{permit_id}/fees", c.PayFee)


_post(
    "/permits/{permit_id}/fees/void",
    c.VoidFeePayment,
    name="void_fee",
    doc="Finance withdraws a payment recorded wrongly, before works start (§0 rev.2).",
)


class WorkerBody(Body):
    pass_no: Ident
    name: Short


class StartBody(Body):
    workers: list[WorkerBody] = Field(min_length=1, max_length=200, json_schema_extra=rule("RP-3"))
    extinguishers_on_site: StrictBool = Field(json_schema_extra=rule("RP-4"))


@router.post("/permits/{permit_id}/start")
async def start(permit_id: Ident, body: StartBody, commands: Commands) -> PermitView:
    workers = tuple(c.Worker(w.pass_no, w.name) for w in body.workers)
    return await run(commands, c.StartWorks(permit_id, workers, body.extinguishers_on_site))


_post("/permits/{permit_id}/scope-changes", c.ApplyScopeChange)
_post("/permits/{permit_id}/scope-changes/{change_id}/decision", c.DecideScopeChange)


@router.get("/permits", response_model=response_model(PERMITS, many=True))
async def board(
    site_id: SiteQuery,
    reads: PermitReads,
    stage: Annotated[str | None, Field(max_length=16)] = None,
) -> object:
    """The site's permits: stage, next step, its deadline and who owes it."""
    reads.authorize(site_id)
    return [redact(r, reads.roles) for r in await reads(views.board, site_id, stage)]


@router.get("/permits/{permit_id}")
async def permit(permit_id: Ident, reads: PermitReads) -> PermitView:
    state = (await reads.load(PERMIT, permit_stream(permit_id))).state
    return PermitView.of(state, reads.roles)
