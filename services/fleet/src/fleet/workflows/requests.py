"""Flow 3 (WO-11) as FL-2 rev.2 has it: only the depot director dispatches.

- `AnswerVehicleRequest` (inbound, dispatch's `VehicleRequested`): the request waits for
  the director (`VehicleRequestReferredToDirector`) with a suggested vehicle and driver:
  ones the boards name as candidates and their own streams confirm free now. Nothing is
  taken out. A redelivered request is referred once.
- `DispatchRequestedTrip` (the director): takes the suggestion or names another vehicle
  and driver. A request needed later than `dispatch_ahead_minutes` from now is reserved
  (`VehicleRequestReserved`: checked, nothing taken out); otherwise the trip goes
  through `DispatchTrip`, the director's own dispatch (the site's trip number, the
  driver's claim, every FL-1/FL-2 check on the log), and the answer is
  `VehicleRequestFulfilled`. Refusing is `DeclineRequest` on the request's stream.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from opsledger.errors import NotFoundError
from opsledger.pipeline import SYSTEM_ONLY, CommandResult, UnitOfWork, Workflow, roles

from fleet.domain.common import refuse
from fleet.domain.drivers import DRIVER, BookDriver, certification_problem, driver_stream
from fleet.domain.requests import (
    RESERVED,
    VEHICLE_REQUEST,
    FulfilRequest,
    ReferRequest,
    ReserveRequest,
    VehicleRequestState,
    request_stream,
)
from fleet.domain.rules import FleetRules
from fleet.domain.vehicles import VEHICLE, vehicle_stream
from fleet.domain.vehicles.commands import BookVehicle, Purpose
from fleet.views import vehicles as views
from fleet.workflows.vehicles import DispatchTrip, driver_out_on, vehicle_at_site


@dataclass(frozen=True)
class AnswerVehicleRequest:
    site_id: str
    work_order_id: str
    request_id: str
    purpose: str
    business: str
    destination: str
    needed_at: datetime


@dataclass(frozen=True)
class DispatchRequestedTrip:
    """The depot director dispatches (or, for a later time, reserves) a requested trip."""

    site_id: str
    request_id: str
    vehicle_id: str | None = None
    driver_id: str | None = None
    odometer_out_km: Decimal | None = None


async def _suggestion(uow: UnitOfWork, needed_at: datetime) -> tuple[str | None, str | None]:
    """A vehicle and a certified driver free now. The boards lag the log, so they only
    name candidates; each one's own stream confirms it."""
    vehicle_id = driver_id = None
    for row in await views.vehicle_board(uow.conn, uow.site_id):
        state = (await uow.load(VEHICLE, vehicle_stream(row.vehicle_id))).state
        if state.site_id == uow.site_id and not (state.out or state.faults or state.retired):
            vehicle_id = state.vehicle_id
            break
    day = uow.site.local_date(needed_at)
    for candidate in await views.certified_drivers(uow.conn, uow.site_id, day):
        driver = (await uow.load(DRIVER, driver_stream(candidate.driver_id))).state
        free = await driver_out_on(uow, driver, except_vehicle="") is None
        if free and certification_problem(driver, day) is None:
            driver_id = driver.driver_id
            break
    return vehicle_id, driver_id


async def answer(uow: UnitOfWork, command: AnswerVehicleRequest) -> CommandResult[Any]:
    loaded = await uow.load(VEHICLE_REQUEST, request_stream(command.request_id))
    if loaded.state.status:  # redelivered: referred already
        return CommandResult(request_stream(command.request_id), loaded.state, loaded.version, [])
    vehicle_id, driver_id = await _suggestion(uow, command.needed_at)
    return await uow.execute(
        ReferRequest(
            site_id=uow.site_id,
            work_order_id=command.work_order_id,
            request_id=command.request_id,
            purpose=command.purpose,
            business=command.business,
            destination=command.destination,
            needed_at=command.needed_at,
            suggested_vehicle_id=vehicle_id,
            suggested_driver_id=driver_id,
        )
    )


async def _request_at_site(uow: UnitOfWork, request_id: str) -> VehicleRequestState:
    loaded = await uow.load(VEHICLE_REQUEST, request_stream(request_id))
    if not loaded.version or loaded.state.site_id != uow.site_id:
        raise NotFoundError("VehicleRequest", request_id)
    request = loaded.state
    if request.answered:
        refuse("FL-2", f"vehicle request {request_id} is already {request.status}", "request_id")
    return request


async def _reserve(
    uow: UnitOfWork, request: VehicleRequestState, vehicle_id: str, driver_id: str
) -> CommandResult[Any]:
    """FL-2 rev.2: a later time books the pair, checked now; nothing goes out."""
    assert request.needed_at is not None
    vehicle = await vehicle_at_site(uow, vehicle_id)
    VEHICLE.check_open(vehicle)  # FL-11: a retired vehicle is not booked
    driver = await uow.load(DRIVER, driver_stream(driver_id))
    state = driver.state if driver.version and driver.state.site_id == uow.site_id else None
    problem = certification_problem(state, uow.site.local_date(request.needed_at))
    if problem is not None:
        refuse("FL-1", f"driver {driver_id} {problem} on the day needed", "driver_id")
    reserved = await uow.execute(
        ReserveRequest(request.request_id, vehicle_id, vehicle.plate, driver_id)
    )
    # Booked on the pair's own streams: the director's other trips see it (FL-2 rev.2).
    await uow.execute(BookVehicle(vehicle_id, request.request_id, request.needed_at))
    await uow.execute(BookDriver(driver_id, request.request_id, request.needed_at))
    return reserved


async def dispatch_requested(uow: UnitOfWork, command: DispatchRequestedTrip) -> CommandResult[Any]:
    request = await _request_at_site(uow, command.request_id)
    reserved = request.status == RESERVED
    vehicle_id = command.vehicle_id or (
        request.vehicle_id if reserved else request.suggested_vehicle_id
    )
    driver_id = command.driver_id or (
        request.driver_id if reserved else request.suggested_driver_id
    )
    if vehicle_id is None:
        refuse("FL-2", "no vehicle was free when the request came: name one", "vehicle_id")
    if driver_id is None:
        refuse("FL-1", "no certified driver was free when the request came: name one", "driver_id")
    assert request.needed_at is not None
    ahead = timedelta(minutes=uow.site.rules(FleetRules).dispatch_ahead_minutes)
    if request.needed_at > uow.now + ahead:
        return await _reserve(uow, request, vehicle_id, driver_id)
    vehicle = await vehicle_at_site(uow, vehicle_id)
    purpose: Purpose = "delivery" if request.purpose == "delivery" else "official_business"
    started = await uow.execute(
        DispatchTrip(
            site_id=uow.site_id,
            vehicle_id=vehicle_id,
            purpose=purpose,
            business=request.business,
            destination=request.destination,
            driver_id=driver_id,
            odometer_out_km=command.odometer_out_km or vehicle.odometer,
            work_order_id=request.work_order_id,
            request_id=request.request_id,
        )
    )
    trip = started.state.out
    return await uow.execute(
        FulfilRequest(
            site_id=uow.site_id,
            work_order_id=request.work_order_id,
            request_id=request.request_id,
            trip_id=trip.trip_id,
            vehicle_id=vehicle_id,
            plate=vehicle.plate,
            driver_id=driver_id,
        )
    )


ANSWER: Workflow[AnswerVehicleRequest] = Workflow(
    command=AnswerVehicleRequest,
    roles=SYSTEM_ONLY,
    site_of=lambda c: c.site_id,
    run=answer,
)
DISPATCH_REQUESTED: Workflow[DispatchRequestedTrip] = Workflow(
    command=DispatchRequestedTrip,
    roles=roles("depot_director"),  # FL-2 rev.2: only the director dispatches
    site_of=lambda c: c.site_id,
    run=dispatch_requested,
    attempts=3,  # decided on streams only: a conflict on the driver re-decides
)
REQUEST_WORKFLOWS: list[Workflow[Any]] = [ANSWER, DISPATCH_REQUESTED]
