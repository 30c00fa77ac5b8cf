"""The fuel-month decider: purchases, signatures, voids, reconciliation (FL-5 … FL-7)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import assert_never

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    FuelAnomalyDetected,
    FuelMonthReconciled,
    FuelMonthReconciliationOverdue,
    FuelMonthReopened,
    FuelPurchaseApproved,
    FuelPurchaseRecorded,
    FuelPurchaseSigned,
    FuelPurchaseVoided,
)

from fleet.domain.common import conflict, fen, q2, refuse
from fleet.domain.fuel.commands import (
    AddFuelPurchase,
    ApproveFuelPurchase,
    FuelCommand,
    ReconcileFuelMonth,
    ReportReconciliationOverdue,
    SignFuelPurchase,
    VoidFuelPurchase,
    fill_of,
)
from fleet.domain.fuel.events import FuelReconciliationDue
from fleet.domain.fuel.state import FuelMonthState, Purchase
from fleet.domain.rules import FleetRules

CLOCK_SKEW = timedelta(minutes=5)


def decide(state: FuelMonthState, command: FuelCommand, ctx: DecisionContext) -> list[EventPayload]:
    match command:
        case AddFuelPurchase():
            return _add(state, command, ctx)
        case SignFuelPurchase():
            purchase = _open_purchase(state, command.purchase_id)
            if purchase.signed_by is not None:
                conflict(f"purchase {purchase.purchase_id} is already signed")
            return [FuelPurchaseSigned(**_ids(state), purchase_id=purchase.purchase_id)]
        case ApproveFuelPurchase():
            purchase = _open_purchase(state, command.purchase_id)
            if purchase.signed_by is None:
                refuse(
                    "FL-6",
                    "the fleet captain signs the invoice before the manager approves it",
                    "purchase_id",
                )
            if purchase.approved_by is not None:
                conflict(f"purchase {purchase.purchase_id} is already approved")
            return [FuelPurchaseApproved(**_ids(state), purchase_id=purchase.purchase_id)]
        case VoidFuelPurchase():
            purchase = _open_purchase(state, command.purchase_id)
            voided = FuelPurchaseVoided(
                **_ids(state), purchase_id=purchase.purchase_id, reason=command.reason
            )
            return [voided, *_reopen(state, purchase.purchase_id, ctx)]
        case ReconcileFuelMonth():
            return _reconcile(state, command, ctx)
        case ReportReconciliationOverdue():
            return _overdue(state, ctx)
        case _:
            assert_never(command)


def _ids(state: FuelMonthState) -> dict[str, str]:
    return {"vehicle_id": state.vehicle_id, "month": state.month}


def _open_purchase(state: FuelMonthState, purchase_id: str) -> Purchase:
    purchase = state.purchase(purchase_id)
    if purchase is None:
        refuse("FL-6", f"no purchase {purchase_id} in {state.month}", "purchase_id")
    if purchase.voided:
        refuse("FL-6", f"purchase {purchase_id} is voided: record a new purchase", "purchase_id")
    return purchase


def _reopen(state: FuelMonthState, purchase_id: str, ctx: DecisionContext) -> list[EventPayload]:
    """FL-5: a change to a closed month reopens it with a correction event; it is to be
    reconciled again (FL-5 rev.2)."""
    if not state.closed:
        return []
    reopened = FuelMonthReopened(
        **_ids(state), purchase_id=purchase_id, closed_revision=state.revision
    )
    return [reopened, _due(state.vehicle_id, state.month, ctx)]


def _due(vehicle_id: str, month: str, ctx: DecisionContext) -> FuelReconciliationDue:
    """FL-5 rev.2: reconciled by the configured day of the next month, site time."""
    year, number = int(month[:4]), int(month[5:])
    first = date(year + number // 12, number % 12 + 1, 1)
    last_day = first.replace(day=ctx.rules(FleetRules).reconcile_by_day)
    due_at = datetime.combine(last_day + timedelta(days=1), time(0), ctx.site.zone)
    return FuelReconciliationDue(vehicle_id=vehicle_id, month=month, due_at=due_at)


def _overdue(state: FuelMonthState, ctx: DecisionContext) -> list[EventPayload]:
    if state.closed or state.overdue_reported or state.due_at is None or ctx.now < state.due_at:
        return []  # reconciled meanwhile, reported already, or not due yet
    due_on = ctx.site.local_date(state.due_at) - timedelta(days=1)
    return [FuelMonthReconciliationOverdue(**_ids(state), due_on=due_on)]


def _add(
    state: FuelMonthState, command: AddFuelPurchase, ctx: DecisionContext
) -> list[EventPayload]:
    if command.filled_at > ctx.now + CLOCK_SKEW:
        refuse("FL-6", "a purchase cannot be in the future", "filled_at")
    if any(p.invoice_no == command.invoice_no for p in state.valid):
        refuse(
            "FL-6",
            f"invoice {command.invoice_no} is already registered for this vehicle "
            f"in {command.month}",
            "invoice_no",
        )
    earlier = [p for p in state.valid if p.filled_at <= command.filled_at]
    later = [p for p in state.valid if p.filled_at > command.filled_at]
    if earlier and command.odometer_km < max(p.odometer_km for p in earlier):
        refuse(
            "FL-2",
            "the odometer never goes backwards: an earlier fill shows "
            f"{max(p.odometer_km for p in earlier)} km",
            "odometer_km",
        )
    if later and command.odometer_km > min(p.odometer_km for p in later):
        refuse(
            "FL-2",
            "the odometer never goes backwards: a later fill shows "
            f"{min(p.odometer_km for p in later)} km",
            "odometer_km",
        )
    recorded = FuelPurchaseRecorded(
        vehicle_id=command.vehicle_id,
        month=command.month,
        purchase_id=command.purchase_id,
        **fill_of(command),
        back_dated=ctx.site.local_date(command.filled_at) < ctx.site.local_date(ctx.now),
        designated_station=_designated(command.station, ctx.rules(FleetRules)),
    )
    first = [_due(command.vehicle_id, command.month, ctx)] if state.due_at is None else []
    return [recorded, *first, *_reopen(state, command.purchase_id, ctx)]


def _designated(station: str, rules: FleetRules) -> bool:
    """FL-6: a station on the site's list (no list: every named station)."""
    listed = {s.strip().casefold() for s in rules.designated_stations}
    return not listed or station.strip().casefold() in listed


def _reconcile(
    state: FuelMonthState, command: ReconcileFuelMonth, ctx: DecisionContext
) -> list[EventPayload]:
    rules = ctx.rules(FleetRules)
    if state.closed:
        refuse(
            "FL-5",
            f"{command.month} is already closed for {command.vehicle_id}; a late "
            "purchase or a void reopens it",
            "month",
        )
    if ctx.site.month(ctx.now) <= command.month:
        refuse("FL-5", f"{command.month} is not over yet in the site's time zone", "month")
    allowance = rules.allowance(command.model, int(command.month[5:]))
    if allowance is None:
        refuse("FL-5", f"model {command.model!r} has no fuel allowance at this site")
    litres = sum((p.litres for p in state.valid), Decimal(0))
    amount = sum(p.amount_fen for p in state.valid)
    km = command.km
    allowed = q2(allowance * km / 100)
    economy = q2(litres * 100 / km) if km > 0 else None
    excess = q2(max(litres - allowed, Decimal(0)))
    pct = q2((litres / allowed - 1) * 100) if allowed > 0 else None
    anomalous = litres > allowed if km > 0 else litres > 0
    serious = anomalous and pct is not None and pct > rules.serious_excess_pct
    fine = fen(excess * amount / litres) if serious and litres > 0 else 0
    revision = state.revision + 1
    ids = {"vehicle_id": command.vehicle_id, "month": command.month}
    events: list[EventPayload] = [
        FuelMonthReconciled(
            **ids,
            revision=revision,
            model=command.model,
            km=km,
            litres=q2(litres),
            amount_fen=amount,
            economy_l_per_100km=economy,
            allowance_l_per_100km=q2(allowance),
            allowed_litres=allowed,
            excess_litres=excess,
            excess_pct=pct,
            anomalous=anomalous,
            serious=serious,
            fine_fen=fine,
            driver_id=command.driver_id,
        )
    ]
    if anomalous:
        events.append(
            FuelAnomalyDetected(
                **ids,
                revision=revision,
                kind="over_allowance" if km > 0 else "no_km",
                excess_litres=excess,
                excess_pct=pct,
                serious=serious,
                driver_id=command.driver_id,
            )
        )
    return events
