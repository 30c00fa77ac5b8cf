"""HTTP routes for FL-9 monthly rewards and the FL-10 100-point assessment."""

from typing import Annotated, Literal

from fastapi import APIRouter
from opsledger.http import rule
from opsledger.pipeline import roles
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, Field

from fleet.domain.assessment import AdjustAssessment, AssessmentState
from fleet.domain.rewards import REWARD_MONTH, RewardMonthState, rewards_stream
from fleet.domain.rewards.commands import SignRewards
from fleet.entrypoints.fields import Body, FleetBody, Ident, Month, Short, SiteId, StaffId, Text
from fleet.views import assessment as views_assessment
from fleet.workflows.assessment import (
    CloseAssessmentMonth,
    RecordDriverDeduction,
    RecordVehicleDeduction,
)
from fleet.workflows.rewards import ApproveMonthlyRewards, ProposeMonthlyRewards

router = APIRouter(tags=["rewards and assessment (FL-9, FL-10)"])
REWARD_READERS = roles("fleet_captain", "fleet_office", "manager", "finance", "auditor")
ASSESSMENT_READERS = roles(
    "fleet_captain", "fleet_office", "fleet_group_lead", "depot_director", "manager", "auditor"
)
RewardReads = Annotated[Reader, Reads(roles=REWARD_READERS)]
AssessmentReads = Annotated[Reader, Reads(roles=ASSESSMENT_READERS)]


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
async def rewards(month: Month, site_id: SiteId, reads: RewardReads) -> RewardsView:
    reads.authorize(site_id)
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
    command = RecordDriverDeduction(person=person, **body.model_dump())
    state = (await commands.run(command)).state
    deducted = state.points(body.month)
    return DeductionView(
        subject=person, month=body.month, deducted=deducted, score=max(100 - deducted, 0)
    )


@router.post("/assessment/vehicles/{vehicle_id}/deductions", status_code=201)
async def deduct_vehicle(
    vehicle_id: Ident, body: DeductionBody, commands: Commands
) -> DeductionView:
    command = RecordVehicleDeduction(vehicle_id=vehicle_id, **body.model_dump())
    state = (await commands.run(command)).state
    deducted = sum(d[2] for d in state.deductions if d[1] == body.month)
    return DeductionView(
        subject=vehicle_id, month=body.month, deducted=deducted, score=max(100 - deducted, 0)
    )


class AssessmentMonthView(BaseModel):
    site_id: str
    month: str
    closed: bool
    adjustments: int

    @classmethod
    def of(cls, s: AssessmentState) -> "AssessmentMonthView":
        return cls(site_id=s.site_id, month=s.month, closed=s.closed, adjustments=s.adjustments)


@router.post("/assessment/{month}/close")
async def close_assessment(month: Month, body: SiteBody, commands: Commands) -> AssessmentMonthView:
    """The office closes the site's month; the scores go to payroll (FL-10 rev.2)."""
    result = await commands.run(CloseAssessmentMonth(body.site_id, month))
    return AssessmentMonthView.of(result.state)


@router.post("/assessment/{month}/adjustments")
async def adjust_assessment(
    month: Month, body: FleetBody[AdjustAssessment, Literal["month"]], commands: Commands
) -> AssessmentMonthView:
    """A closed month's score corrected by an adjustment event (FL-10 rev.2, §0)."""
    return AssessmentMonthView.of((await commands.run(body.command(month=month))).state)


@router.get("/assessment")
async def assessment(
    site_id: SiteId, month: Month, reads: AssessmentReads
) -> views_assessment.Assessment:
    reads.authorize(site_id)
    return await reads(views_assessment.assessment, site_id, month)
