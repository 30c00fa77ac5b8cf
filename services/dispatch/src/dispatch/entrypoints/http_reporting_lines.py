"""HTTP API of the site's reporting lines (WO-4): who reports to whom, for escalation."""

from typing import Annotated

from fastapi import APIRouter
from opsledger.errors import NotFoundError
from opsledger.fields import SiteId, SiteQuery
from opsledger.http import rule
from opsledger.pipeline import roles
from opsledger.routes import Commands, Reader, Reads
from pydantic import BaseModel, ConfigDict, Field

from dispatch.domain import reporting_line
from dispatch.domain.reporting_line import REPORTING_LINE, SetReportingLine

router = APIRouter(tags=["reporting lines"])
# Who reports to whom: the dispatch desk, department heads and auditors.
LineReads = Annotated[
    Reader, Reads(roles=roles("dispatcher", "dispatch_lead", "dept_head", "auditor"))
]


class ReportingLineBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_id: SiteId
    staff_id: str = Field(json_schema_extra=rule("WO-4"), max_length=64)
    superior: str | None = Field(
        json_schema_extra=rule("WO-4"),
        max_length=64,
        description="Whom `staff_id` reports to; null removes the line",
    )


class ReportingLineEntry(BaseModel):
    staff_id: str
    superior: str


@router.post("/reporting-lines")
async def set_reporting_line(body: ReportingLineBody, commands: Commands) -> ReportingLineEntry:
    """A dispatch lead (or admin) records whom a staff member reports to (WO-4): an
    assignee escalates only to that superior. Recorded as an event (who set it, when)."""
    result = await commands.run(SetReportingLine(body.site_id, body.staff_id, body.superior))
    superior = result.state.superiors.get(body.staff_id.strip())
    return ReportingLineEntry(staff_id=body.staff_id.strip(), superior=superior or "")


@router.get("/reporting-lines")
async def reporting_lines(reads: LineReads, site_id: SiteQuery) -> list[ReportingLineEntry]:
    """The site's reporting line, staff -> superior (folded from its stream)."""
    reads.authorize(site_id)
    try:
        loaded = await reads.load(REPORTING_LINE, reporting_line.stream_id(site_id))
    except NotFoundError:
        return []
    return [
        ReportingLineEntry(staff_id=staff, superior=superior)
        for staff, superior in sorted(loaded.state.superiors.items())
    ]
