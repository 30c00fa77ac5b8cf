"""A vehicle and its dispatch log as the deciders see them."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from opsledger.decider import Event, changed
from opsledger_contracts.events.fleet import (
    OdometerReadingConfirmed,
    TripDispatched,
    TripReturned,
    VehicleFaultCleared,
    VehicleFaultReported,
    VehiclePointsDeducted,
    VehicleRegistered,
    VehicleServiced,
    VehicleServiceOverdue,
)


def vehicle_stream(vehicle_id: str) -> str:
    return f"vehicle-{vehicle_id}"


@dataclass(frozen=True)
class Trip:
    trip_id: str
    purpose: str
    business: str
    destination: str
    driver_id: str
    odometer_out: Decimal
    dispatched_at: datetime
    dispatched_by: str
    work_order_id: str | None = None
    request_id: str | None = None
    odometer_in: Decimal | None = None
    km: Decimal | None = None
    month: str | None = None
    returned_at: datetime | None = None


@dataclass(frozen=True)
class VehicleState:
    vehicle_id: str = ""
    site_id: str = ""
    plate: str = ""
    model: str = ""
    unit: str = ""
    parking_place: str = ""
    odometer: Decimal = Decimal(0)
    faults: tuple[tuple[str, str], ...] = ()  # open fault reports (id, description)
    trips: tuple[Trip, ...] = ()
    serviced_at_km: Decimal = Decimal(0)
    overdue_reported: bool = False
    # FL-10: itemized deductions (deduction_id, month, points, item, rule, note).
    deductions: tuple[tuple[str, str, int, str, str, str], ...] = ()

    @property
    def out(self) -> Trip | None:
        """The trip the vehicle is on, if any."""
        last = self.trips[-1] if self.trips else None
        return last if last is not None and last.odometer_in is None else None

    def trip(self, trip_id: str) -> Trip | None:
        return next((t for t in self.trips if t.trip_id == trip_id), None)


def _replace_trip(state: VehicleState, trip: Trip) -> VehicleState:
    trips = tuple(trip if t.trip_id == trip.trip_id else t for t in state.trips)
    return changed(state, trips=trips)


def evolve(state: VehicleState, event: Event) -> VehicleState:
    match event.payload:
        case VehicleRegistered() as e:
            return changed(
                state,
                vehicle_id=e.vehicle_id,
                site_id=event.site_id,
                plate=e.plate,
                model=e.model,
                unit=e.unit,
                parking_place=e.parking_place,
                odometer=e.odometer_km,
                serviced_at_km=e.odometer_km,
            )
        case VehicleFaultReported() as e:
            return changed(state, faults=(*state.faults, (e.fault_id, e.description)))
        case VehicleFaultCleared() as e:
            return changed(state, faults=tuple(f for f in state.faults if f[0] != e.fault_id))
        case OdometerReadingConfirmed() as e:
            return changed(state, odometer=e.odometer_km)
        case TripDispatched() as e:
            trip = Trip(
                trip_id=e.trip_id,
                purpose=e.purpose,
                business=e.business,
                destination=e.destination,
                driver_id=e.driver_id,
                odometer_out=e.odometer_out_km,
                dispatched_at=event.occurred_at,
                dispatched_by=event.actor,
                work_order_id=e.work_order_id,
                request_id=e.request_id,
            )
            return changed(state, trips=(*state.trips, trip), odometer=e.odometer_out_km)
        case TripReturned() as e:
            found = state.trip(e.trip_id)
            assert found is not None
            done = changed(
                found,
                odometer_in=e.odometer_in_km,
                km=e.km,
                month=e.month,
                returned_at=event.occurred_at,
            )
            return changed(_replace_trip(state, done), odometer=e.odometer_in_km)
        case VehicleServiceOverdue():
            return changed(state, overdue_reported=True)
        case VehiclePointsDeducted() as e:
            item = (e.deduction_id, e.month, e.points, e.item, e.rule, e.note)
            return changed(state, deductions=(*state.deductions, item))
        case VehicleServiced() as e:
            odometer = max(state.odometer, e.odometer_km)
            return changed(
                state, serviced_at_km=e.odometer_km, overdue_reported=False, odometer=odometer
            )
    return state
