"""Flow 3 (WO-11): dispatch's `VehicleRequested` becomes a trip, or a refusal with its reason.

The `Inbound` policy (`fleet.inbound.dispatch`) turns the request into
`AnswerVehicleRequest`; the workflow picks an available vehicle and a certified driver
who is not out (FL-1, FL-2), dispatches the trip through the same `StartTrip` decision
as the depot director's, claims the driver on the driver's stream, and records the answer
(`VehicleRequestFulfilled` / `VehicleRequestRefused`, both naming the order and the
request) in one transaction. A redelivered request is answered once. Two trips racing
for one driver conflict on the claim: the consumer's retry re-decides on the streams.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY, CommandResult, UnitOfWork, Workflow

from fleet.domain.drivers import DRIVER, AssignDriverToTrip, driver_stream
from fleet.domain.requests import (
    VEHICLE_REQUEST,
    FulfilRequest,
    RefuseRequest,
    request_stream,
)
from fleet.domain.vehicles import VEHICLE, vehicle_stream
from fleet.domain.vehicles.commands import Purpose, StartTrip
from fleet.views import vehicles as views
from fleet.workflows.vehicles import driver_out_on


@dataclass(frozen=True)
class AnswerVehicleRequest:
    site_id: str
    work_order_id: str
    request_id: str
    purpose: str
    business: str
    destination: str
    needed_at: datetime


async def answer(uow: UnitOfWork, command: AnswerVehicleRequest) -> CommandResult[Any]:
    loaded = await uow.load(VEHICLE_REQUEST, request_stream(command.request_id))
    if loaded.state.outcome:  # redelivered: answered already
        return CommandResult(request_stream(command.request_id), loaded.state, loaded.version, [])
    ids = {
        "site_id": uow.site_id,
        "work_order_id": command.work_order_id,
        "request_id": command.request_id,
    }
    # The boards only name the candidates: whether a driver is free, certified, and a
    # vehicle available is decided on their own streams (the boards lag the log).
    day = uow.site.local_date(uow.now)
    candidates = await views.certified_drivers(uow.conn, uow.site_id, day)
    vehicles = [
        v for v in await views.vehicle_board(uow.conn, uow.site_id) if v.status == "available"
    ]
    if not vehicles and candidates:
        return await uow.execute(
            RefuseRequest(**ids, rule="FL-2", reason=f"No vehicle is available at {uow.site_id}")
        )
    refusal = DomainError("FL-1", f"No certified driver is free at {uow.site_id}")
    trip_id = f"trip-{command.request_id}"
    purpose: Purpose = "delivery" if command.purpose == "delivery" else "official_business"
    for candidate in candidates:
        driver = (await uow.load(DRIVER, driver_stream(candidate.driver_id))).state
        if await driver_out_on(uow, driver, except_vehicle="") is not None:
            continue
        for vehicle in vehicles:
            state = (await uow.load(VEHICLE, vehicle_stream(vehicle.vehicle_id))).state
            try:
                await uow.execute(
                    StartTrip(
                        vehicle_id=vehicle.vehicle_id,
                        trip_id=trip_id,
                        purpose=purpose,
                        business=command.business,
                        destination=command.destination,
                        driver_id=driver.driver_id,
                        driver=driver,
                        odometer_out_km=state.odometer,
                        work_order_id=command.work_order_id,
                        request_id=command.request_id,
                    )
                )
            except DomainError as exc:  # the board lagged behind the log: try the next one
                refusal = exc
                continue
            # A trip racing for the same driver conflicts here; the retry re-decides.
            await uow.execute(AssignDriverToTrip(driver.driver_id, vehicle.vehicle_id, trip_id))
            return await uow.execute(
                FulfilRequest(
                    **ids,
                    trip_id=trip_id,
                    vehicle_id=vehicle.vehicle_id,
                    plate=state.plate,
                    driver_id=driver.driver_id,
                )
            )
    return await uow.execute(RefuseRequest(**ids, rule=refusal.code, reason=refusal.message))


ANSWER: Workflow[AnswerVehicleRequest] = Workflow(
    command=AnswerVehicleRequest,
    roles=SYSTEM_ONLY,
    site_of=lambda c: c.site_id,
    run=answer,
)
