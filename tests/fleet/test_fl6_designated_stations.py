"""FL-6: fuel is bought at the site's designated stations (a per-site list, like the
designated repair shops); a purchase elsewhere is kept, flagged and not reimbursable."""

from fleet.domain.fuel import FUEL_MONTH
from fleet.domain.fuel.commands import ApproveFuelPurchase, SignFuelPurchase
from fleet.domain.rules import FleetRules
from opsledger.testing import given, site_calendar
from opsledger_contracts.events.fleet import FuelPurchaseRecorded

from tests.fleet.test_fuel_and_conduct_decider import NOW, purchase

LISTED = {"rules": {"fleet": {"designated_stations": ["Sinopec Gulou", "PetroChina Wuyi"]}}}


def test_fl6_a_purchase_at_a_station_not_designated_is_kept_flagged_and_not_reimbursable() -> None:
    scenario = given(FUEL_MONTH, at=NOW, site=site_calendar("site-a", LISTED))
    events = scenario.when(purchase(station="Shell Hot Spring"), at=NOW)
    recorded = events[0]
    assert isinstance(recorded, FuelPurchaseRecorded) and recorded.designated_station is False
    scenario.record(purchase(station="Shell Hot Spring"), at=NOW)
    scenario.record(SignFuelPurchase("veh-1", "2026-11", "fp-1"), actor="cap-01", at=NOW)
    scenario.record(ApproveFuelPurchase("veh-1", "2026-11", "fp-1"), actor="mgr-01", at=NOW)
    [kept] = scenario.state.purchases
    assert kept.approved_by == "mgr-01" and not kept.reimbursable  # FL-6: not designated


def test_fl6_a_purchase_at_a_designated_station_is_reimbursable_once_approved() -> None:
    scenario = given(FUEL_MONTH, at=NOW, site=site_calendar("site-a", LISTED))
    scenario.record(purchase(station="PetroChina Wuyi"), at=NOW)
    scenario.record(SignFuelPurchase("veh-1", "2026-11", "fp-1"), actor="cap-01", at=NOW)
    scenario.record(ApproveFuelPurchase("veh-1", "2026-11", "fp-1"), actor="mgr-01", at=NOW)
    [kept] = scenario.state.purchases
    assert kept.designated_station and kept.reimbursable


def test_fl6_no_list_means_every_named_station() -> None:
    assert FleetRules().designated_stations == []
    events = given(FUEL_MONTH, at=NOW).when(purchase(station="Any station"), at=NOW)
    assert isinstance(events[0], FuelPurchaseRecorded) and events[0].designated_station
