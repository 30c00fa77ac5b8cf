"""Pure tests of the work-order decider and its helpers: given events / when command."""

from datetime import UTC, date, datetime, timedelta

import pytest
from dispatch.domain import diagnostics, fault_history, requests, reviews
from dispatch.domain.private_events import FaultOrderRecorded, WorkOrderRequestReceived
from dispatch.domain.rules import DispatchRules
from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order import commands as wo
from dispatch.domain.work_order.decide import validate_issue
from dispatch.domain.work_order.state import WorkOrderState, site_of, work_order_id
from opsledger.decider import Schedule
from opsledger.errors import DomainError
from opsledger.testing import Scenario, given
from opsledger_contracts.events.dispatch import (
    DiagnosticPingReceived,
    DispatchLedgerEntryRecorded,
    WorkOrderOverdue,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
W = "WO-site-a-000001"


def command(**overrides: object) -> wo.IssueWorkOrder:
    fields: dict[str, object] = {
        "site_id": "site-a",
        "location": "Block 3",
        "content": "Leak",
        "requirements": "Fix it",
        "reply_by": NOW + timedelta(hours=4),
        "assignee": "eng-12",
        "assignee_role": "engineer",
    }
    fields.update(overrides)
    return wo.IssueWorkOrder(**fields)  # type: ignore[arg-type]


def issued() -> Scenario[WorkOrderState, wo.Command]:
    scenario = given(WORK_ORDER, at=NOW)
    return scenario.record(wo.NumberedIssue(command(), W, 1), actor="disp-07", at=NOW)


def test_wo1_validation_names_every_missing_field_at_once() -> None:
    with pytest.raises(DomainError) as refused:
        validate_issue(command(location=None, content=" ", reply_by=None), NOW)
    assert refused.value.code == "WO-1"
    assert refused.value.field == "location,content,reply_by"


def test_wo1_reply_by_needs_a_zone_and_the_future() -> None:
    with pytest.raises(DomainError, match="time zone"):
        validate_issue(command(reply_by=datetime(2026, 12, 1, 8, 0)), NOW)
    with pytest.raises(DomainError, match="not in the future"):
        validate_issue(command(reply_by=NOW), NOW)


def test_wo2_assignee_roles_are_the_documented_ones() -> None:
    assert {"engineer", "maintenance_worker", "consultant", "dept_head"} <= wo.ASSIGNEE_ROLES
    with pytest.raises(DomainError) as refused:
        validate_issue(command(assignee_role="agent"), NOW)
    assert refused.value.code == "WO-2"


def test_wo3_acceptance_is_truncated_to_the_minute_and_only_by_the_assignee() -> None:
    at = NOW + timedelta(seconds=59, microseconds=1)
    (accepted,) = issued().when(wo.AcceptWorkOrder(W), actor="eng-12", at=at)
    assert accepted.model_dump()["accepted_at"] == NOW
    refused = issued().refuses(wo.AcceptWorkOrder(W), "WO-3", actor="eng-13", at=at)
    assert refused.status == 403


def test_wo4_refusal_penalty_is_10000_fen_in_the_site_month() -> None:
    # 2026-11-30 16:30 UTC is already December in Asia/Shanghai.
    at = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    _, penalty, entry = issued().when(wo.RecordRefusal(W, "No"), actor="disp-07", at=at)
    dumped = penalty.model_dump()
    assert (dumped["person"], dumped["amount_fen"], dumped["rule"]) == ("eng-12", 10_000, "WO-4")
    assert dumped["month"] == "2026-12"
    # flow 5: the same penalty in the ledger's shape, same person, month and amount
    assert isinstance(entry, DispatchLedgerEntryRecorded)
    assert (entry.person, entry.month, entry.amount_fen, entry.kind) == (
        "eng-12",
        "2026-12",
        10_000,
        "penalty",
    )


def test_wo5_overdue_is_decided_for_the_current_deadline_only() -> None:
    accepted = issued().record(wo.AcceptWorkOrder(W), actor="eng-12", at=NOW)
    deadline = NOW + timedelta(hours=4)
    overdue, penalty, _entry = accepted.when(
        wo.MarkOverdue(W, deadline), actor="system", at=deadline
    )
    assert isinstance(overdue, WorkOrderOverdue)
    assert penalty.model_dump()["amount_fen"] == 3000
    stale = wo.MarkOverdue(W, deadline - timedelta(hours=1))
    assert accepted.when(stale, actor="system", at=deadline) == []
    later = deadline + timedelta(hours=2)
    accepted.record(wo.ReportProgress(W, "half done", later), actor="eng-12", at=NOW)
    assert accepted.when(wo.MarkOverdue(W, deadline), actor="system", at=deadline) == []
    assert len(accepted.when(wo.MarkOverdue(W, later), actor="system", at=later)) == 3


def test_wo5_issue_and_expected_by_schedule_the_overdue_timer() -> None:
    scenario = issued()
    (timer,) = scenario.reactions()
    assert isinstance(timer, Schedule) and timer.kind == "work_order_overdue"
    assert timer.timer_id == f"work-order-overdue-{W}"
    assert timer.payload == {"work_order_id": W, "deadline": (NOW + timedelta(hours=4)).isoformat()}


def test_wo6_archive_names_everything_missing() -> None:
    accepted = issued().record(wo.AcceptWorkOrder(W), actor="eng-12", at=NOW)
    refused = accepted.refuses(wo.ArchiveWorkOrder(W), "WO-6", actor="disp-07", at=NOW)
    assert "completion" in refused.message and "sign-off" in refused.message


def test_wo7_review_refuses_unfinished_orders_without_reason() -> None:
    review = given(reviews.END_OF_DAY_REVIEW, at=NOW)
    refused = review.refuses(
        reviews.RecordReview(
            "site-a",
            date(2026, 11, 23),
            {"WO-a-000001": "parts"},
            unfinished=["WO-a-000001", "WO-a-000002"],
            known=["WO-a-000001"],
        ),
        "WO-7",
        actor="disp-07",
        at=NOW,
    )
    assert "WO-a-000002" in refused.message
    with pytest.raises(DomainError, match="has not come yet"):
        review.when(reviews.RecordReview("site-a", date(2026, 11, 24), {}), actor="d", at=NOW)


def test_wo8_work_order_ids_carry_site_and_zero_padded_serial() -> None:
    assert work_order_id("site-a", 42) == "WO-site-a-000042"
    assert site_of("WO-site-a-000042") == "site-a"
    assert site_of("nonsense") is None and site_of("WO-x-abc") is None


def test_wo9_only_escalated_orders_can_be_judged_unreasonable() -> None:
    issued().refuses(wo.JudgeUnreasonable(W, "bad"), "WO-9", actor="lead", at=NOW)
    line = {"eng-12": "sup-3"}
    escalated = issued().record(
        wo.RecordEscalation(W, "sup-3", "welder", line), actor="eng-12", at=NOW
    )
    _, penalty, _entry = escalated.when(wo.JudgeUnreasonable(W, "bad"), actor="lead", at=NOW)
    assert penalty.model_dump()["person"] == "disp-07"
    assert penalty.model_dump()["amount_fen"] == 3000


def test_wo10_fault_history_finds_the_latest_order_within_the_window() -> None:
    def entry(wo_id: str, at: datetime, serial: int) -> FaultOrderRecorded:
        return FaultOrderRecorded(
            work_order_id=wo_id,
            serial_no=serial,
            fault_code="f",
            asset_id=None,
            location="l",
            issued_at=at,
        )

    history = given(fault_history.FAULT_HISTORY, entry("WO-1", NOW - timedelta(days=40), 1), at=NOW)
    history.given(entry("WO-2", NOW, 2), at=NOW)
    window = DispatchRules().repeat_window
    state = history.state
    assert fault_history.previous_within(state, NOW + timedelta(days=30), window) == "WO-2"
    assert fault_history.previous_within(state, NOW + timedelta(days=31), window) is None
    empty = fault_history.FAULT_HISTORY.initial
    assert fault_history.previous_within(empty, NOW, window) is None
    assert fault_history.fault_key(None, " Block  3 ", "F") == fault_history.fault_key(
        "", "block 3", "f"
    )
    assert fault_history.fault_key("A-1", "x", "f") != fault_history.fault_key(None, "x", "f")


def test_diagnostic_ping_is_recorded_once() -> None:
    ping = DiagnosticPingReceived(
        ping_id="p-1", message="copy?", sent_event_id="e-1", sent_at=NOW - timedelta(seconds=2)
    )
    receipt = given(diagnostics.PING_RECEIPT, at=NOW)
    command = diagnostics.RecordPingReceipt("site-a", ping)
    assert receipt.when(command, at=NOW) == [ping]
    receipt.given(ping, at=NOW)
    assert receipt.when(command, at=NOW) == []  # a re-sent ping changes nothing
    assert receipt.state == diagnostics.ReceiptState(ping, "site-a", NOW)
    other = ping.model_copy(update={"message": "again"})
    assert receipt.given(other, at=NOW + timedelta(seconds=1)).state.ping == ping
    assert diagnostics.PING_RECEIPT.stream_id(command) == "ping-receipt-p-1"


def test_cc4_a_request_is_received_once_and_closed_by_one_order() -> None:
    received = WorkOrderRequestReceived(
        ticket_id="T-1",
        kind="repair",
        location="Block 3",
        content="Leak",
        requirements="Fix",
        reply_by=NOW + timedelta(days=1),
        requested_event_id="e-1",
    )
    request = given(requests.REQUEST, at=NOW)
    receive = requests.ReceiveRequest("site-a", received)
    assert request.when(receive, at=NOW) == [received]
    request.given(received, at=NOW)
    assert request.when(receive, at=NOW) == []
    assert request.state == requests.RequestState(received, "site-a", NOW, None)
    with pytest.raises(DomainError) as elsewhere:
        requests.check_open(request.state, "T-1", "site-b")
    assert (elsewhere.value.code, elsewhere.value.field) == ("CC-4", "ticket_id")
    (closed,) = request.when(requests.CloseRequest("T-1", W, 1), at=NOW)
    assert closed.model_dump() == {"ticket_id": "T-1", "work_order_id": W, "serial_no": 1}
    request.given(closed, at=NOW)
    assert request.state.closed_by == W
    again = request.refuses(requests.CloseRequest("T-1", "WO-x", 2), "CC-4", at=NOW)
    assert W in again.message
    with pytest.raises(DomainError, match="no work-order request"):
        requests.check_open(requests.RequestState(), "T-9", "site-a")
    assert requests.REQUEST.stream_id(receive) == "work-order-request-T-1"
