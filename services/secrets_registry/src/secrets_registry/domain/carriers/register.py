"""A site's carrier register (`carriers-held-<site>`): which carriers the site holds, its
yearly inventories (SR-11, SR-17).

Every registration and every departure of a carrier appends here, so the inventory
reconciles against the log, never against a lagging read model.
"""

from dataclasses import dataclass
from datetime import date
from typing import Literal, assert_never

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from opsledger_contracts.events.secrets_registry import InventoryReconciled

from secrets_registry.domain.carriers import events as ev
from secrets_registry.domain.carriers.state import register_stream


@dataclass(frozen=True)
class RegisterState:
    site_id: str = ""
    held: frozenset[str] = frozenset()
    last_inventory: date | None = None


@dataclass(frozen=True)
class EnterRegister:
    site_id: str
    carrier_id: str


@dataclass(frozen=True)
class LeaveRegister:
    site_id: str
    carrier_id: str
    reason: Literal["sent", "destroyed"]


@dataclass(frozen=True)
class ReconcileInventory:
    """The yearly inventory: `present` as counted, `accounted` the held carriers that are
    signed or taken out to a known holder (read from their streams by the workflow)."""

    site_id: str
    inventory_id: str
    on: date
    present: frozenset[str]
    accounted: frozenset[str]


RegisterCommand = EnterRegister | LeaveRegister | ReconcileInventory


def evolve(state: RegisterState, event: Event) -> RegisterState:
    payload = event.payload
    match payload:
        case ev.CarrierEnteredRegister() as e:
            return changed(state, site_id=event.site_id, held=state.held | {e.carrier_id})
        case ev.CarrierLeftRegister() as e:
            return changed(state, held=state.held - {e.carrier_id})
        case ev.InventoryTaken() as e:
            return changed(state, last_inventory=e.on)
        case _:
            return state


def _reconcile(state: RegisterState, command: ReconcileInventory) -> list[EventPayload]:
    missing = sorted(state.held - command.present - command.accounted)
    unregistered = sorted(command.present - state.held)
    reports: list[EventPayload] = [
        ev.InventoryDiscrepancyReported(
            inventory_id=command.inventory_id, carrier_id=cid, discrepancy="missing"
        )
        for cid in missing
    ]
    reports += [
        ev.InventoryDiscrepancyReported(
            inventory_id=command.inventory_id, carrier_id=cid, discrepancy="unregistered"
        )
        for cid in unregistered
    ]
    taken = ev.InventoryTaken(
        inventory_id=command.inventory_id,
        on=command.on,
        present=len(command.present & state.held),
        discrepancies=len(reports),
    )
    # Published (counts only) for the operations dashboard; InventoryTaken stays last.
    reconciled = InventoryReconciled(
        inventory_id=command.inventory_id, on=command.on, discrepancies=len(reports)
    )
    return [*reports, reconciled, taken]


def decide(
    state: RegisterState, command: RegisterCommand, ctx: DecisionContext
) -> list[EventPayload]:
    match command:
        case EnterRegister():
            return [ev.CarrierEnteredRegister(carrier_id=command.carrier_id)]
        case LeaveRegister():
            return [ev.CarrierLeftRegister(carrier_id=command.carrier_id, reason=command.reason)]
        case ReconcileInventory():
            return _reconcile(state, command)
        case _:
            assert_never(command)


def _stream_id(command: RegisterCommand) -> str:
    return register_stream(command.site_id)


CARRIER_REGISTER: Aggregate[RegisterState, RegisterCommand] = Aggregate(
    stream_type="CarrierRegister",
    stream_prefix="carriers-held-",
    initial=RegisterState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        EnterRegister: (SYSTEM_ONLY, decide),
        LeaveRegister: (SYSTEM_ONLY, decide),
        ReconcileInventory: (SYSTEM_ONLY, decide),
    },
    creates=frozenset({EnterRegister}),
    snapshot_every=500,
)
