"""HTTP routes for FL-9 monthly rewards and the FL-10 100-point assessment."""

from fastapi import APIRouter
from opsledger.http import rule
from opsledger.pipeline import roles
from opsledger.routes import Commands, Reads
from pydantic import BaseModel, Field

from fleet.domain.conduct.commands import DeductDriverPoints
from fleet.domain.rewards import REWARD_MONTH, RewardMonthState, rewards_stream
from fleet.domain.rewards.commands import SignRewards
from fleet.domain.vehicles.commands import DeductVehiclePoints
from fleet.entrypoints.fields import Body, Ident, Month, Short, SiteId, StaffId, Text
from fleet.views import assessment as views_assessment
from fleet.workflows.rewards import ApproveMonthlyRewards, ProposeMonthlyRewards

router = APIRouter(tags=["rewards and assessment (FL-9, FL-10)"])
REWARD_READERS = roles("fleet_captain", "fleet_office", "manager", "finance", "auditor")
ASSESSMENT_READERS = roles(
    "fleet_captain", "fleet_office", "fleet_group_lead", "depot_director", "manager", "auditor"
)


class RewardLineView(BaseModel):
    person: str
    kind: str
    amount_fen: int
    km: str | None


class RewardsView(BaseModel):
    site_id: str
    month: str
    status: str
    revision: int
    lines: list[RewardLineView]
    excluded: list[dict[str, str]]
    total_fen: int
    signed_by: str | None
    approved_by: str | None

    @classmethod
    def of(cls, s: RewardMonthState) -> "RewardsView":
        return cls(
            site_id=s.site_id,
            month=s.month,
            status=s.status,
            revision=s.revision,
            lines=[
                RewardLineView(
                    person=x.person,
                    kind=x.kind,
                    amount_fen=x.amount_fen,
                    km=None if x.km is None else str(x.km),
                )
                for x in s.lines
            ],
            excluded=[{"person": x.person, "reason": x.reason} for x in s.excluded],
            total_fen=s.total_fen,
            signed_by=s.signed_by,
            approved_by=s.approved_by,
        )


class ProposeBody(Body):
    site_id: SiteId
    group_leads: list[StaffId] = Field(default=[], max_length=50, json_schema_extra=rule("FL-9"))


@router.post("/rewards/{month}/propose")
async def propose(month: Month, body: ProposeBody, commands: Commands) -> RewardsView:
    command = ProposeMonthlyRewards(body.site_id, month, tuple(body.group_leads))
    return RewardsView.of((await commands.run(command)).state)


class SiteBody(Body):
    site_id: SiteId


@router.post("/rewards/{month}/sign")
async def sign(month: Month, body: SiteBody, commands: Commands) -> RewardsView:
    return RewardsView.of((await commands.run(SignRewards(body.site_id, month))).state)


@router.post("/rewards/{month}/approve")
async def approve(month: Month, body: SiteBody, commands: Commands) -> RewardsView:
    result = await commands.run(ApproveMonthlyRewards(body.site_id, month))
    return RewardsView.of(result.state)


@router.get("/rewards/{month}")
async def rewards(month: Month, site_id: SiteId, reads: Reads) -> RewardsView:
    reads.authorize(REWARD_READERS, site_id)
    loaded = await reads.load(REWARD_MONTH, rewards_stream(site_id, month))
    return RewardsView.of(loaded.state)


class DeductionBody(Body):
    site_id: SiteId
    deduction_id: Ident
    month: Month
    points: int = Field(ge=1, le=100, json_schema_extra=rule("FL-10"))
    item: Short = Field(max_length=64, json_schema_extra=rule("FL-10"))
    note: Text


class DeductionView(BaseModel):
    subject: str
    month: str
    deducted: int
    score: int


@router.post("/assessment/drivers/{person}/deductions", status_code=201)
async def deduct_driver(person: StaffId, body: DeductionBody, commands: Commands) -> DeductionView:
    command = DeductDriverPoints(
        body.site_id, person, body.deduction_id, body.month, body.points, body.item, body.note
    )
    state = (await commands.run(command)).state
    deducted = state.points(body.month)
    return DeductionView(
        subject=person, month=body.month, deducted=deducted, score=max(100 - deducted, 0)
    )


@router.post("/assessment/vehicles/{vehicle_id}/deductions", status_code=201)
async def deduct_vehicle(
    vehicle_id: Ident, body: DeductionBody, commands: Commands
) -> DeductionView:
    command = DeductVehiclePoints(
        vehicle_id, body.deduction_id, body.month, body.points, body.item, body.note
    )
    state = (await commands.run(command)).state
    deducted = sum(d[2] for d in state.deductions if d[1] == body.month)
    return DeductionView(
        subject=vehicle_id, month=body.month, deducted=deducted, score=max(100 - deducted, 0)
    )


@router.get("/assessment")
async def assessment(site_id: SiteId, month: Month, reads: Reads) -> views_assessment.Assessment:
    reads.authorize(ASSESSMENT_READERS, site_id)
    return await reads(views_assessment.assessment, site_id, month)
