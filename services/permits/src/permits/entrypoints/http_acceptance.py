"""HTTP routes of a permit from the end of works to the refund (RP-11), the refunds due
and the KPIs (RP-2, RP-11) in the shape callcenter's `/kpis` answers."""

from functools import partial
from typing import Annotated

from fastapi import APIRouter
from opsledger.command_routes import post_command
from opsledger.fields import MonthQuery, SiteQuery
from opsledger.readmodels import response_model
from opsledger.redaction import redact
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, Field

from permits.domain.kpis import Kpi
from permits.domain.permit import commands as c
from permits.domain.roles import MONEY_READERS, PERMIT_READERS
from permits.entrypoints.fields import Body, Ident, PermitBody
from permits.entrypoints.http_permits import PermitView, run
from permits.readmodels.permits import PERMITS
from permits.views import kpis as kpi_views
from permits.views import permits as views

router = APIRouter(tags=["acceptance and refunds (RP-11)"])
MoneyReads = Annotated[Reader, Reads(roles=MONEY_READERS)]
KpiReads = Annotated[Reader, Reads(roles=PERMIT_READERS)]
_post = partial(post_command, router, answer=run, body=PermitBody, path_type=Ident)


_post("/permits/{permit_id}/finish", c.FinishWorks, name="finish")
_post("/permits/{permit_id}/acceptance", c.ApplyForAcceptance)


_post(
    "/permits/{permit_id}/inspections",
    c.InspectAcceptance,
    name="inspect",
    doc="A joint inspection: pass with `certificate_no`, fail with `defects` and `rectify_by`.",
)


@router.post("/permits/{permit_id}/acceptance-form")
async def sign_acceptance_form(permit_id: Ident, commands: Commands) -> PermitView:
    """Engineering signs the form to finance: the refund clock starts."""
    return await run(commands, c.SignAcceptanceForm(permit_id))


class PassesBody(Body):
    pass_nos: list[Ident] = Field(min_length=1, max_length=200)


@router.post("/permits/{permit_id}/passes/return")
async def return_passes(permit_id: Ident, body: PassesBody, commands: Commands) -> PermitView:
    return await run(commands, c.ReturnPasses(permit_id, tuple(body.pass_nos)))


_post("/permits/{permit_id}/refund", c.RefundDeposit, name="refund")


@router.get("/refunds", response_model=response_model(PERMITS, many=True))
async def refunds(site_id: SiteQuery, reads: MoneyReads, overdue: bool = False) -> object:
    """Deposits due back: form signed, not refunded (`overdue`: past the target)."""
    reads.authorize(site_id)
    rows = await reads(views.refunds, site_id, overdue)
    return [redact(r, reads.roles) for r in rows]


class KpiReport(BaseModel):
    site_id: str
    month: str
    kpis: list[Kpi]
    not_measured: list[str] = Field(
        description="Targets of RP-2/RP-11 this service cannot compute (yet), and why."
    )


@router.get("/kpis")
async def get_kpis(site_id: SiteQuery, month: MonthQuery, reads: KpiReads) -> KpiReport:
    """Reviews within the working days (by month of hand-over), refunds within the target
    and the limit (by month the acceptance form was signed), and overdue counts."""
    reads.authorize(site_id)
    figures = await reads(kpi_views.figures, site_id, month, reads.now, reads.site(site_id))
    return KpiReport(site_id=site_id, month=month, kpis=figures, not_measured=[])
