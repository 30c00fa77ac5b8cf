"""The KPI catalogue, pure: each KPI's rows on its edge cases, and the card arithmetic
(percent numerator within its denominator, no value on an empty denominator, no delta
without a previous period)."""

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta

import pytest
from dashboard.domain import rows as c
from dashboard.domain.catalogue import BY_KEY, CATALOGUE
from dashboard.domain.facts import FACT_FIELDS
from dashboard.domain.kpis import KpiRow, Tally, delta, figure, status
from dashboard.domain.records import Fact, RecordState
from dashboard.domain.records.events import FactValue
from opsledger_contracts.registry import REGISTRY

T0 = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)


def rec(source: str, *facts: tuple[str, Mapping[str, FactValue]]) -> RecordState:
    listed = tuple(
        Fact(name, T0 + timedelta(minutes=i), date(2026, 12, 3), dict(data))
        for i, (name, data) in enumerate(facts)
    )
    return RecordState(site_id="site-a", source=source, source_stream="s-1", facts=listed)


def counted(rows: list[KpiRow]) -> list[bool]:
    return [r.counted for r in rows]


def test_percent_has_no_value_on_an_empty_denominator_and_counts_a_subset() -> None:
    kpi = BY_KEY["callcenter.answered_rate"]
    assert figure(kpi, Tally()).value is None
    shown = figure(kpi, Tally(rows=4, counted=3))
    assert (shown.value, shown.numerator, shown.denominator) == (75.0, 3, 4)
    assert figure(BY_KEY["dispatch.repeat_repairs"], Tally()).value == 0.0
    assert figure(BY_KEY["dispatch.penalties"], Tally(rows=2, total=150.0)).value == 150.0


def test_delta_is_none_without_a_previous_value_and_for_the_current_state() -> None:
    rate, overdue = BY_KEY["callcenter.answered_rate"], BY_KEY["dispatch.overdue_open"]
    assert delta(rate, 80.0, None) is None and delta(rate, None, 80.0) is None
    assert delta(rate, 80.0, 70.0) == 10.0 and delta(rate, 70.0, 70.0) == 0.0
    assert delta(overdue, 3.0, 1.0) is None


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [
        ("callcenter.answered_rate", 96.0, "ok"),
        ("callcenter.answered_rate", 95.0, "ok"),
        ("callcenter.answered_rate", 91.0, "warn"),
        ("callcenter.answered_rate", 80.0, "bad"),
        ("callcenter.answered_rate", None, "none"),
        ("dispatch.overdue_open", 0.0, "ok"),
        ("dispatch.overdue_open", 2.0, "warn"),
        ("dispatch.overdue_open", 3.0, "bad"),
    ],
)
def test_status_against_the_target_either_direction(
    key: str, value: float | None, expected: str
) -> None:
    kpi = BY_KEY[key]
    assert status(kpi, value, kpi.target) == expected


def test_answered_calls() -> None:
    assert counted(
        c.answered_calls(rec("callcenter", ("CallLogged", {"outcome": "answered"})))
    ) == [True]
    assert counted(
        c.answered_calls(rec("callcenter", ("CallLogged", {"outcome": "abandoned"})))
    ) == [False]
    assert c.answered_calls(rec("callcenter")) == []


def test_first_response_within_sla_late_and_breached() -> None:
    fr = c.first_response_in_sla
    assert counted(fr(rec("callcenter", ("TicketFirstResponded", {"within_sla": True})))) == [True]
    assert counted(fr(rec("callcenter", ("TicketFirstResponded", {"within_sla": False})))) == [
        False
    ]
    assert counted(fr(rec("callcenter", ("SlaBreached", {})))) == [False]
    # breached, then answered late: one row, not two
    both = rec("callcenter", ("SlaBreached", {}), ("TicketFirstResponded", {"within_sla": False}))
    assert counted(fr(both)) == [False]
    assert fr(rec("callcenter", ("TicketOpened", {}))) == []


def test_callbacks_done_only_once_reached_after_resolution() -> None:
    cb = c.callbacks_done
    resolved = ("TicketResolved", {"ticket_id": "T1"})
    assert counted(cb(rec("callcenter", resolved))) == [False]
    assert counted(
        cb(rec("callcenter", resolved, ("TicketCallbackRecorded", {"reached": False})))
    ) == [False]
    assert counted(
        cb(rec("callcenter", resolved, ("TicketCallbackRecorded", {"reached": True})))
    ) == [True]
    assert cb(rec("callcenter", ("TicketOpened", {}))) == []


def test_satisfied_is_4_or_5_of_5() -> None:
    for overall, good in ((5, True), (4, True), (3, False), (1, False)):
        rows = c.satisfied(rec("callcenter", ("SatisfactionSurveyRecorded", {"overall": overall})))
        assert counted(rows) == [good]


def test_accepted_on_time_against_the_reply_by_time() -> None:
    issued = ("WorkOrderIssued", {"reply_by": "2026-12-03T04:00:00+00:00"})
    early = ("WorkOrderAccepted", {"accepted_at": "2026-12-03T03:00:00+00:00"})
    late = ("WorkOrderAccepted", {"accepted_at": "2026-12-03T05:00:00+00:00"})
    assert counted(c.accepted_on_time(rec("dispatch", issued, early))) == [True]
    assert counted(c.accepted_on_time(rec("dispatch", issued, late))) == [False]
    assert c.accepted_on_time(rec("dispatch", issued)) == []


def test_overdue_open_orders_leave_once_completed() -> None:
    overdue = ("WorkOrderOverdue", {"work_order_id": "WO-1"})
    assert len(c.overdue_open_orders(rec("dispatch", overdue))) == 1
    assert c.overdue_open_orders(rec("dispatch", overdue, ("WorkOrderCompleted", {}))) == []
    assert c.overdue_open_orders(rec("dispatch", ("WorkOrderIssued", {}))) == []


def test_repeat_repairs_once_per_order_and_penalties_each_with_its_amount() -> None:
    flag = ("RepeatRepairFlagged", {"work_order_id": "WO-1"})
    assert len(c.repeat_repairs(rec("dispatch", flag, flag))) == 1
    fines = rec(
        "dispatch",
        ("PenaltyRecorded", {"amount_fen": 5000}),
        ("PenaltyRecorded", {"amount_fen": 2000}),
    )
    rows = c.penalties(fines)
    assert [r.value for r in rows] == [5000.0, 2000.0] and len({r.key for r in rows}) == 2


def test_fuel_anomalies_each() -> None:
    data: dict[str, FactValue] = {"vehicle_id": "V1", "kind": "no_km", "serious": True}
    anomaly = ("FuelAnomalyDetected", data)
    assert len(c.fuel_anomalies(rec("fleet", anomaly, anomaly))) == 2


def test_vehicles_with_open_faults() -> None:
    f1, f2 = (
        ("VehicleFaultReported", {"fault_id": "F1"}),
        ("VehicleFaultReported", {"fault_id": "F2"}),
    )
    clear1 = ("VehicleFaultCleared", {"fault_id": "F1"})
    assert len(c.open_faults(rec("fleet", f1))) == 1
    assert c.open_faults(rec("fleet", f1, clear1)) == []
    assert len(c.open_faults(rec("fleet", f1, f2, clear1))) == 1  # one row per vehicle
    assert c.open_faults(rec("fleet", f1, ("VehicleRetired", {}))) == []


def test_services_overdue_until_serviced_and_again() -> None:
    none: dict[str, FactValue] = {}
    overdue, serviced = ("VehicleServiceOverdue", none), ("VehicleServiced", none)
    assert len(c.services_overdue(rec("fleet", overdue))) == 1
    assert c.services_overdue(rec("fleet", overdue, serviced)) == []
    assert len(c.services_overdue(rec("fleet", overdue, serviced, overdue))) == 1


def test_reviews_overdue_until_decided() -> None:
    overdue = ("PermitReviewOverdue", {"permit_id": "P1"})
    assert len(c.reviews_overdue(rec("permits", overdue))) == 1
    assert c.reviews_overdue(rec("permits", overdue, ("PermitApproved", {}))) == []
    assert c.reviews_overdue(rec("permits", overdue, ("PermitRejected", {}))) == []


def test_refunds_past_7_and_past_15_working_days() -> None:
    target = ("DepositRefundOverdue", {"deadline": "target"})
    limit = ("DepositRefundOverdue", {"deadline": "limit"})
    assert len(c.refunds_past_7(rec("permits", target))) == 1
    assert c.refunds_past_15(rec("permits", target)) == []
    assert len(c.refunds_past_15(rec("permits", target, limit))) == 1
    assert c.refunds_past_7(rec("permits", target, ("DepositRefunded", {}))) == []


def test_patrol_coverage_one_row_per_day_patrolled_or_missed() -> None:
    rows = c.patrol_coverage(
        rec(
            "permits",
            ("PatrolMissed", {"local_date": "2026-12-01"}),
            ("PatrolRecorded", {"local_date": "2026-12-02"}),
            ("PatrolRecorded", {"local_date": "2026-12-02"}),
            ("PatrolRecorded", {"local_date": "2026-12-03"}),
        )
    )
    assert [(r.day.isoformat(), r.counted) for r in rows] == [
        ("2026-12-01", False),
        ("2026-12-02", True),
        ("2026-12-03", True),
    ]


def test_the_catalogue_has_the_issues_cards_each_once() -> None:
    keys = [k.key for k in CATALOGUE]
    assert len(keys) == len(set(keys))
    for service in ("callcenter", "dispatch", "fleet", "permits"):
        assert sum(k.service == service for k in CATALOGUE) >= 3


CONFIDENTIAL = {"description", "note", "content", "subject", "title", "name", "comments", "reason"}


def test_every_kept_field_is_on_its_contract_and_none_is_free_text() -> None:
    for source, events in FACT_FIELDS.items():
        for event_type, fields in events.items():
            model = REGISTRY.latest(event_type)
            assert model.service in (source, f"{source}_conduct") or model.service == source
            missing = set(fields) - set(model.model_fields)
            assert not missing, f"{event_type}: {missing}"
            assert not set(fields) & CONFIDENTIAL, event_type


def test_people_in_declassification_carry_the_day_their_period_ends() -> None:
    departed = {
        "person_id": "S1",
        "left_on": "2026-12-01",
        "declassification_ends_on": "2028-11-30",
    }
    (row,) = c.in_declassification(rec("secrets_registry", ("PersonDeparted", departed)))
    assert (row.day, row.ends, row.ref) == (date(2026, 12, 1), date(2028, 11, 30), "/people/S1")
    assert c.in_declassification(rec("secrets_registry")) == []
    assert BY_KEY["secrets_registry.declassification"].secrecy


def test_open_inventory_discrepancies_are_the_latest_inventorys_count() -> None:
    old: dict[str, FactValue] = {"inventory_id": "i-25", "on": "2025-12-01", "discrepancies": 3}
    new: dict[str, FactValue] = {"inventory_id": "i-26", "on": "2026-12-01", "discrepancies": 1}
    kpi = BY_KEY["secrets_registry.inventory_discrepancies"]
    rows = kpi.rows(
        rec("secrets_registry", ("InventoryReconciled", old), ("InventoryReconciled", new))
    )
    assert [(r.day, r.value) for r in rows] == [(date(2026, 12, 1), 1.0)]
    assert figure(kpi, Tally.of(rows)).value == 1.0 and kpi.secrecy
    assert figure(kpi, Tally()).value == 0.0
