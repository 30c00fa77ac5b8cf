"""The vehicle decider: registration, faults, the dispatch log, service (FL-1, FL-2, FL-4)."""

from typing import assert_never

from opsledger.decider import DecisionContext
from opsledger.errors import AlreadyExistsError, DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    OdometerReadingConfirmed,
    TripDispatched,
    TripReturned,
    VehicleFaultCleared,
    VehicleFaultReported,
    VehiclePointsDeducted,
    VehicleRegistered,
    VehicleRetired,
    VehicleServiced,
    VehicleServiceOverdue,
)

from fleet.domain.bookings import check_bookings
from fleet.domain.common import check_deduction, conflict, refuse
from fleet.domain.drivers import certification_problem
from fleet.domain.rules import FleetRules
from fleet.domain.vehicles.commands import (
    BookVehicle,
    ClearFault,
    ClearRepairedFault,
    ConfirmOdometer,
    ConfirmTripReturn,
    DeductVehiclePoints,
    HoldFaultForRepair,
    RecordService,
    RegisterVehicle,
    ReportFault,
    RetireVehicle,
    ReturnOwnTrip,
    ReturnTrip,
    StartTrip,
    VehicleCommand,
)
from fleet.domain.vehicles.events import VehicleBookedForRequest, VehicleFaultHeldByRepair
from fleet.domain.vehicles.state import VehicleState, vehicle_stream


def decide(
    state: VehicleState, command: VehicleCommand, ctx: DecisionContext
) -> list[EventPayload]:
    rules = ctx.rules(FleetRules)
    match command:
        case RegisterVehicle():
            if state.vehicle_id:
                raise AlreadyExistsError("Vehicle", vehicle_stream(command.vehicle_id))
            if command.model not in rules.models:
                known = ", ".join(sorted(rules.models))
                refuse(
                    "FL-5",
                    f"model {command.model!r} has no fuel allowance at this site (known: {known})",
                    "model",
                )
            return [
                VehicleRegistered(
                    vehicle_id=command.vehicle_id,
                    plate=command.plate,
                    model=command.model,
                    unit=command.unit,
                    parking_place=command.parking_place,
                    odometer_km=command.odometer_km,
                )
            ]
        case ReportFault():
            if any(f[0] == command.fault_id for f in state.faults):
                conflict(f"fault {command.fault_id} is already open")
            return [
                VehicleFaultReported(
                    vehicle_id=state.vehicle_id,
                    fault_id=command.fault_id,
                    description=command.description,
                )
            ]
        case ClearFault() | ClearRepairedFault():
            return [_clear(state, command)]
        case HoldFaultForRepair():
            if not any(f[0] == command.fault_id for f in state.faults):
                refuse("FL-4", f"vehicle {state.plate} has no open fault {command.fault_id}")
            held = dict(state.held).get(command.fault_id)
            if held is not None:
                conflict(f"fault {command.fault_id} is held by repair {held}")
            return [
                VehicleFaultHeldByRepair(
                    vehicle_id=state.vehicle_id,
                    fault_id=command.fault_id,
                    repair_id=command.repair_id,
                )
            ]
        case ConfirmOdometer():
            if state.out is not None:
                refuse("FL-2", f"vehicle is out on trip {state.out.trip_id}: record the return")
            if command.odometer_km < state.odometer:
                refuse(
                    "FL-2",
                    f"the odometer never goes backwards: {command.odometer_km} km "
                    f"< {state.odometer} km",
                    "odometer_km",
                )
            return [
                OdometerReadingConfirmed(
                    vehicle_id=state.vehicle_id,
                    odometer_km=command.odometer_km,
                    previous_km=state.odometer,
                    reason=command.reason,
                )
            ]
        case StartTrip():
            return [_dispatch(state, command, ctx, rules)]
        case ReturnTrip() | ReturnOwnTrip() | ConfirmTripReturn():
            return _return(state, command, ctx, rules)
        case RecordService():
            if command.odometer_km < state.serviced_at_km:
                refuse("FL-2", "the odometer never goes backwards", "odometer_km")
            return [
                VehicleServiced(
                    vehicle_id=state.vehicle_id, odometer_km=command.odometer_km, shop=command.shop
                )
            ]
        case DeductVehiclePoints():
            recorded = any(d[0] == command.deduction_id for d in state.deductions)
            facts = check_deduction(command, recorded, ctx)
            return [VehiclePointsDeducted(vehicle_id=state.vehicle_id, **facts)]
        case RetireVehicle():
            return [_retire(state, command)]
        case BookVehicle():
            booking = {"request_id": command.request_id, "needed_at": command.needed_at}
            return [VehicleBookedForRequest(vehicle_id=state.vehicle_id, **booking)]
        case _:
            assert_never(command)


def _clear(state: VehicleState, command: ClearFault | ClearRepairedFault) -> VehicleFaultCleared:
    if not any(f[0] == command.fault_id for f in state.faults):
        refuse("FL-2", f"no open fault {command.fault_id}", "fault_id")
    held = dict(state.held).get(command.fault_id)
    by = command.repair_id if isinstance(command, ClearRepairedFault) else None
    if held is not None and held != by:
        # FL-2 rev.2: only the repair's completion lets the vehicle out again (FL-4).
        refuse(
            "FL-2",
            f"fault {command.fault_id} is held by open repair {held}: "
            "it is cleared when the repair is completed, never by hand",
            "fault_id",
        )
    return VehicleFaultCleared(
        vehicle_id=state.vehicle_id, fault_id=command.fault_id, note=command.note
    )


def _retire(state: VehicleState, command: RetireVehicle) -> VehicleRetired:
    if state.out is not None:
        refuse(
            "FL-11",
            f"vehicle {state.plate} is out on trip {state.out.trip_id}: record the return first",
            "vehicle_id",
        )
    return VehicleRetired(
        vehicle_id=state.vehicle_id,
        plate=state.plate,
        disposal=command.disposal,
        reason=command.reason,
        odometer_km=state.odometer,
    )


def retired(state: VehicleState) -> DomainError | None:
    """FL-11: a retired vehicle's stream is closed to every command."""
    if state.retired is None:
        return None
    how = state.retired
    return DomainError(
        "FL-11",
        f"vehicle {state.plate} was {how.disposal} ({how.reason}): it takes no trip, fuel, "
        "fault, service or deduction any more",
        field="vehicle_id",
    )


def _dispatch(
    state: VehicleState, command: StartTrip, ctx: DecisionContext, rules: FleetRules
) -> TripDispatched:
    problem = certification_problem(command.driver, ctx.site.local_date(ctx.now))
    if problem is not None:
        refuse("FL-1", f"driver {command.driver_id} {problem}", "driver_id")
    if command.driver_out_on is not None:
        refuse(
            "FL-2",
            f"driver {command.driver_id} is out on trip {command.driver_out_on}: "
            "the driver named on a trip drives it, one trip at a time",
            "driver_id",
        )
    check_bookings(command.booked, ctx.now, rules.dispatch_ahead_minutes)
    if command.purpose == "private":
        refuse("FL-2", "vehicles are for delivery and official business only", "purpose")
    if not command.business.strip():
        refuse("FL-2", "name the delivery or the official business", "business")
    if command.for_unit is not None and command.for_unit != state.unit:
        refuse(
            "FL-2",
            f"no lending to other units: the vehicle belongs to {state.unit}, "
            f"not {command.for_unit}",
            "for_unit",
        )
    if state.out is not None:
        refuse(
            "FL-2",
            f"vehicle {state.plate} is already out on trip {state.out.trip_id}",
            "vehicle_id",
        )
    if state.faults:
        fault_id, description = state.faults[0]
        refuse(
            "FL-2",
            f"vehicle {state.plate} has an open fault report {fault_id} "
            f"({description}): never driven with a fault",
            "vehicle_id",
        )
    if command.odometer_out_km < state.odometer:
        refuse(
            "FL-2",
            f"the odometer never goes backwards: out {command.odometer_out_km} km "
            f"< last reading {state.odometer} km",
            "odometer_out_km",
        )
    if command.odometer_out_km - state.odometer > rules.max_trip_km:
        refuse(
            "FL-2",
            f"odometer out is {command.odometer_out_km - state.odometer} km above "
            f"the last reading (limit {rules.max_trip_km}): the fleet captain confirms "
            "the reading first",
            "odometer_out_km",
        )
    if state.trip(command.trip_id) is not None:
        conflict(f"trip {command.trip_id} already exists")
    assert command.purpose in ("delivery", "official_business")
    return TripDispatched(
        vehicle_id=state.vehicle_id,
        trip_id=command.trip_id,
        plate=state.plate,
        purpose=command.purpose,
        business=command.business.strip(),
        destination=command.destination,
        driver_id=command.driver_id,
        odometer_out_km=command.odometer_out_km,
        work_order_id=command.work_order_id,
        request_id=command.request_id,
    )


def _return(
    state: VehicleState,
    command: ReturnTrip | ReturnOwnTrip | ConfirmTripReturn,
    ctx: DecisionContext,
    rules: FleetRules,
) -> list[EventPayload]:
    trip = state.trip(command.trip_id)
    if trip is None:
        refuse("FL-2", f"trip {command.trip_id} is not out on this vehicle", "trip_id")
    if trip.odometer_in is not None:
        conflict(f"trip {command.trip_id} already returned")
    if isinstance(command, ReturnOwnTrip) and ctx.actor != trip.driver_id:
        refuse(
            "FL-2",
            f"the driver named on the trip ({trip.driver_id}) drives it and records its return",
            "trip_id",
        )
    km = command.odometer_in_km - trip.odometer_out
    if km < 0:
        refuse(
            "FL-2",
            f"odometer in {command.odometer_in_km} km is below odometer out {trip.odometer_out} km",
            "odometer_in_km",
        )
    confirmed = isinstance(command, ConfirmTripReturn)
    if km > rules.max_trip_km and not confirmed:
        refuse(
            "FL-2",
            f"{km} km on one trip is above the {rules.max_trip_km} km limit: "
            "the fleet captain confirms it",
            "odometer_in_km",
        )
    events: list[EventPayload] = [
        TripReturned(
            vehicle_id=state.vehicle_id,
            trip_id=trip.trip_id,
            driver_id=trip.driver_id,
            odometer_in_km=command.odometer_in_km,
            km=km,
            month=ctx.site.month(ctx.now),
            jump_confirmed_by=ctx.actor if confirmed and km > rules.max_trip_km else None,
        )
    ]
    due = state.serviced_at_km + rules.service_interval_km
    if command.odometer_in_km >= due and not state.overdue_reported:
        events.append(  # FL-4 rev.: routine service at the configured mileage
            VehicleServiceOverdue(
                vehicle_id=state.vehicle_id,
                odometer_km=command.odometer_in_km,
                due_at_km=due,
            )
        )
    return events


__all__ = ["decide", "retired"]
