"""Flow 3 (WO-11): dispatch's `VehicleRequested` becomes a trip, or a refusal with its reason.

The `Inbound` policy (`fleet.inbound.dispatch`) turns the request into
`AnswerVehicleRequest`; the workflow picks an available vehicle and a certified driver
who is not out (FL-1, FL-2), dispatches the trip through the same `StartTrip` decision
as the depot director's, and records the answer
(`VehicleRequestFulfilled` / `VehicleRequestRefused`, both naming the order and the
request) in one transaction. A redelivered request is answered once.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY, CommandResult, UnitOfWork, Workflow

from fleet.domain.drivers import DRIVER, driver_stream
from fleet.domain.requests import (
    VEHICLE_REQUEST,
    FulfilRequest,
    RefuseRequest,
    request_stream,
)
from fleet.domain.vehicles import VEHICLE, vehicle_stream
from fleet.domain.vehicles.commands import StartTrip
from fleet.views import vehicles as views


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
    busy = {t.driver_id for t in await views.trips_out(uow.conn, uow.site_id)}
    candidates = [
        d
        for d in await views.certified_drivers(uow.conn, uow.site_id, uow.site.local_date(uow.now))
        if d.driver_id not in busy
    ]
    vehicles = [
        v for v in await views.vehicle_board(uow.conn, uow.site_id) if v.status == "available"
    ]
    if not candidates:
        return await uow.execute(
            RefuseRequest(
                **ids, rule="FL-1", reason=f"No certified driver is free at {uow.site_id}"
            )
        )
    if not vehicles:
        return await uow.execute(
            RefuseRequest(**ids, rule="FL-2", reason=f"No vehicle is available at {uow.site_id}")
        )
    refusal: DomainError | None = None
    for vehicle in vehicles:
        state = (await uow.load(VEHICLE, vehicle_stream(vehicle.vehicle_id))).state
        driver = (await uow.load(DRIVER, driver_stream(candidates[0].driver_id))).state
        trip_id = f"trip-{command.request_id}"
        try:
            await uow.execute(
                StartTrip(
                    vehicle_id=vehicle.vehicle_id,
                    trip_id=trip_id,
                    purpose="delivery" if command.purpose == "delivery" else "official_business",
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
        return await uow.execute(
            FulfilRequest(
                **ids,
                trip_id=trip_id,
                vehicle_id=vehicle.vehicle_id,
                plate=state.plate,
                driver_id=driver.driver_id,
            )
        )
    assert refusal is not None
    return await uow.execute(RefuseRequest(**ids, rule=refusal.code, reason=refusal.message))


ANSWER: Workflow[AnswerVehicleRequest] = Workflow(
    command=AnswerVehicleRequest,
    roles=SYSTEM_ONLY,
    site_of=lambda c: c.site_id,
    run=answer,
)
