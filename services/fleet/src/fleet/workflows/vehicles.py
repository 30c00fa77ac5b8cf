"""Workflows: fleet commands whose work spans streams, each in one transaction.

- `DispatchTrip` (FL-1, FL-2): reads the driver's certificate, numbers the trip,
  records it in the vehicle's log and claims the driver on the driver's stream.
- `RecordFuelPurchase` (FL-5, FL-6): checks the vehicle and its odometer, files the
  purchase in the vehicle-month of the site's calendar.
- `CloseFuelMonth` (FL-5, FL-7): km and the main driver from the vehicle's log,
  reconciles the month and records the fine (or its correction) in the driver's ledger.
- `AnswerVehicleRequest` (WO-11, flow 3): see `fleet.workflows.requests`.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from opsledger.errors import NotFoundError
from opsledger.pipeline import CommandResult, UnitOfWork, Workflow, roles

from fleet.domain.bookings import Booking
from fleet.domain.common import refuse
from fleet.domain.conduct import RecordFuelFine
from fleet.domain.drivers import DRIVER, AssignDriverToTrip, DriverState, driver_stream
from fleet.domain.fuel import FUEL_MONTH, AddFuelPurchase, ReconcileFuelMonth, fuel_stream
from fleet.domain.fuel.commands import FuelFill, fill_of
from fleet.domain.requests import RESERVED, VEHICLE_REQUEST, request_stream
from fleet.domain.rules import FleetRules
from fleet.domain.vehicles import VEHICLE, VehicleState, vehicle_stream
from fleet.domain.vehicles.commands import Purpose, StartTrip


@dataclass(frozen=True)
class DispatchTrip:
    """The depot director dispatches a trip (派車登記)."""

    site_id: str
    vehicle_id: str
    purpose: Purpose
    business: str
    destination: str
    driver_id: str
    odometer_out_km: Decimal
    for_unit: str | None = None
    work_order_id: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class RecordFuelPurchase(FuelFill):
    site_id: str
    vehicle_id: str


@dataclass(frozen=True)
class CloseFuelMonth:
    site_id: str
    vehicle_id: str
    month: str


async def vehicle_at_site(uow: UnitOfWork, vehicle_id: str) -> VehicleState:
    loaded = await uow.load(VEHICLE, vehicle_stream(vehicle_id))
    if not loaded.version or loaded.state.site_id != uow.site_id:
        raise NotFoundError("Vehicle", vehicle_id)
    return loaded.state


async def driver_out_on(uow: UnitOfWork, driver: DriverState, except_vehicle: str) -> str | None:
    """The trip ("<vehicle>/<trip>") the driver is out on with another vehicle (FL-2).

    Decided on the log, never on the trips board (it lags): the driver's stream names the
    latest trip claimed, that vehicle's stream whether it is still out.
    """
    if driver.trip is None or driver.trip[0] == except_vehicle:
        return None
    vehicle_id, trip_id = driver.trip
    out = (await uow.load(VEHICLE, vehicle_stream(vehicle_id))).state.out
    return f"{vehicle_id}/{trip_id}" if out is not None and out.trip_id == trip_id else None


async def live_bookings(
    uow: UnitOfWork, bookings: tuple[Booking, ...], field: str, except_request: str | None
) -> tuple[tuple[str, Booking], ...]:
    """The bookings whose request is still reserved, on the request's stream (FL-2 rev.2)."""
    live = []
    for booking in bookings:
        if booking.request_id != except_request:
            request = await uow.load(VEHICLE_REQUEST, request_stream(booking.request_id))
            if request.state.status == RESERVED:
                live.append((field, booking))
    return tuple(live)


async def dispatch_trip(uow: UnitOfWork, command: DispatchTrip) -> CommandResult[Any]:
    vehicle = await vehicle_at_site(uow, command.vehicle_id)
    # The site's trip number first: concurrent dispatches queue on it, so the driver read
    # below sees the trip a concurrent dispatch just committed.
    number = await uow.next_number(f"trip-numbers-{uow.site_id}", command.vehicle_id)
    driver = await uow.load(DRIVER, driver_stream(command.driver_id))
    state = driver.state if driver.version and driver.state.site_id == uow.site_id else None
    busy = await driver_out_on(uow, state, command.vehicle_id) if state else None
    trip_id = f"trip-{uow.site_id}-{number:06d}"
    booked = await live_bookings(uow, vehicle.bookings, "vehicle_id", command.request_id)
    if state is not None:
        booked += await live_bookings(uow, state.bookings, "driver_id", command.request_id)
    started = await uow.execute(
        StartTrip(
            vehicle_id=command.vehicle_id,
            trip_id=trip_id,
            purpose=command.purpose,
            business=command.business,
            destination=command.destination,
            driver_id=command.driver_id,
            driver=state,
            odometer_out_km=command.odometer_out_km,
            for_unit=command.for_unit,
            work_order_id=command.work_order_id,
            request_id=command.request_id,
            driver_out_on=busy,
            booked=booked,
        )
    )
    # A trip racing for the same driver (flow 3) conflicts here; the retry re-decides.
    await uow.execute(AssignDriverToTrip(command.driver_id, command.vehicle_id, trip_id))
    return started


async def record_fuel_purchase(uow: UnitOfWork, command: RecordFuelPurchase) -> CommandResult[Any]:
    vehicle = await vehicle_at_site(uow, command.vehicle_id)
    VEHICLE.check_open(vehicle)  # FL-11: no fuel for a retired vehicle
    limit = uow.site.rules(FleetRules).max_trip_km
    if command.odometer_km > vehicle.odometer + limit:
        refuse(
            "FL-2",
            f"odometer at the fill {command.odometer_km} km is more than {limit} km "
            f"above the vehicle's last reading {vehicle.odometer} km",
            "odometer_km",
        )
    month = uow.site.month(command.filled_at)
    number = await uow.next_number(f"fuel-purchase-numbers-{uow.site_id}", command.vehicle_id)
    return await uow.execute(
        AddFuelPurchase(
            vehicle_id=command.vehicle_id,
            month=month,
            site_id=uow.site_id,
            purchase_id=f"fp-{uow.site_id}-{number:06d}",
            **fill_of(command),
        )
    )


def month_km(vehicle: VehicleState, month: str) -> tuple[Decimal, str | None]:
    """Km of the trips returned in `month`, and the driver who drove most of them."""
    by_driver = vehicle.km_in(month)
    if not by_driver:
        return Decimal(0), None
    main = min(by_driver, key=lambda d: (-by_driver[d], d))
    return sum(by_driver.values(), Decimal(0)), main


async def close_fuel_month(uow: UnitOfWork, command: CloseFuelMonth) -> CommandResult[Any]:
    vehicle = await vehicle_at_site(uow, command.vehicle_id)
    km, driver = month_km(vehicle, command.month)
    stream = fuel_stream(command.vehicle_id, command.month)
    before = (await uow.load(FUEL_MONTH, stream)).state
    result = await uow.execute(
        ReconcileFuelMonth(
            vehicle_id=command.vehicle_id,
            month=command.month,
            site_id=uow.site_id,
            model=vehicle.model,
            km=km,
            driver_id=driver,
        )
    )
    after = result.state
    for fine in after.fine_changes(before):
        await uow.execute(fine)
    return result


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=DispatchTrip,
        numbers=("trip-numbers-",),
        roles=roles("depot_director"),
        site_of=lambda c: c.site_id,
        run=dispatch_trip,
        attempts=3,  # decided on streams only: a conflict on the driver re-decides
    ),
    Workflow(
        command=RecordFuelPurchase,
        numbers=("fuel-purchase-numbers-",),
        roles=roles("driver", "fleet_captain", "depot_director"),
        site_of=lambda c: c.site_id,
        run=record_fuel_purchase,
    ),
    Workflow(
        command=CloseFuelMonth,
        roles=roles("fleet_captain"),
        site_of=lambda c: c.site_id,
        run=close_fuel_month,
    ),
]

__all__ = ["WORKFLOWS", "RecordFuelFine"]
