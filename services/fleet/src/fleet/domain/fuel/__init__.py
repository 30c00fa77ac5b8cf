"""Fuel per vehicle-month: purchases, signatures, reconciliation (FL-5, FL-6, FL-7)."""

from collections.abc import Sequence
from typing import Any, Final

from opsledger.decider import Aggregate, Cancel, DueTimer, Event, Reaction, Schedule
from opsledger.pipeline import SYSTEM_ONLY, roles
from opsledger_contracts.events.fleet import FuelMonthReconciled

from fleet.domain.fuel import commands as c
from fleet.domain.fuel.commands import AddFuelPurchase, ReconcileFuelMonth
from fleet.domain.fuel.decide import decide
from fleet.domain.fuel.events import FuelReconciliationDue
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


RECONCILE_TIMER: Final = "fuel-reconcile-due"


def reactions(state: FuelMonthState, events: Sequence[Event]) -> list[Reaction]:
    """FL-5 rev.2: a durable timer reports a month not reconciled by its day."""
    out: list[Reaction] = []
    for event in events:
        match event.payload:
            case FuelReconciliationDue(vehicle_id=vehicle, month=month, due_at=due):
                ids = {"vehicle_id": vehicle, "month": month}
                timer = f"{RECONCILE_TIMER}-{vehicle}-{month}"
                out.append(Schedule(timer, RECONCILE_TIMER, due, ids))
            case FuelMonthReconciled(vehicle_id=vehicle, month=month):
                out.append(Cancel(f"{RECONCILE_TIMER}-{vehicle}-{month}"))
    return out


def _overdue(timer: DueTimer) -> c.ReportReconciliationOverdue:
    return c.ReportReconciliationOverdue(timer.payload["vehicle_id"], timer.payload["month"])


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
        c.ReportReconciliationOverdue: (SYSTEM_ONLY, decide),  # the reconciling-day timer
    },
    reactions=reactions,
    timers={RECONCILE_TIMER: _overdue},
    timer_actors={RECONCILE_TIMER: "fleet.fuel"},
    creates=frozenset({AddFuelPurchase, ReconcileFuelMonth}),
)
