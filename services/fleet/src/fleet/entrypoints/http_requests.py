"""HTTP routes for flow 3 (WO-11) as FL-2 rev.2 has it: the depot director answers."""

from typing import Literal

from fastapi import APIRouter
from opsledger.readmodels import Row, response_model
from opsledger.routes import Commands

from fleet.domain.requests import DeclineRequest, VehicleRequestState
from fleet.entrypoints.fields import FleetBody, Ident, SiteId
from fleet.entrypoints.http_vehicles import BoardReads
from fleet.readmodels.requests import VEHICLE_REQUESTS
from fleet.views import requests as views
from fleet.workflows.requests import DispatchRequestedTrip

router = APIRouter(tags=["vehicle requests (flow 3, FL-2 rev.2)"])
ONE = response_model(VEHICLE_REQUESTS)


def _view(state: VehicleRequestState) -> Row:
    [row] = VEHICLE_REQUESTS.rows(state)
    return VEHICLE_REQUESTS.row_model.model_validate(row)


@router.post("/vehicle-requests/{request_id}/dispatch", response_model=ONE)
async def dispatch_request(
    request_id: Ident,
    body: FleetBody[DispatchRequestedTrip, Literal["request_id"]],
    commands: Commands,
) -> Row:
    """The director dispatches the trip (the suggested pair unless others are named), or
    reserves it when it is needed later (FL-2 rev.2)."""
    return _view((await commands.run(body.command(request_id=request_id))).state)


@router.post("/vehicle-requests/{request_id}/refuse", response_model=ONE)
async def refuse_request(
    request_id: Ident, body: FleetBody[DeclineRequest, Literal["request_id"]], commands: Commands
) -> Row:
    return _view((await commands.run(body.command(request_id=request_id))).state)


@router.get("/vehicle-requests", response_model=response_model(VEHICLE_REQUESTS, many=True))
async def vehicle_requests(site_id: SiteId, reads: BoardReads) -> list[Row]:
    """The site's requests, those waiting for the director first, then the reserved."""
    reads.authorize(site_id)
    return await reads(views.vehicle_requests, site_id)
