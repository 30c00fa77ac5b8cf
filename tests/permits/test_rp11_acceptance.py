"""RP-11 rev.2: the acceptance application (2 as-built copies, a deposit receipt copy)
within 7 working days of finishing; a joint inspection within 7 working days; fail ->
rectification notice with a deadline -> re-inspection, any number of rounds; pass ->
certificate; the signed form starts the refund clock (target 7, limit 15 working days),
deposit plus pass deposit to whoever paid, passes returned; an event per missed deadline."""

from datetime import UTC, date, datetime, timedelta

from opsledger_contracts.events.permits import DepositRefunded, DepositRefundOverdue
from permits.domain.permit import commands as c
from permits.domain.permit.events import (
    AcceptanceApplied,
    AcceptanceFormSigned,
    AcceptanceInspectionOverdue,
    DepositRefundPaid,
)

from tests.permits.conftest import FEES, SITE, Permits
from tests.permits.scenarios import P, Permit, started

# Mon 2026-09-21 10:00 Asia/Shanghai; works finish on Thu 09-24 (Fri 09-25 is a day off).
START = datetime(2026, 9, 21, 2, 0, tzinfo=UTC)
MON = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)


def finished() -> Permit:
    return started(START).record(c.FinishWorks(P, date(2026, 9, 24)), at=MON)


def accepted(at: datetime = MON) -> Permit:
    scenario = finished().record(c.ApplyForAcceptance(P, 2, True), at=at)
    inspection = c.InspectAcceptance(P, "cs-02", True, certificate_no="ACC-1")
    return scenario.record(inspection, at=at, actor="eng-01")


def test_rp11_the_application_carries_two_as_built_copies_and_the_receipt_copy() -> None:
    error = finished().refuses(c.ApplyForAcceptance(P, 1, False), "RP-11", at=MON)
    assert error.fields == ("as_built_copies", "deposit_receipt_copy")


def test_rp11_the_application_deadline_counts_working_days_across_the_holidays() -> None:
    # Finished Thu 09-24: 7 working days are 09-28, 09-29, 09-30, 10-08, 10-09, 10-10
    # (make-up Saturday), 10-12. Applying on 10-12 is in time, on 10-13 late (recorded).
    on_time = datetime(2026, 10, 12, 2, 0, tzinfo=UTC)
    applied = finished().when(c.ApplyForAcceptance(P, 2, True), at=on_time)[0]
    assert isinstance(applied, AcceptanceApplied) and not applied.late
    late = finished().when(c.ApplyForAcceptance(P, 2, True), at=on_time + timedelta(days=1))[0]
    assert isinstance(late, AcceptanceApplied) and late.late
    # The joint inspection is due 7 working days after the application: 10-21 10:00.
    assert applied.inspection_due_at == datetime(2026, 10, 21, 2, 0, tzinfo=UTC)


def test_rp11_the_inspection_is_joint_and_failures_go_round_until_a_pass() -> None:
    scenario = finished().record(c.ApplyForAcceptance(P, 2, True), at=MON)
    alone = c.InspectAcceptance(P, "eng-01", False, "Socket cover", date(2026, 10, 9))
    assert scenario.refuses(alone, "RP-11", at=MON, actor="eng-01").field == (
        "customer_service_inspector"
    )
    no_notice = c.InspectAcceptance(P, "cs-02", False)
    assert scenario.refuses(no_notice, "RP-11", at=MON, actor="eng-01").fields == (
        "defects",
        "rectify_by",
    )
    for n in range(3):
        fail = c.InspectAcceptance(P, "cs-02", False, f"Defect {n}", date(2026, 10, 9 + n))
        scenario.record(fail, at=MON + timedelta(days=n), actor="eng-01")
        assert scenario.state.stage == "acceptance"
    scenario.record(
        c.InspectAcceptance(P, "cs-02", True, certificate_no="ACC-1"), at=MON, actor="eng-01"
    )
    assert (scenario.state.stage, scenario.state.rounds) == ("accepted", 4)


def test_rp11_the_form_starts_the_refund_clock_target_7_limit_15_working_days() -> None:
    signed = accepted().when(c.SignAcceptanceForm(P), at=MON)[0]

    assert isinstance(signed, AcceptanceFormSigned)
    # Mon 09-28 10:00: 7 working days -> Tue 10-13; 15 -> Fri 10-23 (holidays skipped,
    # the make-up Saturday 10-10 counted).
    assert signed.refund_target_at == datetime(2026, 10, 13, 2, 0, tzinfo=UTC)
    assert signed.refund_limit_at == datetime(2026, 10, 23, 2, 0, tzinfo=UTC)
    assert signed.refund_fen == FEES["deposit"] + FEES["worker_pass_deposit"]
    assert signed.refund_to == "owner"


def test_rp11_passes_are_returned_before_the_refund_which_goes_to_the_payer() -> None:
    scenario = accepted().record(c.SignAcceptanceForm(P), at=MON)
    error = scenario.refuses(c.RefundDeposit(P, "TRF-1"), "RP-11", at=MON)
    assert error.fields == ("passes.P-1", "passes.P-2")
    scenario.record(c.ReturnPasses(P, ("P-1", "P-2")), at=MON)
    late = datetime(2026, 10, 14, 2, 0, tzinfo=UTC)  # after the target, within the limit

    decided = scenario.when(c.RefundDeposit(P, "TRF-1"), at=late)

    assert decided == [
        DepositRefundPaid(
            permit_id=P, unit_id="B2-1203", amount_fen=220000, paid_to="owner", reference="TRF-1"
        ),
        DepositRefunded(permit_id=P, unit_id="B2-1203", within_target=False, within_limit=True),
    ]


def test_rp11_each_missed_refund_deadline_is_one_event() -> None:
    scenario = accepted().record(c.SignAcceptanceForm(P), at=MON)
    due = datetime(2026, 10, 13, 2, 0, tzinfo=UTC)
    scenario.record(c.MarkRefundOverdue(P, "target", due), at=due)
    assert scenario.when(c.MarkRefundOverdue(P, "target", due), at=due) == []
    limit = datetime(2026, 10, 23, 2, 0, tzinfo=UTC)
    assert scenario.when(c.MarkRefundOverdue(P, "limit", limit), at=limit) == [
        DepositRefundOverdue(permit_id=P, unit_id="B2-1203", deadline="limit", due_at=limit)
    ]


async def _accepted_over_http(permits: Permits) -> None:
    await permits.started()
    permits.clock.advance(timedelta(days=14))  # Mon 12-07
    await permits.post("/permits/pmt-1/finish", {"finished_on": "2026-12-04"}, permits.cs)
    body = {"as_built_copies": 2, "deposit_receipt_copy": True}
    await permits.post("/permits/pmt-1/acceptance", body, permits.desk)
    fail = {
        "customer_service_inspector": "cs-02",
        "passed": False,
        "defects": "Socket cover missing",
        "rectify_by": "2026-12-10",
    }
    failed = await permits.post("/permits/pmt-1/inspections", fail, permits.eng)
    assert (failed["stage"], failed["rounds"]) == ("acceptance", 1)
    board = await permits.get("/permits", permits.cs, site_id=SITE)
    assert (board[0]["owed_by"], board[0]["next_due_on"]) == ("contractor", "2026-12-10")
    passed = {"customer_service_inspector": "cs-02", "passed": True, "certificate_no": "ACC-1"}
    answer = await permits.post("/permits/pmt-1/inspections", passed, permits.eng)
    assert (answer["stage"], answer["rounds"]) == ("accepted", 2)


async def test_rp11_missed_refund_deadlines_are_events_from_durable_timers(
    permits: Permits,
) -> None:
    await _accepted_over_http(permits)
    signed = await permits.post("/permits/pmt-1/acceptance-form", None, permits.eng)
    # Mon 12-07 09:00 + 7 working days: Wed 12-16; + 15: Mon 12-28.
    assert signed["refund_target_at"] == "2026-12-16T01:00:00Z"
    assert signed["refund_limit_at"] == "2026-12-28T01:00:00Z"
    due = await permits.get("/refunds", permits.finance, site_id=SITE)
    assert [(r["permit_id"], r["refund_fen"], r["refund_to"]) for r in due] == [
        ("pmt-1", 220000, "owner")
    ]

    permits.clock.advance(timedelta(days=9))  # Wed 12-16 09:00
    assert await permits.service.timers.fire_due() == 1
    overdue = await permits.get("/refunds", permits.finance, site_id=SITE, overdue="true")
    assert [r["target_missed"] for r in overdue] == [True]

    await permits.post("/permits/pmt-1/passes/return", {"pass_nos": ["P-1", "P-2"]}, permits.cs)
    await permits.post("/permits/pmt-1/refund", {"reference": "TRF-1"}, permits.finance)
    permits.clock.advance(timedelta(days=30))
    assert await permits.service.timers.fire_due() == 0  # the limit's timer was cancelled
    types = [e.event_type for e in await permits.events()]
    assert types.count("DepositRefundOverdue") == 1
    assert types[-1] == "DepositRefunded"
    assert await permits.get("/refunds", permits.finance, site_id=SITE) == []


def test_rp11_an_inspection_not_made_in_time_is_one_event() -> None:
    scenario = finished().record(c.ApplyForAcceptance(P, 2, True), at=MON)
    due = datetime(2026, 10, 13, 2, 0, tzinfo=UTC)  # 7 working days after Mon 09-28
    assert scenario.state.inspection_due_at == due
    [overdue] = scenario.when(c.MarkInspectionOverdue(P, due), at=due)
    assert isinstance(overdue, AcceptanceInspectionOverdue)
    inspected = scenario.record(
        c.InspectAcceptance(P, "cs-02", True, certificate_no="ACC-1"), at=MON, actor="eng-01"
    )
    assert inspected.when(c.MarkInspectionOverdue(P, due), at=due) == []
