"""HTTP routes for key departments and locations (SR-9): registration and entry list
(published for dispatch, flow 4), entries and exits, two-person service work."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from opsledger.fields import SiteQuery
from opsledger.routes import Commands

from secrets_registry.domain.locations import (
    ChangeEntryList,
    LocationState,
    RecordExit,
    RegisterKeyLocation,
)
from secrets_registry.domain.roles import AUDITOR, COMMITTEE, OFFICER
from secrets_registry.domain.twoperson import TwoPersonState
from secrets_registry.entrypoints.audited import RegistryReader, RegistryReads
from secrets_registry.entrypoints.carrier_fields import CarrierBody
from secrets_registry.entrypoints.fields import Ident
from secrets_registry.views import locations as views
from secrets_registry.views.twoperson import PendingConfirmation
from secrets_registry.workflows.locations import RecordKeyLocationEntry, StartServiceWork

router = APIRouter(tags=["key locations"])
LocationReads = Annotated[RegistryReader, RegistryReads(roles=OFFICER | COMMITTEE | AUDITOR)]
LID = Literal["location_id"]


@router.post("/key-locations", status_code=201)
async def register_location(
    body: CarrierBody[RegisterKeyLocation, None], commands: Commands
) -> views.LocationView:
    return views.LocationView.of((await commands.run(body.command())).state)


@router.post("/key-locations/{location_id}/entry-list")
async def change_entry_list(
    location_id: Ident, body: CarrierBody[ChangeEntryList, LID], commands: Commands
) -> views.LocationView:
    result = await commands.run(body.command(location_id=location_id))
    return views.LocationView.of(result.state)


@router.post("/key-locations/{location_id}/entries")
async def record_entry(
    location_id: Ident, body: CarrierBody[RecordKeyLocationEntry, LID], commands: Commands
) -> views.LocationView:
    result = await commands.run(body.command(location_id=location_id))
    return views.LocationView.of(result.state)


@router.post("/key-locations/{location_id}/exits")
async def record_exit(
    location_id: Ident, body: CarrierBody[RecordExit, LID], commands: Commands
) -> views.LocationView:
    result = await commands.run(body.command(location_id=location_id))
    return views.LocationView.of(result.state)


@router.post(
    "/key-locations/{location_id}/service-work", responses={202: {"model": PendingConfirmation}}
)
async def start_service_work(
    location_id: Ident,
    body: CarrierBody[StartServiceWork, LID],
    commands: Commands,
    response: Response,
) -> views.LocationView | PendingConfirmation:
    """Each of the two posts the same body with their own token; both enter together."""
    result = await commands.run(body.command(location_id=location_id))
    state: Any = result.state
    if isinstance(state, TwoPersonState):
        response.status_code = 202
        return PendingConfirmation.of(state)
    assert isinstance(state, LocationState)
    return views.LocationView.of(state)


@router.get("/key-locations")
async def locations(site_id: SiteQuery, reads: LocationReads) -> list[views.LocationView]:
    await reads.open(site_id, "key-locations")
    return await reads.many(site_id, "key-locations", await reads(views.locations, site_id))


@router.get("/key-locations/{location_id}/passages")
async def passages(
    location_id: Ident, site_id: SiteQuery, reads: LocationReads
) -> list[views.PassageRow]:
    """SR-9 rev.: every entry and exit, and each time one person was alone inside."""
    await reads.open(site_id, location_id)
    rows = await reads(views.passages, site_id, location_id)
    return await reads.many(site_id, location_id, rows)
