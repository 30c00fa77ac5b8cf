"""Flow 4 for the dispatch desk: staff cleared for a key secrecy location (WO-12)."""

from typing import Annotated

from fastapi import APIRouter
from opsledger.fields import SiteQuery
from opsledger.pipeline import roles
from opsledger.readmodels import Row, response_model
from opsledger.routes import Commands, Reader, Reads

from dispatch.domain.work_order.key_location import CheckInAtKeyLocation
from dispatch.readmodels.secrecy import CLEARANCES
from dispatch.views import secrecy as views
from dispatch.views import work_orders as orders
from dispatch.views.work_orders import WorkOrderView

router = APIRouter(tags=["key secrecy locations"])
DeskReads = Annotated[Reader, Reads(roles=roles("dispatcher", "dispatch_lead"))]


@router.get(
    "/key-locations/{location_id}/cleared-staff",
    response_model=response_model(CLEARANCES, many=True),
)
async def cleared_staff(location_id: str, site_id: SiteQuery, reads: DeskReads) -> list[Row]:
    """Candidates for an order at the key location today; issuing decides (WO-12)."""
    reads.authorize(site_id)
    day = reads.site(site_id).local_date(reads.now)
    return await reads(views.cleared_staff, site_id, location_id, day)


@router.post("/work-orders/{work_order_id}/check-in")
async def check_in(work_order_id: str, commands: Commands) -> WorkOrderView:
    """WO-12 rev.2: one of the order's two people checks in at its key location with
    their own token, cleared today; the work is recorded only after both have."""
    result = await commands.run(CheckInAtKeyLocation(work_order_id))
    return orders.work_order(result.state, commands.principal.roles)
