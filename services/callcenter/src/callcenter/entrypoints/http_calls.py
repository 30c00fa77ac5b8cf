"""HTTP routes of calls, seats (CC-11) and the KPIs (CC-6, CC-11)."""

from typing import Annotated, Literal

from fastapi import APIRouter
from opsledger.fields import Instant
from opsledger.readmodels.kpis import Kpi
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, Field

from callcenter.domain.calls import commands as c
from callcenter.domain.roles import READ_ROLES
from callcenter.entrypoints.fields import Body, Id, MonthQuery, SiteId, SiteQuery
from callcenter.views import desk as views


class LogCallRequest(Body):
    site_id: SiteId
    call_id: Id
    outcome: Literal["answered", "abandoned"]
    offered_at: Instant
    answered_by: Id | None = None


class SeatLogInRequest(Body):
    site_id: SiteId
    seat_id: Id


class SeatLogOutRequest(Body):
    site_id: SiteId


class KpiReport(BaseModel):
    site_id: str
    month: str
    kpis: list[Kpi]
    not_measured: list[str] = Field(
        description="Targets of CC-6/CC-11 this service cannot compute (yet), and why."
    )


NOT_MEASURED: list[str] = []

router = APIRouter(tags=["kpis"])
KpiReads = Annotated[Reader, Reads(roles=READ_ROLES)]


@router.post("/calls", status_code=201)
async def log_call(body: LogCallRequest, commands: Commands) -> dict[str, str]:
    """Log an offered call as answered or abandoned (CC-11 answered-call rate)."""
    state = (await commands.run(c.LogCall(**body.model_dump()))).state
    return {"call_id": body.call_id, "month": state.month}


@router.post("/seats/login", status_code=201)
async def seat_login(body: SeatLogInRequest, commands: Commands) -> dict[str, str]:
    """The token's agent logs in at a seat (CC-11 seats online)."""
    staff_id = commands.principal.staff_id
    await commands.run(c.LogIn(body.site_id, staff_id, body.seat_id))
    return {"staff_id": staff_id, "seat_id": body.seat_id}


@router.post("/seats/logout")
async def seat_logout(body: SeatLogOutRequest, commands: Commands) -> dict[str, str]:
    """The token's agent logs out of their seat (CC-11)."""
    staff_id = commands.principal.staff_id
    state = (await commands.run(c.LogOut(body.site_id, staff_id))).state
    return {"staff_id": staff_id, "seat_id": state.sessions[-1].seat_id}


@router.get("/kpis")
async def get_kpis(site_id: SiteQuery, month: MonthQuery, reads: KpiReads) -> KpiReport:
    """CC-6/CC-11 figures of a site and site-local month, each with the site's target and
    whether it is met; tickets count in the month of their first contact, repairs in the
    month dispatch issued them."""
    reads.authorize(site_id)
    figures = await reads(views.kpi_figures, site_id, month, reads.now, reads.site(site_id))
    return KpiReport(
        site_id=site_id,
        month=month,
        kpis=figures,
        not_measured=NOT_MEASURED,
    )
