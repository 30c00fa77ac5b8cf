"""Fuel per vehicle-month: purchases, signatures, reconciliation (FL-5, FL-6, FL-7)."""

from typing import Any

from opsledger.decider import Aggregate
from opsledger.pipeline import SYSTEM_ONLY, roles

from fleet.domain.fuel import commands as c
from fleet.domain.fuel.commands import AddFuelPurchase, ReconcileFuelMonth
from fleet.domain.fuel.decide import decide
from fleet.domain.fuel.state import FuelMonthState, Purchase, Reconciliation, evolve

__all__ = [
    "FUEL_MONTH",
    "AddFuelPurchase",
    "FuelMonthState",
    "Purchase",
    "ReconcileFuelMonth",
    "Reconciliation",
    "fuel_stream",
]


def fuel_stream(vehicle_id: str, month: str) -> str:
    return f"fuel-{vehicle_id}-{month}"


def _stream_id(command: Any) -> str:
    return fuel_stream(command.vehicle_id, command.month)


FUEL_MONTH: Aggregate[FuelMonthState, c.FuelCommand] = Aggregate(
    stream_type="FuelMonth",
    stream_prefix="fuel-",
    initial=FuelMonthState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        AddFuelPurchase: (SYSTEM_ONLY, decide),  # the RecordFuelPurchase workflow
        c.SignFuelPurchase: (roles("fleet_captain"), decide),
        c.ApproveFuelPurchase: (roles("manager"), decide),
        c.VoidFuelPurchase: (roles("fleet_captain"), decide),
        ReconcileFuelMonth: (SYSTEM_ONLY, decide),  # the CloseFuelMonth workflow
    },
    creates=frozenset({AddFuelPurchase, ReconcileFuelMonth}),
)
