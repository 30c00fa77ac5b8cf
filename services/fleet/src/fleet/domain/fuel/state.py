"""One vehicle-month of fuel as the deciders see it."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from opsledger.decider import Event, changed
from opsledger_contracts.events import fleet as ev

from fleet.domain.conduct.commands import RecordFuelFine
from fleet.domain.fuel.commands import FuelFill, fill_of
from fleet.domain.fuel.events import FuelReconciliationDue


@dataclass(frozen=True)
class Purchase(FuelFill):
    purchase_id: str
    back_dated: bool
    recorded_at: datetime
    recorded_by: str
    signed_by: str | None = None
    approved_by: str | None = None
    voided: bool = False
    designated_station: bool = True

    @property
    def reimbursable(self) -> bool:
        """FL-6: at a designated station, signed by the captain and approved by the
        manager's office."""
        return self.approved_by is not None and not self.voided and self.designated_station


@dataclass(frozen=True)
class Reconciliation:
    revision: int
    km: Decimal
    litres: Decimal
    amount_fen: int
    economy: Decimal | None
    allowance: Decimal
    excess_litres: Decimal
    excess_pct: Decimal | None
    anomalous: bool
    serious: bool
    fine_fen: int
    driver_id: str | None


@dataclass(frozen=True)
class FuelMonthState:
    vehicle_id: str = ""
    month: str = ""
    site_id: str = ""
    purchases: tuple[Purchase, ...] = ()
    closed: bool = False
    reconciliation: Reconciliation | None = None  # the latest closing
    due_at: datetime | None = None  # FL-5 rev.2: reconcile before this
    overdue_reported: bool = False

    @property
    def revision(self) -> int:
        return 0 if self.reconciliation is None else self.reconciliation.revision

    @property
    def valid(self) -> tuple[Purchase, ...]:
        return tuple(p for p in self.purchases if not p.voided)

    def purchase(self, purchase_id: str) -> Purchase | None:
        return next((p for p in self.purchases if p.purchase_id == purchase_id), None)

    def entry_id(self, revision: int) -> str:
        return f"fuel-{self.vehicle_id}-{self.month}-r{revision}"

    def fine_changes(self, before: "FuelMonthState") -> list[RecordFuelFine]:
        """Ledger entries for what this closing changed in the fine (FL-7).

        A re-closing after a reopening corrects the earlier entry (`corrects`) by the
        difference; a fine that moved to another driver is reversed and fined anew.
        """
        new, old = self.reconciliation, before.reconciliation
        if new is None or (old is not None and new.revision == old.revision):
            return []
        old_driver = old.driver_id if old is not None and old.fine_fen else None
        old_entry = self.entry_id(old.revision) if old is not None else None
        changes: list[RecordFuelFine] = []
        if old is not None and old_driver is not None and old_driver != new.driver_id:
            changes.append(self._fine(old_driver, -old.fine_fen, f"-{old_driver}", old_entry))
        already = old.fine_fen if old is not None and old_driver == new.driver_id else 0
        if new.driver_id is not None and new.fine_fen != already:
            corrects = old_entry if already else None
            changes.append(self._fine(new.driver_id, new.fine_fen - already, "", corrects))
        return changes

    def _fine(self, person: str, amount: int, suffix: str, corrects: str | None) -> RecordFuelFine:
        rec = self.reconciliation
        assert rec is not None
        return RecordFuelFine(
            site_id=self.site_id,
            person=person,
            entry_id=f"{self.entry_id(rec.revision)}{suffix}",
            month=self.month,
            amount_fen=amount,
            reason=_reason(self.month, rec, amount, corrects),
            source=f"fuel-{self.vehicle_id}-{self.month}",
            corrects=corrects,
        )


def _reason(month: str, rec: Reconciliation, amount: int, corrects: str | None) -> str:
    if corrects is not None or amount < 0:
        return f"Fuel fine for {month} corrected after the month was reopened"
    return (
        f"Fuel {rec.excess_pct}% over the allowance in {month}: {rec.excess_litres} excess "
        "litres at the month's purchase price"
    )


def evolve(state: FuelMonthState, event: Event) -> FuelMonthState:
    match event.payload:
        case ev.FuelPurchaseRecorded() as e:
            purchase = Purchase(
                purchase_id=e.purchase_id,
                **fill_of(e),
                back_dated=e.back_dated,
                designated_station=e.designated_station,
                recorded_at=event.occurred_at,
                recorded_by=event.actor,
            )
            return changed(
                state,
                vehicle_id=e.vehicle_id,
                month=e.month,
                site_id=event.site_id,
                purchases=(*state.purchases, purchase),
            )
        case ev.FuelPurchaseSigned() as e:
            return _update(state, e.purchase_id, signed_by=event.actor)
        case ev.FuelPurchaseApproved() as e:
            return _update(state, e.purchase_id, approved_by=event.actor)
        case ev.FuelPurchaseVoided() as e:
            return _update(state, e.purchase_id, voided=True)
        case ev.FuelMonthReopened():
            return changed(state, closed=False)
        case FuelReconciliationDue() as e:
            return changed(state, due_at=e.due_at, overdue_reported=False)
        case ev.FuelMonthReconciliationOverdue():
            return changed(state, overdue_reported=True)
        case ev.FuelMonthReconciled() as e:
            rec = Reconciliation(
                revision=e.revision,
                km=e.km,
                litres=e.litres,
                amount_fen=e.amount_fen,
                economy=e.economy_l_per_100km,
                allowance=e.allowance_l_per_100km,
                excess_litres=e.excess_litres,
                excess_pct=e.excess_pct,
                anomalous=e.anomalous,
                serious=e.serious,
                fine_fen=e.fine_fen,
                driver_id=e.driver_id,
            )
            return changed(
                state,
                vehicle_id=e.vehicle_id,
                month=e.month,
                site_id=event.site_id,
                closed=True,
                reconciliation=rec,
            )
    return state


def _update(state: FuelMonthState, purchase_id: str, **changes: object) -> FuelMonthState:
    purchases = tuple(
        changed(p, **changes) if p.purchase_id == purchase_id else p  # type: ignore[arg-type]
        for p in state.purchases
    )
    return changed(state, purchases=purchases)
