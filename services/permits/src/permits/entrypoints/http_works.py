"""HTTP routes of works approvals: hot work (RP-7), temporary power (RP-8) and customer
service's approvals of after-hours work, freight lift and large items (RP-10)."""

from typing import Annotated, Literal

from fastapi import APIRouter
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel

from permits.domain.conduct.commands import ApproveWorksRequest
from permits.domain.hotwork import (
    HOT_WORK,
    ApplyForHotWork,
    ApproveHotWork,
    HotWorkState,
    IssueHotWorkPermit,
    hot_work_stream,
)
from permits.domain.power import (
    TEMPORARY_POWER,
    ApplyForTemporaryPower,
    ApproveTemporaryPower,
    ChargeTemporaryPower,
    PowerState,
    SupplyTemporaryPower,
    power_stream,
)
from permits.domain.roles import PERMIT_READERS
from permits.entrypoints.http_conduct import ConductBody, Ident
from permits.views.conduct import WorksView

router = APIRouter(tags=["works approvals (RP-7, RP-8, RP-10)"])
WorksReads = Annotated[Reader, Reads(roles=PERMIT_READERS)]


@router.post("/works/{permit_id}/approvals", status_code=201)
async def approve_works_request(
    permit_id: Ident,
    body: ConductBody[ApproveWorksRequest, Literal["permit_id"]],
    commands: Commands,
) -> WorksView:
    """RP-10: after-hours work, freight lift or a large item, for a stated window."""
    return WorksView.of((await commands.run(body.command(permit_id=permit_id))).state)


class HotWorkView(BaseModel):
    hot_work_id: str
    permit_id: str
    site_id: str
    fire_supervisor: str
    approvals: dict[str, str]
    issued: bool

    @classmethod
    def of(cls, s: HotWorkState) -> "HotWorkView":
        assert s.applied is not None
        return cls(
            hot_work_id=s.applied.hot_work_id,
            permit_id=s.applied.permit_id,
            site_id=s.site_id,
            fire_supervisor=s.applied.fire_supervisor,
            approvals=dict(s.approvals),
            issued=s.issued,
        )


@router.post("/hot-works", status_code=201)
async def apply_for_hot_work(
    body: ConductBody[ApplyForHotWork, None], commands: Commands
) -> HotWorkView:
    """RP-7 rev.2: at the management office, with the fire supervisor and the window."""
    return HotWorkView.of((await commands.run(body.command())).state)


@router.post("/hot-works/{hot_work_id}/approvals")
async def approve_hot_work(
    hot_work_id: Ident,
    body: ConductBody[ApproveHotWork, Literal["hot_work_id"]],
    commands: Commands,
) -> HotWorkView:
    """Engineering's or the concierge's approval; two different people (RP-7 rev.2)."""
    return HotWorkView.of((await commands.run(body.command(hot_work_id=hot_work_id))).state)


@router.post("/hot-works/{hot_work_id}/permit")
async def issue_hot_work_permit(hot_work_id: Ident, commands: Commands) -> HotWorkView:
    """Both approvals given: the hot-work permit for the window (RP-7)."""
    return HotWorkView.of((await commands.run(IssueHotWorkPermit(hot_work_id))).state)


@router.get("/hot-works/{hot_work_id}")
async def hot_work(hot_work_id: Ident, reads: WorksReads) -> HotWorkView:
    return HotWorkView.of((await reads.load(HOT_WORK, hot_work_stream(hot_work_id))).state)


class PowerView(BaseModel):
    permit_id: str
    site_id: str
    stage: str
    price_fen: int

    @classmethod
    def of(cls, s: PowerState) -> "PowerView":
        return cls.model_validate(s, from_attributes=True)


@router.post("/temporary-power", status_code=201)
async def apply_for_temporary_power(
    body: ConductBody[ApplyForTemporaryPower, None], commands: Commands
) -> PowerView:
    """RP-8: the application (engineering then approves and prices it)."""
    return PowerView.of((await commands.run(body.command())).state)


@router.post("/temporary-power/{power_id}/approval")
async def approve_temporary_power(
    power_id: Ident,
    body: ConductBody[ApproveTemporaryPower, Literal["power_id"]],
    commands: Commands,
) -> PowerView:
    """RP-8 rev.2: engineering approves and sets the price."""
    return PowerView.of((await commands.run(body.command(power_id=power_id))).state)


@router.post("/temporary-power/{power_id}/charge")
async def charge_temporary_power(
    power_id: Ident,
    body: ConductBody[ChargeTemporaryPower, Literal["power_id"]],
    commands: Commands,
) -> PowerView:
    """RP-8: finance charges the price engineering set."""
    return PowerView.of((await commands.run(body.command(power_id=power_id))).state)


@router.post("/temporary-power/{power_id}/supply")
async def supply_temporary_power(power_id: Ident, commands: Commands) -> PowerView:
    """RP-8: engineering supplies, after the charge."""
    return PowerView.of((await commands.run(SupplyTemporaryPower(power_id))).state)


@router.get("/temporary-power/{power_id}")
async def temporary_power(power_id: Ident, reads: WorksReads) -> PowerView:
    return PowerView.of((await reads.load(TEMPORARY_POWER, power_stream(power_id))).state)
