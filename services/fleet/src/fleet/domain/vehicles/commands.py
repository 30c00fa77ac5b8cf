"""Commands on a vehicle and its dispatch log (FL-1, FL-2, FL-4)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Literal

from fleet.domain.bookings import Booking
from fleet.domain.drivers import DriverState

Purpose = Literal["delivery", "official_business", "private"]


@dataclass(frozen=True)
class RegisterVehicle:
    site_id: str
    vehicle_id: str
    plate: str
    model: str
    unit: str
    parking_place: str
    odometer_km: Decimal


@dataclass(frozen=True)
class ReportFault:
    vehicle_id: str
    fault_id: str
    description: str


@dataclass(frozen=True)
class ClearFault:
    vehicle_id: str
    fault_id: str
    note: str


@dataclass(frozen=True)
class HoldFaultForRepair:
    """The repair named takes the fault over: run by `RequestRepair` (FL-4)."""

    vehicle_id: str
    fault_id: str
    repair_id: str


@dataclass(frozen=True)
class ClearRepairedFault:
    """The repair holding the fault is complete: run by `FinishRepair` (FL-2 rev.2)."""

    vehicle_id: str
    fault_id: str
    repair_id: str
    note: str


@dataclass(frozen=True)
class ConfirmOdometer:
    """The fleet captain confirms a reading outside the plausible range (FL-2 rev.)."""

    vehicle_id: str
    odometer_km: Decimal
    reason: str


@dataclass(frozen=True)
class StartTrip:
    """A dispatch decided with the driver's certificate at hand (run by `DispatchTrip`)."""

    vehicle_id: str
    trip_id: str
    purpose: Purpose
    business: str
    destination: str
    driver_id: str
    driver: DriverState | None
    odometer_out_km: Decimal
    for_unit: str | None = None
    work_order_id: str | None = None
    request_id: str | None = None
    # "<vehicle>/<trip>" the driver is out on with another vehicle (read by the workflow)
    driver_out_on: str | None = None
    # FL-2 rev.2: live bookings of the vehicle ("vehicle_id") or driver ("driver_id") for
    # other requests (read by the workflow)
    booked: tuple[tuple[str, Booking], ...] = ()


@dataclass(frozen=True)
class BookVehicle:
    """Reserve the vehicle for a request's later time (FL-2 rev.2; run by the workflow)."""

    vehicle_id: str
    request_id: str
    needed_at: datetime


@dataclass(frozen=True)
class ReturnTrip:
    """The depot director (or the captain) records the return."""

    vehicle_id: str
    trip_id: str
    odometer_in_km: Decimal


@dataclass(frozen=True)
class ReturnOwnTrip:
    """The driver records the return of the trip they were named on (FL-2 rev.)."""

    vehicle_id: str
    trip_id: str
    odometer_in_km: Decimal


@dataclass(frozen=True)
class ConfirmTripReturn:
    """The fleet captain records a return whose km jump is above the limit (FL-2 rev.)."""

    vehicle_id: str
    trip_id: str
    odometer_in_km: Decimal


@dataclass(frozen=True)
class RecordService:
    vehicle_id: str
    odometer_km: Decimal
    shop: str


@dataclass(frozen=True)
class DeductVehiclePoints:
    """An itemized deduction from the vehicle's monthly 100 points (FL-10)."""

    vehicle_id: str
    deduction_id: str
    month: str
    points: int
    item: str
    note: str


@dataclass(frozen=True)
class RetireVehicle:
    """The vehicle leaves the fleet for good: sold or scrapped (FL-11)."""

    vehicle_id: str
    disposal: Literal["sold", "scrapped"]
    reason: str


VehicleCommand = (
    RegisterVehicle
    | ReportFault
    | ClearFault
    | HoldFaultForRepair
    | ClearRepairedFault
    | ConfirmOdometer
    | StartTrip
    | ReturnTrip
    | ReturnOwnTrip
    | ConfirmTripReturn
    | RecordService
    | DeductVehiclePoints
    | RetireVehicle
    | BookVehicle
)
