"""Commands on one vehicle-month of fuel (FL-5, FL-6)."""

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, kw_only=True)
class FuelFill:
    """One fill at the pump as its receipt states it (FL-5, FL-6), named by keyword.

    The facts a fuel purchase carries from the request to the command, the event and
    the month's state: each of those is a `FuelFill` or passes `fill_of(...)` on.
    """

    litres: Decimal
    amount_fen: int
    station: str
    odometer_km: Decimal
    full_fill: bool
    invoice_no: str
    filled_at: datetime


def fill_of(source: Any) -> dict[str, Any]:
    """The fill's facts of `source` (a command or an event), as keyword arguments."""
    return {f.name: getattr(source, f.name) for f in fields(FuelFill)}


@dataclass(frozen=True)
class AddFuelPurchase(FuelFill):
    """File a purchase in its month (run by the `RecordFuelPurchase` workflow)."""

    vehicle_id: str
    month: str
    site_id: str
    purchase_id: str


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


@dataclass(frozen=True)
class ReportReconciliationOverdue:
    """The reconciling day passed (a timer, FL-5 rev.2)."""

    vehicle_id: str
    month: str


FuelCommand = (
    AddFuelPurchase
    | SignFuelPurchase
    | ApproveFuelPurchase
    | VoidFuelPurchase
    | ReconcileFuelMonth
    | ReportReconciliationOverdue
)
