"""HTTP API of flow 2 in dispatch: the inspector's finding on an inspection work order."""

from fastapi import APIRouter
from opsledger.http import rule
from opsledger.routes import Commands
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from dispatch.workflows.inspections import RecordInspectionFinding

router = APIRouter(tags=["work orders"])


class FindingBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    violation_found: StrictBool = Field(description="A violation was found (RP-12 rev.2)")
    serious: StrictBool = Field(default=False, description="Marked serious (RP-6)")
    finding: str = Field(
        json_schema_extra=rule("RP-12"), min_length=1, max_length=2000, description="What was found"
    )


class FindingView(BaseModel):
    work_order_id: str
    inspection_id: str
    violation_found: bool
    serious: bool


@router.post("/work-orders/{work_order_id}/inspection-finding")
async def record_inspection_finding(
    work_order_id: str, body: FindingBody, commands: Commands
) -> FindingView:
    """The order's assignee records what the inspection found; permits records it on
    the permit, where only a violation climbs the RP-6 ladder (flow 2)."""
    result = await commands.run(RecordInspectionFinding(work_order_id, **body.model_dump()))
    received = result.state.received
    return FindingView(
        work_order_id=work_order_id,
        inspection_id=received.inspection_id if received else "",
        violation_found=body.violation_found,
        serious=body.serious,
    )
