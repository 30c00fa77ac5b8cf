"""The carrier's decisions, pure (SR-11 … SR-19): each test is named after its rule."""

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from opsledger.testing import given
from secrets_registry.domain.carriers import CARRIER, CARRIER_REGISTER
from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.carriers import events as ev
from secrets_registry.domain.carriers.register import ReconcileInventory
from secrets_registry.domain.clearance import CarrierLevel, Clearance, PersonLevel

AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
TS, SECRET, CONF = CarrierLevel.TOP_SECRET, CarrierLevel.SECRET, CarrierLevel.CONFIDENTIAL


def record(level: CarrierLevel = SECRET, **overrides: Any) -> c.RecordCarrier:
    fields: dict[str, Any] = {
        "site_id": "site-a",
        "carrier_id": "car-1",
        "title": "Plan of the substation",
        "kind": "document",
        "level": level,
        "retention_years": 10,
        "scope": ("security-office",),
        "copies": 3,
        "originator": "City bureau",
        "storage": "officer_safe" if level == TS else "secrecy_room",
        "serial": None if level == CONF else "S-000001",
    }
    fields.update(overrides)
    return c.RecordCarrier(**fields)


def registered(level: CarrierLevel = SECRET, **overrides: Any) -> Any:
    events = given(CARRIER, at=AT).when(record(level, **overrides), at=AT)
    return given(CARRIER, *events, at=AT)


def cleared(person: str = "p-1", level: PersonLevel = PersonLevel.CORE, **kw: Any) -> Clearance:
    fields: dict[str, Any] = {
        "person_id": person,
        "site_id": "site-a",
        "level": level,
        "vetted": True,
        "trained": True,
        "pledged_until": date(2027, 12, 31),
        "key_locations": frozenset(),
        "scopes": frozenset({"security-office"}),
    }
    fields.update(kw)
    return Clearance(**fields)


# -- SR-11 registration -------------------------------------------------------------


@pytest.mark.parametrize("level", [TS, SECRET])
def test_sr11_top_secret_and_secret_carriers_need_a_serial(level: CarrierLevel) -> None:
    given(CARRIER, at=AT).refuses(record(level, serial=None), "SR-11", at=AT)


def test_sr11_registration_records_level_retention_scope_and_copies() -> None:
    (event,) = given(CARRIER, at=AT).when(record(CONF), at=AT)
    assert isinstance(event, ev.CarrierRegistered)
    assert (event.level, event.retention_years, event.scope, event.copies, event.serial) == (
        CONF,
        10,
        ("security-office",),
        3,
        None,
    )


def test_sr11_carriers_are_produced_only_in_the_print_room_or_a_designated_printer() -> None:
    given(CARRIER, at=AT).refuses(record(produced_at="copy_shop"), "SR-11", at=AT)


def test_sr11_a_carrier_has_a_scope() -> None:
    given(CARRIER, at=AT).refuses(record(scope=()), "SR-11", at=AT)


# -- SR-12 movement -----------------------------------------------------------------


def send(channel: Any, out_of_town: bool = False, escorts: tuple[str, ...] = ("e1", "e2")) -> Any:
    return c.RecordSending("car-1", channel, "City bureau", out_of_town, "PKG-1", False, escorts)


@pytest.mark.parametrize("channel", ["ordinary_post", "courier"])
@pytest.mark.parametrize("level", [TS, SECRET, CONF])
def test_sr12_never_by_ordinary_post_or_courier(channel: str, level: CarrierLevel) -> None:
    registered(level).refuses(send(channel), "SR-12", at=AT)


def test_sr12_top_secret_out_of_town_only_by_confidential_courier_or_post() -> None:
    registered(TS).refuses(send("dedicated_person", out_of_town=True), "SR-12", at=AT)
    (sent,) = registered(TS).when(send("confidential_courier", out_of_town=True), at=AT)
    assert isinstance(sent, ev.CarrierSent) and sent.escorts == ("e1", "e2")
    (in_town,) = registered(TS).when(send("dedicated_person"), at=AT)
    assert isinstance(in_town, ev.CarrierSent)


def test_sr12_always_two_escorts() -> None:
    registered(CONF).refuses(send("confidential_post", escorts=("e1", "e1")), "SR-12", at=AT)


def test_sr12_a_received_carrier_came_by_a_confidential_channel() -> None:
    bad = record(origin="received", received_from="City bureau", channel="ordinary_post")
    given(CARRIER, at=AT).refuses(bad, "SR-12", at=AT)


# -- SR-13 scope and sign-out ---------------------------------------------------------


def test_sr13_a_scope_change_names_who_made_it() -> None:
    change = c.ChangeCarrierScope("site-a", "car-1", "new project", add=("finance",))
    (event,) = registered().when(change, at=AT, actor="leader-1")
    assert isinstance(event, ev.CarrierScopeChanged)
    assert (event.changed_by, event.added) == ("leader-1", ("finance",))


def test_sr13_a_scope_change_that_changes_nothing_is_refused() -> None:
    same = c.ChangeCarrierScope("site-a", "car-1", "no-op", add=("security-office",))
    registered().refuses(same, "SR-13", at=AT)


def test_sr13_only_a_cleared_person_in_scope_signs_for_a_carrier() -> None:
    general = cleared(level=PersonLevel.GENERAL)
    registered(SECRET).refuses(c.RecordSignOut("car-1", "p-1", "read", general), "SR-13", at=AT)
    elsewhere = cleared(scopes=frozenset({"finance"}))
    registered(SECRET).refuses(c.RecordSignOut("car-1", "p-1", "read", elsewhere), "SR-13", at=AT)
    (out,) = registered(SECRET).when(c.RecordSignOut("car-1", "p-1", "use", cleared()), at=AT)
    assert isinstance(out, ev.CarrierSignedOut) and out.person_id == "p-1"


def test_sr13_a_carrier_signed_out_is_not_signed_out_again() -> None:
    first = c.RecordSignOut("car-1", "p-1", "read", cleared())
    scenario = registered().record(first, at=AT)
    scenario.refuses(c.RecordSignOut("car-1", "p-2", "read", cleared("p-2")), "SR-13", at=AT)
    assert scenario.state.holder == ("p-1",)


# -- SR-14 copies -------------------------------------------------------------------


def test_sr14_a_top_secret_copy_needs_the_originating_authority() -> None:
    leader = c.RecordCopy("car-1", "car-2", "S-2", "unit_leader", None)
    registered(TS, unit_may_copy=True).refuses(leader, "SR-14", at=AT, roles=["unit_leader"])
    authority = c.RecordCopy("car-1", "car-2", "S-2", "originating_authority", "BUREAU-2026-7")
    (copied,) = registered(TS).when(authority, at=AT)
    assert isinstance(copied, ev.CarrierCopied)


def test_sr14_the_unit_leader_approves_only_where_the_originator_allows() -> None:
    leader = c.RecordCopy("car-1", "car-2", "S-2", "unit_leader", None)
    registered(SECRET).refuses(leader, "SR-14", at=AT, roles=["unit_leader"])
    registered(SECRET, unit_may_copy=True).refuses(leader, "SR-14", at=AT, roles=["clerk"])
    (ok,) = registered(SECRET, unit_may_copy=True).when(leader, at=AT, roles=["unit_leader"])
    assert isinstance(ok, ev.CarrierCopied)


def test_sr14_not_to_be_copied_is_never_copied_whoever_approves() -> None:
    authority = c.RecordCopy("car-1", "car-2", "S-2", "higher_authority", "STATE-1")
    registered(SECRET, not_to_be_copied=True).refuses(authority, "SR-14", at=AT)


# -- SR-16 taking out -----------------------------------------------------------------


def test_sr16_top_secret_never_abroad_nor_to_foreign_affairs_events() -> None:
    abroad = c.ApproveTakeOut("site-a", "car-1", "Hong Kong", abroad=True)
    registered(TS).refuses(abroad, "SR-16", at=AT)
    event = c.ApproveTakeOut("site-a", "car-1", "Embassy", foreign_affairs=True)
    registered(TS).refuses(event, "SR-16", at=AT)
    registered(TS).refuses(c.RecordTakeOut("car-1", "HK", True, False, ("a", "b")), "SR-16", at=AT)


def test_sr16_top_secret_needs_approval_and_two_people() -> None:
    out = c.RecordTakeOut("car-1", "City hall", False, False, ("a", "b"))
    registered(TS).refuses(out, "SR-16", at=AT)
    approved = registered(TS).record(c.ApproveTakeOut("site-a", "car-1", "City hall"), at=AT)
    approved.refuses(replace(out, people=("a",)), "SR-16", at=AT)
    (taken,) = approved.when(out, at=AT)
    assert isinstance(taken, ev.CarrierTakenOut) and taken.people == ("a", "b")


def test_sr16_secret_abroad_needs_approval_in_country_does_not() -> None:
    registered(SECRET).refuses(
        c.RecordTakeOut("car-1", "Macau", True, False, ("a",)), "SR-16", at=AT
    )
    (taken,) = registered(SECRET).when(
        c.RecordTakeOut("car-1", "Site B", False, False, ("a",)), at=AT
    )
    assert isinstance(taken, ev.CarrierTakenOut)


# -- SR-17 storage, due back -------------------------------------------------------------


def test_sr17_top_secret_is_kept_in_the_officers_safe() -> None:
    given(CARRIER, at=AT).refuses(record(TS, storage="secrecy_room"), "SR-17", at=AT)
    registered(TS).refuses(c.StoreCarrier("site-a", "car-1", "secrecy_room"), "SR-17", at=AT)


def test_sr17_carriers_due_back_are_never_destroyed_locally() -> None:
    due = registered(SECRET, due_back=True, return_by=date(2027, 1, 31))
    due.refuses(c.ApproveDestruction("site-a", "car-1", 3, "approved_shredder"), "SR-17", at=AT)


def test_sr17_inventory_reports_each_discrepancy() -> None:
    scenario = given(
        CARRIER_REGISTER,
        ev.CarrierEnteredRegister(carrier_id="a"),
        ev.CarrierEnteredRegister(carrier_id="b"),
        ev.CarrierEnteredRegister(carrier_id="c"),
        at=AT,
    )
    inventory = ReconcileInventory(
        "site-a", "inv-2026", date(2026, 12, 7), frozenset({"a", "x"}), frozenset({"c"})
    )
    decided = scenario.when(inventory, at=AT)
    reports = [
        (e.carrier_id, e.discrepancy)
        for e in decided
        if isinstance(e, ev.InventoryDiscrepancyReported)
    ]
    assert reports == [("b", "missing"), ("x", "unregistered")]
    assert isinstance(decided[-1], ev.InventoryTaken) and decided[-1].discrepancies == 2


# -- SR-19 destruction -----------------------------------------------------------------


def test_sr19_destruction_needs_leader_approval_and_the_count() -> None:
    destroy = c.RecordDestruction("car-1", "Shredder S-1", ("w1", "w2"))
    registered().refuses(destroy, "SR-19", at=AT)
    approve = c.ApproveDestruction("site-a", "car-1", 2, "designated_mill")
    registered().refuses(approve, "SR-19", at=AT)  # the register counts 3


def test_sr19_one_escort_is_refused_two_witness() -> None:
    approve = c.ApproveDestruction("site-a", "car-1", 3, "designated_mill")
    approved = registered().record(approve, at=AT, actor="leader-1")
    approved.refuses(c.RecordDestruction("car-1", "Mill 2", ("w1",)), "SR-19", at=AT)
    (done,) = approved.when(c.RecordDestruction("car-1", "Mill 2", ("w1", "w2")), at=AT)
    assert isinstance(done, ev.CarrierDestroyed) and done.count == 3
    assert done.witnesses == ("w1", "w2")


def test_sr19_a_destroyed_carrier_is_gone() -> None:
    approve = c.ApproveDestruction("site-a", "car-1", 3, "approved_shredder")
    done = (
        registered()
        .record(approve, at=AT)
        .record(c.RecordDestruction("car-1", "Shredder S-1", ("w1", "w2")), at=AT)
    )
    done.refuses(send("confidential_post"), "SR-12", at=AT)
    assert done.state.status == "destroyed"
