"""Commands on one vehicle-month of fuel (FL-5, FL-6)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class AddFuelPurchase:
    """File a purchase in its month (run by the `RecordFuelPurchase` workflow)."""

    vehicle_id: str
    month: str
    site_id: str
    purchase_id: str
    litres: Decimal
    amount_fen: int
    station: str
    odometer_km: Decimal
    full_fill: bool
    invoice_no: str
    filled_at: datetime


@dataclass(frozen=True)
class SignFuelPurchase:
    vehicle_id: str
    month: str
    purchase_id: str


@dataclass(frozen=True)
class ApproveFuelPurchase:
    vehicle_id: str
    month: str
    purchase_id: str


@dataclass(frozen=True)
class VoidFuelPurchase:
    vehicle_id: str
    month: str
    purchase_id: str
    reason: str


@dataclass(frozen=True)
class ReconcileFuelMonth:
    """Close the month with the km and main driver from the log (run by `CloseFuelMonth`)."""

    vehicle_id: str
    month: str
    site_id: str
    model: str
    km: Decimal
    driver_id: str | None


FuelCommand = (
    AddFuelPurchase | SignFuelPurchase | ApproveFuelPurchase | VoidFuelPurchase | ReconcileFuelMonth
)
