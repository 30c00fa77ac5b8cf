"""FL-3, FL-5, FL-6, FL-7: fuel months and conduct records, given / when / then."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from fleet.domain.conduct import CONDUCT, RecordViolation
from fleet.domain.conduct.commands import ViolationKind
from fleet.domain.drivers import DRIVER
from fleet.domain.drivers.commands import CertifyDriver, ReinstateDriver, SuspendDriver
from fleet.domain.fuel import FUEL_MONTH, AddFuelPurchase, ReconcileFuelMonth
from fleet.domain.fuel.commands import ApproveFuelPurchase, SignFuelPurchase, VoidFuelPurchase
from fleet.domain.vehicles import VEHICLE
from fleet.workflows.vehicles import month_km
from opsledger.testing import given
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    FleetLedgerEntryRecorded,
    FuelAnomalyDetected,
    FuelMonthReconciled,
    FuelMonthReopened,
    FuelPurchaseRecorded,
    PersonFlagged,
    TripDispatched,
    TripReturned,
    ViolationRecorded,
)

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # December: November may be closed
FILLED = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)


def purchase(
    pid: str = "fp-1", litres: str = "100.00", fen: int = 85000, **kw: object
) -> AddFuelPurchase:
    fields: dict[str, object] = {
        "vehicle_id": "veh-1",
        "month": "2026-11",
        "site_id": "site-a",
        "purchase_id": pid,
        "litres": Decimal(litres),
        "amount_fen": fen,
        "station": "Sinopec",
        "odometer_km": Decimal("1400.0"),
        "full_fill": True,
        "invoice_no": f"INV-{pid}",
        "filled_at": FILLED,
    }
    fields.update(kw)
    return AddFuelPurchase(**fields)  # type: ignore[arg-type]


def close(km: str, model: str = "soueast", month: str = "2026-11") -> ReconcileFuelMonth:
    return ReconcileFuelMonth("veh-1", month, "site-a", model, Decimal(km), "drv-07")


def bought(*commands: AddFuelPurchase):  # type: ignore[no-untyped-def]
    scenario = given(FUEL_MONTH, at=NOW, stream_id="fuel-veh-1-2026-11")
    for command in commands:
        scenario.record(command, at=NOW)
    return scenario


def reconciled(events: Sequence[object]) -> FuelMonthReconciled:
    found = events[0]
    assert isinstance(found, FuelMonthReconciled)
    return found


def test_fl5_soueast_within_allowance_is_not_anomalous() -> None:
    events = bought(purchase(litres="70.00")).when(close("500.0"), at=NOW)
    rec = reconciled(events)
    assert rec.allowance_l_per_100km == Decimal("14.00") and rec.economy_l_per_100km == Decimal(
        "14.00"
    )
    assert not rec.anomalous and len(events) == 1


def test_fl5_soueast_summer_allowance_is_16() -> None:
    summer = purchase(month="2026-08", filled_at=datetime(2026, 8, 5, tzinfo=UTC))
    scenario = given(FUEL_MONTH, at=NOW).record(summer, at=NOW)
    rec = reconciled(scenario.when(close("625.0", month="2026-08"), at=NOW))
    assert rec.allowance_l_per_100km == Decimal("16.00") and not rec.anomalous


def test_fl5_wuling_stays_at_10_in_summer() -> None:
    summer = purchase(litres="60.00", month="2026-08", filled_at=datetime(2026, 8, 5, tzinfo=UTC))
    scenario = given(FUEL_MONTH, at=NOW).record(summer, at=NOW)
    events = scenario.when(close("500.0", model="wuling", month="2026-08"), at=NOW)
    rec = reconciled(events)
    assert rec.allowance_l_per_100km == Decimal("10.00") and rec.anomalous
    assert isinstance(events[1], FuelAnomalyDetected) and events[1].kind == "over_allowance"


def test_fl5_wuling_over_allowance_is_anomaly_but_not_serious_below_threshold() -> None:
    rec = reconciled(bought(purchase(litres="55.00")).when(close("500.0", "wuling"), at=NOW))
    assert rec.anomalous and rec.excess_pct == Decimal("10.00") and not rec.serious
    assert rec.fine_fen == 0


def test_fl5_fuel_with_no_km_is_an_anomaly() -> None:
    events = bought(purchase()).when(close("0"), at=NOW)
    assert isinstance(events[1], FuelAnomalyDetected) and events[1].kind == "no_km"


def test_fl7_serious_excess_fines_excess_litres_at_purchase_price() -> None:
    rec = reconciled(bought(purchase()).when(close("500.0"), at=NOW))
    assert rec.excess_litres == Decimal("30.00") and rec.serious and rec.fine_fen == 25500


def test_fl7_serious_threshold_is_a_site_setting() -> None:
    from opsledger.testing import site_calendar

    site = site_calendar("site-a", {"rules": {"fleet": {"serious_excess_pct": "50"}}})
    scenario = given(FUEL_MONTH, at=NOW, site=site).record(purchase(), at=NOW)
    assert not reconciled(scenario.when(close("500.0"), at=NOW)).serious


def test_fl5_month_not_over_is_refused() -> None:
    bought(purchase()).refuses(close("500.0"), "FL-5", at=datetime(2026, 11, 30, tzinfo=UTC))


def test_fl5_purchase_for_closed_month_reopens_with_correction_and_recloses() -> None:
    scenario = bought(purchase()).record(close("500.0"), at=NOW)
    events = scenario.when(purchase("fp-2", litres="10.00", fen=8500), at=NOW)
    assert isinstance(events[1], FuelMonthReopened) and events[1].closed_revision == 1
    before = scenario.state
    scenario.record(purchase("fp-2", litres="10.00", fen=8500), at=NOW).record(
        close("500.0"), at=NOW
    )
    after = scenario.state
    assert after.reconciliation is not None and after.reconciliation.revision == 2
    fines = after.fine_changes(before)
    assert [(f.amount_fen, f.corrects) for f in fines] == [(8500, "fuel-veh-1-2026-11-r1")]


def test_fl6_back_dated_purchase_is_accepted_and_marked() -> None:
    events = bought().when(purchase(), at=NOW)
    assert isinstance(events[0], FuelPurchaseRecorded) and events[0].back_dated


def test_fl6_manager_approves_only_after_the_captain_signs() -> None:
    scenario = bought(purchase())
    scenario.refuses(ApproveFuelPurchase("veh-1", "2026-11", "fp-1"), "FL-6", at=NOW)
    scenario.record(SignFuelPurchase("veh-1", "2026-11", "fp-1"), at=NOW, actor="cap")
    scenario.record(ApproveFuelPurchase("veh-1", "2026-11", "fp-1"), at=NOW, actor="mgr")
    assert scenario.state.purchases[0].reimbursable


def test_fl6_voided_purchase_is_not_edited_nor_signed() -> None:
    scenario = bought(purchase()).record(
        VoidFuelPurchase("veh-1", "2026-11", "fp-1", "typo"), at=NOW
    )
    scenario.refuses(SignFuelPurchase("veh-1", "2026-11", "fp-1"), "FL-6", at=NOW)
    assert scenario.state.valid == ()


def test_fl6_duplicate_invoice_is_refused() -> None:
    bought(purchase()).refuses(purchase("fp-2", invoice_no="INV-fp-1"), "FL-6", at=NOW)


def test_fl2_fuel_odometer_going_backwards_is_refused() -> None:
    later = purchase("fp-2", odometer_km=Decimal("1300.0"), filled_at=FILLED + timedelta(days=1))
    bought(purchase()).refuses(later, "FL-2", at=NOW)


def test_fl7_month_km_driver_is_the_one_with_most_km() -> None:
    def returned(tid: str, driver: str, km: str, month: str = "2026-11") -> list[EventPayload]:
        out = TripDispatched(
            vehicle_id="veh-1",
            trip_id=tid,
            plate="p",
            purpose="delivery",
            business="x",
            destination="y",
            driver_id=driver,
            odometer_out_km=Decimal(0),
        )
        back = TripReturned(
            vehicle_id="veh-1",
            trip_id=tid,
            driver_id=driver,
            odometer_in_km=Decimal(km),
            km=Decimal(km),
            month=month,
        )
        return [out, back]

    trips = [
        *returned("a", "drv-1", "10"),
        *returned("b", "drv-2", "30"),
        *returned("c", "drv-1", "15"),
        *returned("d", "drv-1", "99", "2026-10"),
        *returned("e", "drv-1", "6"),
    ]
    state = given(VEHICLE, *trips, at=NOW).state
    assert month_km(state, "2026-11") == (Decimal("61"), "drv-1")  # 31 km against 30
    assert month_km(state, "2026-10") == (Decimal("99"), "drv-1")


def violation(
    vid: str, kind: ViolationKind = "overnight_away", role: Literal["driver", "director"] = "driver"
) -> RecordViolation:
    return RecordViolation(
        "site-a",
        "drv-07",
        vid,
        kind,
        role,
        "veh-1",
        NOW - timedelta(hours=8),
        "At home",
    )


def test_fl3_overnight_parking_away_costs_300_yuan() -> None:
    events = given(CONDUCT, at=NOW).when(violation("v1"), at=NOW)
    assert isinstance(events[0], ViolationRecorded) and events[0].penalty_fen == 30000
    entry = events[1]
    assert isinstance(entry, FleetLedgerEntryRecorded)
    assert (entry.kind, entry.amount_fen, entry.rule, entry.month) == (
        "penalty",
        30000,
        "FL-3",
        "2026-12",
    )


def test_fl3_repeat_offender_driver_is_flagged_for_dismissal() -> None:
    scenario = given(CONDUCT, at=NOW).record(violation("v1"), at=NOW)
    events = scenario.when(violation("v2"), at=NOW)
    assert events[-1] == PersonFlagged(
        person="drv-07",
        flag="dismissal",
        rule="FL-3",
        reason="Overnight parking away from the designated place, 2 times",
    )


def test_fl7_private_use_director_200_driver_100() -> None:
    director = given(CONDUCT, at=NOW).when(violation("v1", "private_use", "director"), at=NOW)
    driver = given(CONDUCT, at=NOW).when(violation("v1", "private_use", "driver"), at=NOW)
    assert [e.amount_fen for e in (director[1], driver[1])] == [20000, 10000]  # type: ignore[attr-defined]


def test_fl7_drinking_on_duty_200_yuan() -> None:
    events = given(CONDUCT, at=NOW).when(violation("v1", "drink_driving"), at=NOW)
    assert events[1].amount_fen == 20000  # type: ignore[attr-defined]


def test_fl1_certificate_suspend_and_reinstate() -> None:
    scenario = given(DRIVER, at=NOW).record(
        CertifyDriver("site-a", "drv-07", "Lin", "SG-1", date(2026, 1, 1), date(2027, 1, 1)), at=NOW
    )
    scenario.refuses(ReinstateDriver("drv-07", "x"), "FL-1", at=NOW)
    scenario.record(SuspendDriver("drv-07", "inquiry"), at=NOW)
    assert scenario.state.suspended
    scenario.refuses(
        CertifyDriver("site-a", "drv-07", "Lin", "SG-2", date(2026, 2, 1), date(2026, 1, 1)),
        "FL-1",
        at=NOW,
    )
