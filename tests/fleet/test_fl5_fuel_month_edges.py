"""FL-2, FL-5, FL-6, FL-7 on the fuel month: each refusal names its rule, field and what
is wrong; every limit holds exactly at the limit; the reconciling deadline is the site's
(survivors of `make mutation SERVICES=fleet`)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from fleet.domain.fuel.commands import (
    ApproveFuelPurchase,
    ReportReconciliationOverdue,
    SignFuelPurchase,
    VoidFuelPurchase,
)
from fleet.domain.fuel.events import FuelReconciliationDue
from opsledger.errors import DomainError
from opsledger.testing import given, site_calendar
from opsledger_contracts.events.fleet import (
    FuelAnomalyDetected,
    FuelMonthReconciliationOverdue,
    FuelPurchaseRecorded,
)

from tests.fleet.test_fuel_and_conduct_decider import (
    FILLED,
    NOW,
    bought,
    close,
    purchase,
    reconciled,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
# November is to be reconciled by the 5th of December, site time: due at the 6th, 00:00.
DUE = datetime(2026, 12, 6, tzinfo=SHANGHAI)


def said(error: DomainError) -> tuple[str, str | None, str]:
    return error.code, error.field, error.message


def test_fl5_rev2_the_first_purchase_sets_the_deadline_in_the_sites_zone() -> None:
    [_, due] = given(bought().aggregate, at=NOW).when(purchase(), at=NOW)
    assert due == FuelReconciliationDue(vehicle_id="veh-1", month="2026-11", due_at=DUE)
    later = bought(purchase()).when(purchase("fp-2", odometer_km=Decimal("1500.0")), at=NOW)
    assert [type(e) for e in later] == [FuelPurchaseRecorded]  # the deadline is set once
    december = purchase(month="2026-12", filled_at=NOW)
    [_, due] = given(bought().aggregate, at=NOW).when(december, at=NOW)
    assert isinstance(due, FuelReconciliationDue)
    assert due.due_at == datetime(2027, 1, 6, tzinfo=SHANGHAI)  # over the year's end


def test_fl5_rev2_overdue_exactly_at_the_deadline_naming_the_last_day() -> None:
    scenario = bought(purchase())
    overdue = ReportReconciliationOverdue("veh-1", "2026-11")
    assert scenario.when(overdue, at=DUE - timedelta(microseconds=1)) == []
    assert scenario.when(overdue, at=DUE) == [
        FuelMonthReconciliationOverdue(
            vehicle_id="veh-1", month="2026-11", due_on=date(2026, 12, 5)
        )
    ]
    assert scenario.record(overdue, at=DUE).when(overdue, at=DUE) == []  # reported once
    closed = bought(purchase()).record(close("500.0"), at=NOW)
    assert closed.when(overdue, at=DUE) == []


def test_fl6_purchase_refusals_name_the_purchase() -> None:
    scenario = bought(purchase())
    sign = SignFuelPurchase("veh-1", "2026-11", "fp-1")
    approve = ApproveFuelPurchase("veh-1", "2026-11", "fp-1")
    error = scenario.refuses(approve, "FL-6", at=NOW)
    assert said(error) == (
        "FL-6",
        "purchase_id",
        "the fleet captain signs the invoice before the manager approves it",
    )
    scenario.record(sign, at=NOW, actor="cap-01")
    assert scenario.refuses(sign, "CONFLICT", at=NOW).message == "purchase fp-1 is already signed"
    scenario.record(approve, at=NOW, actor="mgr-01")
    error = scenario.refuses(approve, "CONFLICT", at=NOW)
    assert error.message == "purchase fp-1 is already approved"
    error = scenario.refuses(SignFuelPurchase("veh-1", "2026-11", "fp-9"), "FL-6", at=NOW)
    assert said(error) == ("FL-6", "purchase_id", "no purchase fp-9 in 2026-11")
    scenario.record(VoidFuelPurchase("veh-1", "2026-11", "fp-1", "wrong car"), at=NOW)
    error = scenario.refuses(sign, "FL-6", at=NOW)
    assert said(error) == ("FL-6", "purchase_id", "purchase fp-1 is voided: record a new purchase")


def test_fl6_a_void_of_a_closed_month_reopens_it_naming_the_purchase() -> None:
    closed = bought(purchase()).record(close("500.0"), at=NOW)
    events = closed.when(VoidFuelPurchase("veh-1", "2026-11", "fp-1", "wrong car"), at=NOW)
    reopened = events[1]
    assert getattr(reopened, "purchase_id", None) == "fp-1"
    assert events[2] == FuelReconciliationDue(vehicle_id="veh-1", month="2026-11", due_at=DUE)


def test_fl6_a_fill_up_to_the_clock_skew_is_taken_beyond_it_refused() -> None:
    skew = NOW + timedelta(minutes=5)
    at_skew = purchase(month="2026-12", filled_at=skew)
    recorded = given(bought().aggregate, at=NOW).when(at_skew, at=NOW)[0]
    assert isinstance(recorded, FuelPurchaseRecorded) and not recorded.back_dated
    future = purchase(month="2026-12", filled_at=skew + timedelta(microseconds=1))
    error = given(bought().aggregate, at=NOW).refuses(future, "FL-6", at=NOW)
    assert said(error) == ("FL-6", "filled_at", "a purchase cannot be in the future")


def test_fl6_a_duplicate_invoice_and_backwards_fills_name_the_field() -> None:
    scenario = bought(purchase())
    error = scenario.refuses(purchase("fp-2", invoice_no="INV-fp-1"), "FL-6", at=NOW)
    assert said(error) == (
        "FL-6",
        "invoice_no",
        "invoice INV-fp-1 is already registered for this vehicle in 2026-11",
    )
    same_time = purchase("fp-2", invoice_no="X", odometer_km=Decimal("1399.9"))
    error = scenario.refuses(same_time, "FL-2", at=NOW)  # at the same instant: earlier
    assert said(error) == (
        "FL-2",
        "odometer_km",
        "the odometer never goes backwards: an earlier fill shows 1400.0 km",
    )
    before = FILLED - timedelta(hours=1)
    beyond = purchase("fp-3", invoice_no="Y", filled_at=before, odometer_km=Decimal("1400.1"))
    error = scenario.refuses(beyond, "FL-2", at=NOW)
    assert said(error) == (
        "FL-2",
        "odometer_km",
        "the odometer never goes backwards: a later fill shows 1400.0 km",
    )
    level = purchase("fp-4", invoice_no="Z", filled_at=before, odometer_km=Decimal("1400.0"))
    assert scenario.when(level, at=NOW)  # the same reading as the later fill is no jump back


def test_fl6_a_station_on_the_sites_list_is_matched_whatever_its_case() -> None:
    site = site_calendar("site-a", {"rules": {"fleet": {"designated_stations": ["Sinopec"]}}})
    listed = given(bought().aggregate, at=NOW, site=site).when(
        purchase(station=" SINOPEC "), at=NOW
    )[0]
    other = given(bought().aggregate, at=NOW, site=site).when(purchase(station="Shell"), at=NOW)[0]
    assert isinstance(listed, FuelPurchaseRecorded) and isinstance(other, FuelPurchaseRecorded)
    assert (listed.designated_station, other.designated_station) == (True, False)


def test_fl5_reconcile_refusals_name_the_month_and_the_model() -> None:
    closed = bought(purchase()).record(close("500.0"), at=NOW)
    error = closed.refuses(close("500.0"), "FL-5", at=NOW)
    assert said(error) == (
        "FL-5",
        "month",
        "2026-11 is already closed for veh-1; a late purchase or a void reopens it",
    )
    error = bought(purchase()).refuses(close("500.0", month="2026-12"), "FL-5", at=NOW)
    assert said(error) == ("FL-5", "month", "2026-12 is not over yet in the site's time zone")
    error = bought(purchase()).refuses(close("500.0", "hiace"), "FL-5", at=NOW)
    assert said(error) == ("FL-5", None, "model 'hiace' has no fuel allowance at this site")


def test_fl5_one_km_is_driven_and_half_a_litre_with_none_is_an_anomaly() -> None:
    rec, anomaly = bought(purchase(litres="0.50")).when(close("1.0"), at=NOW)
    rec = reconciled([rec])
    # 0.14 L allowed: 0.50 L is 257.14% over, serious, fined for the 0.36 L excess.
    assert (rec.economy_l_per_100km, rec.allowed_litres) == (Decimal("50.00"), Decimal("0.14"))
    assert (rec.excess_pct, rec.serious, rec.fine_fen) == (Decimal("257.14"), True, 61200)
    assert anomaly == FuelAnomalyDetected(
        vehicle_id="veh-1",
        month="2026-11",
        revision=1,
        kind="over_allowance",
        excess_litres=Decimal("0.36"),
        excess_pct=Decimal("257.14"),
        serious=True,
        driver_id="drv-07",
    )
    [none] = bought(purchase(litres="0.50")).when(close("0"), at=NOW)[1:]
    assert isinstance(none, FuelAnomalyDetected) and none.kind == "no_km"
    assert len(bought().when(close("0"), at=NOW)) == 1  # no fuel, no km: nothing to report
    [within] = bought(purchase(litres="0.10")).when(close("1.0"), at=NOW)  # 0.14 L allowed
    assert not reconciled([within]).anomalous


def test_fl7_exactly_at_the_serious_threshold_is_not_serious_and_within_has_no_excess() -> None:
    at_threshold = reconciled(bought(purchase(litres="84.00")).when(close("500.0"), at=NOW))
    assert (at_threshold.excess_pct, at_threshold.serious) == (Decimal("20.00"), False)
    within = reconciled(bought(purchase(litres="60.00")).when(close("500.0"), at=NOW))
    assert (within.excess_litres, within.anomalous) == (Decimal("0.00"), False)
    assert within.driver_id == "drv-07"


def test_fl5_the_uplift_month_is_read_from_the_month_not_the_day() -> None:
    # 2026-07: month[5:] is "07"; a wrong slice reads "7" or fails.
    site_now = datetime(2026, 8, 2, 1, 0, tzinfo=UTC)
    july = purchase(month="2026-07", filled_at=datetime(2026, 7, 20, 3, 0, tzinfo=UTC))
    scenario = given(bought().aggregate, at=site_now).record(july, at=site_now)
    rec = reconciled(scenario.when(close("500.0", month="2026-07"), at=site_now))
    assert rec.allowance_l_per_100km == Decimal("16.00")
