"""A vehicle and its dispatch log as the deciders see them."""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import assert_never

from opsledger.appendlog import AppendLog, HistoryLog
from opsledger.decider import Event, changed
from opsledger_contracts.events import fleet as ev

from fleet.domain.bookings import Booking
from fleet.domain.vehicles.events import VehicleBookedForRequest, VehicleFaultHeldByRepair


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
class Retirement:
    """How and when the vehicle left the fleet (FL-11)."""

    disposal: str  # sold | scrapped
    reason: str
    at: datetime
    by: str


Deduction = tuple[str, str, int, str, str, str]  # (deduction_id, month, points, item, rule, note)


@dataclass(frozen=True)
class VehicleState:
    """A vehicle as its deciders see it: bounded however old the vehicle is (the open and
    the last returned trip, km per month and driver), so a fold is linear and a snapshot
    small. The whole dispatch log is `log`, for read models only (not in snapshots)."""

    vehicle_id: str = ""
    site_id: str = ""
    plate: str = ""
    model: str = ""
    unit: str = ""
    parking_place: str = ""
    odometer: Decimal = Decimal(0)
    faults: tuple[tuple[str, str], ...] = ()  # open fault reports (id, description)
    held: tuple[tuple[str, str], ...] = ()  # open faults an open repair holds (fault, repair)
    out: Trip | None = None  # the trip the vehicle is on, if any
    last: Trip | None = None  # the last returned trip
    # km driven per (month, driver) by returned trips (FL-5 reconciliation, FL-9 rewards).
    month_km: tuple[tuple[str, str, Decimal], ...] = ()
    serviced_at_km: Decimal = Decimal(0)
    overdue_reported: bool = False
    # FL-10: itemized deductions.
    deductions: AppendLog[Deduction] = field(default_factory=AppendLog)
    retired: Retirement | None = None  # FL-11: the stream is closed
    bookings: tuple[Booking, ...] = ()  # FL-2 rev.2: reserved for later requests
    log: HistoryLog[Trip] = field(default_factory=HistoryLog)  # returned trips (read models)

    @property
    def trips(self) -> tuple[Trip, ...]:
        """The whole dispatch log in order, the open trip last (read models only)."""
        return (*self.log, self.out) if self.out is not None else tuple(self.log)

    def trip(self, trip_id: str) -> Trip | None:
        """The open or the last returned trip, if it is `trip_id`."""
        return next((t for t in (self.out, self.last) if t and t.trip_id == trip_id), None)

    def km_in(self, month: str) -> dict[str, Decimal]:
        """Km of the trips returned in `month`, by driver."""
        by_driver: dict[str, Decimal] = {}
        for m, driver, km in self.month_km:  # (a month may recur if the clock went back)
            if m == month:
                by_driver[driver] = by_driver.get(driver, Decimal(0)) + km
        return by_driver


def _add_km(state: VehicleState, trip: Trip) -> tuple[tuple[str, str, Decimal], ...]:
    if trip.km is None or trip.month is None:
        return state.month_km
    rows = state.month_km
    for i in range(len(rows) - 1, -1, -1):  # the month's rows are at the end
        month, driver, km = rows[i]
        if month != trip.month:
            break
        if driver == trip.driver_id:
            return (*rows[:i], (month, driver, km + trip.km), *rows[i + 1 :])
    return (*rows, (trip.month, trip.driver_id, trip.km))


VehicleEvent = (
    ev.VehicleRegistered
    | ev.VehicleFaultReported
    | ev.VehicleFaultCleared
    | ev.OdometerReadingConfirmed
    | ev.TripDispatched
    | ev.TripReturned
    | ev.VehicleServiceOverdue
    | ev.VehiclePointsDeducted
    | ev.VehicleServiced
    | ev.VehicleRetired
    | VehicleFaultHeldByRepair
    | VehicleBookedForRequest
)


def evolve(state: VehicleState, event: Event) -> VehicleState:
    payload = event.payload
    if not isinstance(payload, VehicleEvent):
        return state  # not a vehicle's event (none is recorded on its stream today)
    match payload:
        case ev.VehicleRegistered() as e:
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
        case ev.VehicleFaultReported() as e:
            return changed(state, faults=(*state.faults, (e.fault_id, e.description)))
        case ev.VehicleFaultCleared() as e:
            return changed(
                state,
                faults=tuple(f for f in state.faults if f[0] != e.fault_id),
                held=tuple(h for h in state.held if h[0] != e.fault_id),
            )
        case VehicleFaultHeldByRepair() as e:
            return changed(state, held=(*state.held, (e.fault_id, e.repair_id)))
        case VehicleBookedForRequest() as e:
            return changed(state, bookings=(*state.bookings, Booking(e.request_id, e.needed_at)))
        case ev.OdometerReadingConfirmed() as e:
            return changed(state, odometer=e.odometer_km)
        case ev.TripDispatched() as e:
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
        case ev.TripReturned() as e:
            found = state.out
            assert found is not None and found.trip_id == e.trip_id  # one trip out at a time
            done = changed(
                found,
                odometer_in=e.odometer_in_km,
                km=e.km,
                month=e.month,
                returned_at=event.occurred_at,
            )
            return changed(
                state,
                out=None,
                last=done,
                month_km=_add_km(state, done),
                log=state.log.append(done),
                odometer=e.odometer_in_km,
            )
        case ev.VehicleServiceOverdue():
            return changed(state, overdue_reported=True)
        case ev.VehiclePointsDeducted() as e:
            item = (e.deduction_id, e.month, e.points, e.item, e.rule, e.note)
            return changed(state, deductions=state.deductions.append(item))
        case ev.VehicleServiced() as e:
            odometer = max(state.odometer, e.odometer_km)
            return changed(
                state, serviced_at_km=e.odometer_km, overdue_reported=False, odometer=odometer
            )
        case ev.VehicleRetired() as e:
            retired = Retirement(e.disposal, e.reason, event.occurred_at, event.actor)
            return changed(state, retired=retired)
        case _:
            assert_never(payload)
