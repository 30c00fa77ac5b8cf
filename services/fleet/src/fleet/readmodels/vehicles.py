"""Fleet's read models: rows derived from each aggregate's state (opsledger.readmodels)."""

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from opsledger.pipeline import roles
from opsledger.readmodels import ReadModel, column

from fleet.domain.conduct import CONDUCT, ConductState
from fleet.domain.drivers import DRIVER, DriverState
from fleet.domain.fuel import FUEL_MONTH, FuelMonthState
from fleet.domain.vehicles import VEHICLE, VehicleState

KM = sa.Numeric(10, 1)
# Who reads the penalty and reward ledger (fines, nets, dismissal flags: FL-7, FL-8);
# the fields that show them are absent for everyone else, on every route.
LEDGER_READERS = roles("fleet_captain", "fleet_office", "manager", "finance", "auditor")
LITRES = sa.Numeric(10, 2)


def _id(name: str, shown: bool = True) -> sa.Column[Any]:
    return column(name, sa.String(120), primary_key=True, shown=shown)


def _str(name: str, length: int = 64, nullable: bool = False) -> sa.Column[Any]:
    return column(name, sa.String(length), nullable=nullable)


# Each view answers its read model's `row_model` (a field per shown column): the
# stream's site is a key of the queries, not a field of these answers.
def _site() -> sa.Column[Any]:
    return column("site_id", sa.String(64), shown=False)


def _status(state: VehicleState) -> str:
    if state.retired is not None:
        return "retired"
    return "out" if state.out is not None else "fault" if state.faults else "available"


def _open_faults(state: VehicleState) -> int:
    return len(state.faults)


# Each column names the state attribute it shows: the rows and the board's answer
# (VEHICLES.row_model) are derived from these lines alone.
VEHICLES: ReadModel[VehicleState] = ReadModel(
    name="fleet_vehicles",
    aggregate=VEHICLE,
    columns=[
        column("vehicle_id", sa.String(120), primary_key=True),
        column("site_id", sa.String(64)),
        column("plate", sa.String(20)),
        column("model", sa.String(40)),
        column("unit", sa.String(100)),
        column("parking_place", sa.String(200)),
        column("odometer_km", KM, "odometer"),
        column("status", sa.String(16), _status),
        column("open_faults", sa.Integer, _open_faults),
        column("trip_id", sa.String(100), "out.trip_id", nullable=True),
        column("driver_id", sa.String(64), "out.driver_id", nullable=True),
        column("serviced_at_km", KM),
        column("service_overdue", sa.Boolean, "overdue_reported"),
    ],
    indexes=[("site_id", "status")],
)


def _trip_rows(state: VehicleState) -> Iterator[dict[str, Any]]:
    for trip in state.trips:
        yield {
            "trip_id": trip.trip_id,
            "vehicle_id": state.vehicle_id,
            "site_id": state.site_id,
            "plate": state.plate,
            "driver_id": trip.driver_id,
            "purpose": trip.purpose,
            "business": trip.business,
            "destination": trip.destination,
            "dispatched_by": trip.dispatched_by,
            "dispatched_at": trip.dispatched_at,
            "odometer_out_km": trip.odometer_out,
            "odometer_in_km": trip.odometer_in,
            "km": trip.km,
            "month": trip.month,
            "returned_at": trip.returned_at,
            "work_order_id": trip.work_order_id,
            "request_id": trip.request_id,
        }


TRIPS: ReadModel[VehicleState] = ReadModel(
    name="fleet_trips",
    aggregate=VEHICLE,
    columns=[
        _id("trip_id"),
        _str("vehicle_id"),
        _site(),
        _str("plate", 20),
        _str("driver_id"),
        _str("purpose", 32),
        _str("business", 500),
        _str("destination", 200),
        _str("dispatched_by"),
        column("dispatched_at", sa.DateTime(timezone=True)),
        column("odometer_out_km", KM),
        column("odometer_in_km", KM, nullable=True),
        column("km", KM, nullable=True),
        _str("month", 7, True),
        column("returned_at", sa.DateTime(timezone=True), nullable=True),
        _str("work_order_id", 64, True),
        _str("request_id", 100, True),
    ],
    rows=_trip_rows,
    indexes=[("vehicle_id",), ("site_id", "driver_id", "month")],
)


DRIVERS: ReadModel[DriverState] = ReadModel(
    name="fleet_drivers",
    aggregate=DRIVER,
    columns=[
        column("driver_id", sa.String(120), primary_key=True),
        column("site_id", sa.String(64)),
        column("name", sa.String(100)),
        column("certificate_no", sa.String(64)),
        column("valid_from", sa.Date),
        column("valid_to", sa.Date),
        column("suspended", sa.Boolean),
        column("revoked", sa.Boolean),
    ],
    indexes=[("site_id",)],
)


def _purchase_rows(state: FuelMonthState) -> Iterator[dict[str, Any]]:
    for p in state.purchases:
        yield {
            "purchase_id": p.purchase_id,
            "vehicle_id": state.vehicle_id,
            "site_id": state.site_id,
            "month": state.month,
            "litres": p.litres,
            "amount_fen": p.amount_fen,
            "station": p.station,
            "odometer_km": p.odometer_km,
            "full_fill": p.full_fill,
            "invoice_no": p.invoice_no,
            "filled_at": p.filled_at,
            "recorded_at": p.recorded_at,
            "recorded_by": p.recorded_by,
            "back_dated": p.back_dated,
            "designated_station": p.designated_station,
            "signed_by": p.signed_by,
            "approved_by": p.approved_by,
            "voided": p.voided,
            "reimbursable": p.reimbursable,
        }


FUEL_PURCHASES: ReadModel[FuelMonthState] = ReadModel(
    name="fleet_fuel_purchases",
    aggregate=FUEL_MONTH,
    columns=[
        _id("purchase_id"),
        _str("vehicle_id"),
        _site(),
        _str("month", 7),
        column("litres", LITRES),
        column("amount_fen", sa.BigInteger),
        _str("station", 200),
        column("odometer_km", KM),
        column("full_fill", sa.Boolean),
        _str("invoice_no"),
        column("filled_at", sa.DateTime(timezone=True)),
        column("recorded_at", sa.DateTime(timezone=True)),
        _str("recorded_by"),
        column("back_dated", sa.Boolean),
        column("designated_station", sa.Boolean),
        _str("signed_by", 64, True),
        _str("approved_by", 64, True),
        column("voided", sa.Boolean),
        column("reimbursable", sa.Boolean),
    ],
    rows=_purchase_rows,
    indexes=[("vehicle_id", "filled_at"), ("site_id", "month")],
)


def _month_rows(state: FuelMonthState) -> Iterator[dict[str, Any]]:
    rec = state.reconciliation
    if rec is None:
        return
    yield {
        "fuel_month_id": f"{state.vehicle_id}/{state.month}",
        "vehicle_id": state.vehicle_id,
        "site_id": state.site_id,
        "month": state.month,
        "closed": state.closed,
        "revision": rec.revision,
        "km": rec.km,
        "litres": rec.litres,
        "amount_fen": rec.amount_fen,
        "economy": rec.economy,
        "allowance": rec.allowance,
        "excess_litres": rec.excess_litres,
        "excess_pct": rec.excess_pct,
        "anomalous": rec.anomalous,
        "serious": rec.serious,
        "fine_fen": rec.fine_fen,
        "driver_id": rec.driver_id,
    }


FUEL_MONTHS: ReadModel[FuelMonthState] = ReadModel(
    name="fleet_fuel_months",
    aggregate=FUEL_MONTH,
    columns=[
        _id("fuel_month_id", shown=False),
        _str("vehicle_id"),
        _site(),
        _str("month", 7),
        column("closed", sa.Boolean),
        column("revision", sa.Integer),
        column("km", KM),
        column("litres", LITRES),
        column("amount_fen", sa.BigInteger),
        column("economy", LITRES, nullable=True),
        column("allowance", LITRES),
        column("excess_litres", LITRES),
        column("excess_pct", LITRES, nullable=True),
        column("anomalous", sa.Boolean),
        column("serious", sa.Boolean),
        column("fine_fen", sa.BigInteger, read_by=LEDGER_READERS),
        _str("driver_id", 64, True),
    ],
    rows=_month_rows,
    indexes=[("site_id", "month")],
)


def _ledger_rows(state: ConductState) -> Iterator[dict[str, Any]]:
    for line in state.ledger:
        yield {
            "entry_id": line.entry_id,
            "person": state.person,
            "site_id": state.site_id,
            "month": line.month,
            "kind": line.kind,
            "amount_fen": line.amount_fen,
            "rule": line.rule,
            "reason": line.reason,
            "source": line.source,
            "corrects": line.corrects,
        }


LEDGER: ReadModel[ConductState] = ReadModel(
    name="fleet_ledger",
    aggregate=CONDUCT,
    columns=[
        _id("entry_id"),
        _str("person"),
        _str("site_id"),
        _str("month", 7),
        _str("kind", 16),
        column("amount_fen", sa.BigInteger),
        _str("rule", 16),
        _str("reason", 1000),
        _str("source", 200),
        _str("corrects", 120, True),
    ],
    rows=_ledger_rows,
    indexes=[("site_id", "person", "month")],
)

READ_MODELS: list[ReadModel[Any]] = [VEHICLES, TRIPS, DRIVERS, FUEL_PURCHASES, FUEL_MONTHS, LEDGER]
