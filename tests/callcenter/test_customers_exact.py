"""Pure CC-7 customer-record decider tests: the exact events, refusals and state."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from callcenter.domain.customers import CUSTOMER, CustomerState
from callcenter.domain.customers import commands as c
from callcenter.domain.customers.events import CustomerRecordCreated, CustomerRecordUpdated
from opsledger.errors import DomainError
from opsledger.testing import Scenario, given, site_calendar
from opsledger_contracts.events.callcenter import CustomerRecordViewed

CAL = site_calendar("site-a")
T0 = datetime(2026, 3, 13, 1, 0, tzinfo=UTC)
T1 = T0 + timedelta(minutes=7)
CID = "C-site-a-1"

Run = Scenario[CustomerState, Any]

CREATED = CustomerRecordCreated(
    customer_id=CID, name="Wang Li", phone="13800000000", unit="B3-1202", notes="gate code 4"
)


def record() -> Run:
    run: Run = given(CUSTOMER, CREATED, at=T0, actor="system:callcenter", site=CAL)
    return run


def test_open_decides_the_record_with_every_field() -> None:
    run: Run = given(CUSTOMER, at=T0, site=CAL)
    cmd = c.OpenCustomerRecord(CID, "site-a", "Wang Li", "13800000000", "B3-1202", "gate code 4")
    assert run.when(cmd, at=T0, actor="system:callcenter") == [CREATED]


def test_open_defaults_unit_and_notes_empty() -> None:
    run: Run = given(CUSTOMER, at=T0, site=CAL)
    decided = run.when(c.OpenCustomerRecord(CID, "site-a", "Li", "139"), at=T0)
    assert decided == [CustomerRecordCreated(customer_id=CID, name="Li", phone="139")]


def test_open_twice_is_refused_409() -> None:
    err = record().refuses(c.OpenCustomerRecord(CID, "site-a", "X", "1"), "CC-7", at=T1)
    assert (err.message, err.field, err.status) == (
        "the customer record exists already",
        None,
        409,
    )


@pytest.mark.parametrize("command", [c.UpdateCustomer(CID, name="X"), c.ViewCustomer(CID)])
def test_update_or_view_of_a_missing_record_is_not_found(command: Any) -> None:
    run: Run = given(CUSTOMER, at=T0, site=CAL)
    err = run.refuses(command, "NOT_FOUND", at=T0)
    assert (err.message, err.field, err.status) == ("customer record does not exist", None, 404)


# The state right after `record()`: every field spelled out once.
RECORDED = CustomerState(
    customer_id=CID,
    site_id="site-a",
    name="Wang Li",
    phone="13800000000",
    unit="B3-1202",
    notes="gate code 4",
    created_at=T0,
    updated_at=T0,
    views=0,
)


def test_created_state_is_exact() -> None:
    assert record().state == RECORDED


def test_update_decides_only_the_changed_fields() -> None:
    run = record()
    cmd = c.UpdateCustomer(CID, name="Wang Li", phone="13900000000", unit="", notes="gate code 4")
    assert run.when(cmd, at=T1) == [
        CustomerRecordUpdated(customer_id=CID, phone="13900000000", unit="")
    ]


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        (
            c.UpdateCustomer(CID, name="Wang Wei"),
            CustomerRecordUpdated(customer_id=CID, name="Wang Wei"),
        ),
        (c.UpdateCustomer(CID, phone="1"), CustomerRecordUpdated(customer_id=CID, phone="1")),
        (c.UpdateCustomer(CID, unit="A1"), CustomerRecordUpdated(customer_id=CID, unit="A1")),
        (c.UpdateCustomer(CID, notes="n"), CustomerRecordUpdated(customer_id=CID, notes="n")),
    ],
)
def test_update_each_field_alone(cmd: c.UpdateCustomer, expected: CustomerRecordUpdated) -> None:
    assert record().when(cmd, at=T1) == [expected]


@pytest.mark.parametrize(
    "cmd",
    [
        c.UpdateCustomer(CID),
        c.UpdateCustomer(
            CID, name="Wang Li", phone="13800000000", unit="B3-1202", notes="gate code 4"
        ),
        c.UpdateCustomer(CID, notes="gate code 4"),
    ],
)
def test_update_with_nothing_new_is_refused(cmd: c.UpdateCustomer) -> None:
    err = record().refuses(cmd, "CC-7", at=T1)
    assert (err.message, err.field, err.status) == ("nothing to change", "body", 422)


def test_updated_state_keeps_unset_fields_and_stamps_the_time() -> None:
    run = record().given(CustomerRecordUpdated(customer_id=CID, phone="2", unit=""), at=T1)
    assert run.state == replace(RECORDED, phone="2", unit="", updated_at=T1)
    run.given(CustomerRecordUpdated(customer_id=CID, name="N", notes="z"), at=T1)
    assert (run.state.name, run.state.phone, run.state.unit, run.state.notes) == (
        "N",
        "2",
        "",
        "z",
    )


@pytest.mark.parametrize(
    ("roles", "role"),
    [
        ({"agent"}, "agent"),
        ({"shift_lead"}, "shift_lead"),
        ({"cc_manager"}, "cc_manager"),
        ({"admin"}, "admin"),
        (set(), "admin"),
        ({"dispatcher"}, "admin"),
        ({"admin", "agent"}, "agent"),
        ({"admin", "cc_manager", "shift_lead"}, "shift_lead"),
        ({"admin", "cc_manager"}, "cc_manager"),
    ],
)
def test_view_is_logged_under_the_first_reader_role(roles: set[str], role: str) -> None:
    decided = record().when(c.ViewCustomer(CID), at=T1, actor="agent-7", roles=roles)
    assert decided == [CustomerRecordViewed(customer_id=CID, viewed_by="agent-7", role=role)]


def test_views_are_counted_and_change_nothing_else() -> None:
    run = record()
    run.record(c.ViewCustomer(CID), at=T1, actor="agent-7", roles={"agent"})
    run.record(c.ViewCustomer(CID), at=T1, actor="mgr-1", roles={"cc_manager"})
    assert run.state == replace(RECORDED, views=2)


def test_domain_error_is_raised_not_returned() -> None:
    with pytest.raises(DomainError):
        record().when(c.OpenCustomerRecord(CID, "site-a", "X", "1"), at=T1)
