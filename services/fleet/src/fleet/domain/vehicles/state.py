"""A vehicle and its dispatch log as the deciders see them."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from opsledger.appendlog import AppendLog
from opsledger.decider import Event, changed
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
class Retirement:
    """How and when the vehicle left the fleet (FL-11)."""

    disposal: str  # sold | scrapped
    reason: str
    at: datetime
    by: str


Deduction = tuple[str, str, int, str, str, str]  # (deduction_id, month, points, item, rule, note)


@dataclass(frozen=True)
class VehicleState:
    """A vehicle as its deciders see it. Everything that grows with the vehicle's age (the
    returned trips, the deductions) is an `AppendLog`, shared between versions of the
    state, so a fold is linear in the length of the stream."""

    vehicle_id: str = ""
    site_id: str = ""
    plate: str = ""
    model: str = ""
    unit: str = ""
    parking_place: str = ""
    odometer: Decimal = Decimal(0)
    faults: tuple[tuple[str, str], ...] = ()  # open fault reports (id, description)
    out: Trip | None = None  # the trip the vehicle is on, if any (always the latest)
    log: AppendLog[Trip] = field(default_factory=AppendLog)  # returned trips, in order
    serviced_at_km: Decimal = Decimal(0)
    overdue_reported: bool = False
    # FL-10: itemized deductions.
    deductions: AppendLog[Deduction] = field(default_factory=AppendLog)
    retired: Retirement | None = None  # FL-11: the stream is closed

    @property
    def trips(self) -> tuple[Trip, ...]:
        """The whole dispatch log in order, the open trip last (for read models, reports)."""
        return (*self.log, self.out) if self.out is not None else tuple(self.log)

    def trip(self, trip_id: str) -> Trip | None:
        if self.out is not None and self.out.trip_id == trip_id:
            return self.out
        return next((t for t in reversed(self.log) if t.trip_id == trip_id), None)


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
            return changed(state, out=trip, odometer=e.odometer_out_km)
        case TripReturned() as e:
            found = state.out
            assert found is not None and found.trip_id == e.trip_id  # one trip out at a time
            done = changed(
                found,
                odometer_in=e.odometer_in_km,
                km=e.km,
                month=e.month,
                returned_at=event.occurred_at,
            )
            return changed(state, out=None, log=state.log.append(done), odometer=e.odometer_in_km)
        case VehicleServiceOverdue():
            return changed(state, overdue_reported=True)
        case VehiclePointsDeducted() as e:
            item = (e.deduction_id, e.month, e.points, e.item, e.rule, e.note)
            return changed(state, deductions=state.deductions.append(item))
        case VehicleServiced() as e:
            odometer = max(state.odometer, e.odometer_km)
            return changed(
                state, serviced_at_km=e.odometer_km, overdue_reported=False, odometer=odometer
            )
        case VehicleRetired() as e:
            retired = Retirement(e.disposal, e.reason, event.occurred_at, event.actor)
            return changed(state, retired=retired)
    return state
