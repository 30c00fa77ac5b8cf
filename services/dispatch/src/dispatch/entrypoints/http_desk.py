"""HTTP API of the dispatch desk: penalty ledger, callcenter's requests, end-of-day
reviews (WO-7) and the diagnostic ping."""

from typing import Annotated, Literal

from fastapi import APIRouter
from opsledger.errors import NotFoundError
from opsledger.fields import MonthQuery, SiteId, SiteQuery, StrictDate
from opsledger.http import rule
from opsledger.routes import Commands, Reads
from pydantic import BaseModel, ConfigDict, Field

from dispatch.domain.reviews import ReviewEndOfDay
from dispatch.views import work_orders as views
from dispatch.views.work_orders import PersonPenalties, PingView, RequestView, ReviewView

PENALTY_READERS = frozenset({"dispatcher", "dispatch_lead", "dept_head", "finance", "auditor"})
router = APIRouter()


class EndOfDayReviewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_id: SiteId
    date: StrictDate = Field(
        json_schema_extra=rule("WO-7"), description="The site-local day reviewed"
    )
    reasons: dict[
        Annotated[str, Field(max_length=64)],
        Annotated[str, Field(max_length=1000)],
    ] = Field(
        json_schema_extra=rule("WO-7"),
        default_factory=dict,
        description="work order id -> why it is unfinished",
    )


@router.get("/penalties", tags=["penalties"])
async def penalties(
    reads: Reads,
    site_id: SiteQuery,
    month: MonthQuery,
) -> list[PersonPenalties]:
    """The penalty ledger of a site-local month, per person (WO-4, WO-5, WO-9)."""
    reads.authorize(PENALTY_READERS, site_id)
    return await reads(views.penalties, site_id, month)


@router.get("/work-order-requests", tags=["requests"])
async def work_order_requests(
    reads: Reads, site_id: SiteQuery, status: Literal["open", "closed"] | None = "open"
) -> list[RequestView]:
    """Requests from callcenter tickets (CC-4); open until an order names the ticket."""
    reads.authorize(frozenset(), site_id)
    return await reads(views.work_order_requests, site_id, status)


@router.post("/end-of-day-reviews", status_code=201, tags=["reviews"])
async def end_of_day_review(body: EndOfDayReviewBody, commands: Commands) -> ReviewView:
    """WO-7: the dispatcher's review of a day; every unfinished order (open now and
    issued on or before that day) needs a reason, else refused naming them."""
    result = await commands.run(ReviewEndOfDay(body.site_id, body.date, body.reasons))
    recorded = result.events[-1].payload
    return ReviewView(site_id=body.site_id, date=body.date, **recorded)


@router.get("/diagnostics/pings/{ping_id}", tags=["diagnostics"])
async def ping(ping_id: str, reads: Reads) -> PingView:
    """A ping as dispatch received it (from the diagnostic_pings read model)."""
    found = await reads(views.ping, ping_id)
    if found is None:
        raise NotFoundError("ping", ping_id)
    reads.authorize(frozenset(), found.site_id)
    return found
