"""Exact outcomes of dispatch's pure domain: issuing, the state each event leaves, timer
commands and the fault history (fast tests; they carry the mutation score)."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from dispatch.domain import fault_history, reviews
from dispatch.domain.private_events import FaultOrderRecorded
from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order import commands as wo
from dispatch.domain.work_order.decide import validate_issue
from dispatch.domain.work_order.state import Penalty, WorkOrderState
from opsledger.decider import DueTimer, Schedule
from opsledger.errors import DomainError
from opsledger.testing import given, site_calendar

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
REPLY_BY = NOW + timedelta(hours=4)
W = "WO-site-a-000001"
LINE = {"eng-12": "sup-3"}


def command(**overrides: object) -> wo.IssueWorkOrder:
    fields: dict[str, object] = {
        "site_id": "site-a",
        "location": " Block 3 ",
        "content": " Leak ",
        "requirements": " Fix it ",
        "reply_by": REPLY_BY,
        "assignee": " eng-12 ",
        "assignee_role": "engineer",
    }
    fields.update(overrides)
    return wo.IssueWorkOrder(**fields)  # type: ignore[arg-type]


ISSUED_STATE = WorkOrderState(
    exists=True,
    work_order_id=W,
    serial_no=1,
    ticket_id="T-1",
    site_id="site-a",
    issuer="disp-07",
    assignee="eng-12",
    assignee_role="engineer",
    location="Block 3",
    content="Leak",
    requirements="Fix it",
    reply_by=REPLY_BY,
    asset_id="A-1",
    fault_code="f",
    repair_class="urgent",
    issued_at=NOW,
    status="issued",
    deadline=REPLY_BY,
    updated_at=NOW,
)


def issued(**overrides: object):  # type: ignore[no-untyped-def]
    numbered = wo.NumberedIssue(command(**overrides), W, 1)
    return given(WORK_ORDER, at=NOW).record(numbered, actor="disp-07", at=NOW)


def test_wo1_wo10_issuing_records_the_trimmed_order_and_the_repeat() -> None:
    numbered = wo.NumberedIssue(
        command(ticket_id="T-1", asset_id="A-1", fault_code="f", repair_class="urgent"),
        W,
        1,
        previous_work_order_id="WO-site-a-000000",
    )
    site = site_calendar("site-a", {"rules": {"dispatch": {"repeat_repair_window_days": 14}}})
    scenario = given(WORK_ORDER, at=NOW, site=site)
    issued_event, flag = scenario.when(numbered, actor="disp-07", at=NOW)
    assert issued_event.model_dump() == {
        "work_order_id": W,
        "serial_no": 1,
        "ticket_id": "T-1",
        "issuer": "disp-07",
        "location": "Block 3",
        "content": "Leak",
        "requirements": "Fix it",
        "reply_by": REPLY_BY,
        "assignee": "eng-12",
        "assignee_role": "engineer",
        "asset_id": "A-1",
        "fault_code": "f",
        "repair_class": "urgent",
        "key_location_id": None,  # WO-12: not at a key secrecy location
        "second_assignee": None,
    }
    assert flag.model_dump() == {
        "work_order_id": W,
        "serial_no": 1,
        "ticket_id": "T-1",
        "previous_work_order_id": "WO-site-a-000000",
        "window_days": 14,
    }
    scenario.given(issued_event, flag, at=NOW, actor="disp-07")
    assert scenario.state == replace(ISSUED_STATE, repeat_of="WO-site-a-000000")
    refused = scenario.refuses(numbered, "WO-8", actor="disp-07", at=NOW)
    assert refused.message == f"work order {W} exists already"


@pytest.mark.parametrize(
    ("overrides", "rule", "field", "message"),
    [
        (
            {"location": None, "content": "", "requirements": " ", "reply_by": None},
            "WO-1",
            "location,content,requirements,reply_by",
            "a work order cannot be issued without: location, content, requirements, "
            "reply_by (missing or blank)",
        ),
        (
            {"reply_by": datetime(2026, 11, 24, 9, 0)},
            "WO-1",
            "reply_by",
            "reply_by needs a time zone (e.g. ...Z)",
        ),
        (
            {"reply_by": NOW},
            "WO-1",
            "reply_by",
            f"reply_by {NOW.isoformat()} is not in the future",
        ),
        (
            {"assignee": " ", "assignee_role": None},
            "WO-2",
            "assignee,assignee_role",
            "a work order names its assignee: missing or blank: assignee, assignee_role",
        ),
        (
            {"assignee_role": "driver"},
            "WO-2",
            "assignee_role",
            "assignee_role 'driver' may not receive work orders; one of: assignee, "
            "consultant, dept_head, engineer, maintenance_worker, property_assistant, "
            "repair_supervisor, supervisor",
        ),
        (
            {"repair_class": "minor"},
            "WO-10",
            "fault_code",
            "a repair needs its fault_code, else a repeat repair cannot be detected",
        ),
        (
            {"repair_class": "cosmetic", "fault_code": "f"},
            "CC-6",
            "repair_class",
            "repair_class is one of urgent, minor",
        ),
    ],
)
def test_issue_refusals_name_rule_field_and_reason(
    overrides: dict[str, object], rule: str, field: str, message: str
) -> None:
    with pytest.raises(DomainError) as refused:
        validate_issue(command(**overrides), NOW)
    error = refused.value
    assert (error.code, error.field, error.message) == (rule, field, message)


def test_issue_accepts_a_reply_by_a_moment_ahead() -> None:
    validate_issue(command(reply_by=NOW + timedelta(microseconds=1)), NOW)


def test_state_after_each_lifecycle_event() -> None:
    scenario = issued(ticket_id="T-1", asset_id="A-1", fault_code="f", repair_class="urgent")
    assert scenario.state == ISSUED_STATE
    at = NOW + timedelta(minutes=5)
    scenario.record(wo.RecordRefusal(W, "no"), actor="disp-07", at=at)
    state = scenario.state
    assert state.refusals_by == frozenset({"eng-12"})
    assert state.penalties == (
        Penalty(
            event_id=str(scenario.history[-2].event_id),  # [-1]: its ledger-shaped copy
            person="eng-12",
            month="2026-11",
            amount_fen=10_000,
            rule="WO-4",
            reason=f"Refused work order {W}: no",
            occurred_at=at,
        ),
    )
    assert state.penalties_fen == 10_000 and state.updated_at == at
    scenario.record(wo.RecordEscalation(W, None, "welder", LINE), actor="eng-12", at=at)
    state = scenario.state
    assert (state.status, state.assignee, state.escalated, state.escalated_by) == (
        "escalated",
        "sup-3",
        True,
        "eng-12",
    )
    assert state.accepted_at is None and state.assignee_role == "engineer"
    scenario.record(wo.AcceptWorkOrder(W), actor="sup-3", at=at)
    assert (scenario.state.status, scenario.state.accepted_at) == ("accepted", at)
    scenario.record(
        wo.ReassignWorkOrder(W, "eng-15", "repair_supervisor", "ill"), actor="disp-07", at=at
    )
    state = scenario.state
    assert (state.status, state.assignee, state.assignee_role, state.accepted_at) == (
        "issued",
        "eng-15",
        "repair_supervisor",
        None,
    )
    assert state.escalated is True
    scenario.record(wo.AcceptWorkOrder(W), actor="eng-15", at=at)
    scenario.record(wo.JudgeUnreasonable(W, "bad"), actor="lead-01", at=at)
    assert scenario.state.judged_unreasonable
    expected = REPLY_BY + timedelta(hours=1)
    scenario.record(wo.ReportProgress(W, "n", expected), actor="eng-15", at=at)
    assert (scenario.state.deadline, scenario.state.last_progress_at) == (expected, at)
    done = at + timedelta(minutes=1)
    scenario.record(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-15", at=done)
    state = scenario.state
    assert (state.status, state.completed_at, state.first_completed_at, state.completed) == (
        "completed",
        done,
        done,
        True,
    )
    assert (state.signed_off, state.called_back) == (False, False)
    scenario.record(wo.SignOffWorkOrder(W, "Ms Wang"), actor="eng-15", at=done)
    assert (scenario.state.status, scenario.state.signed_off) == ("signed_off", True)
    scenario.record(wo.RecordCallback(W, False, "leaks"), actor="disp-07", at=done)
    state = scenario.state
    assert (state.status, state.signed_off, state.called_back, state.completed_at) == (
        "accepted",
        False,
        False,
        None,
    )
    assert state.first_completed_at == done and not state.completed
    again = done + timedelta(hours=1)
    scenario.record(wo.CompleteWorkOrder(W, "p2", "r2"), actor="eng-15", at=again)
    assert (scenario.state.completed_at, scenario.state.first_completed_at) == (again, done)
    scenario.record(wo.SignOffWorkOrder(W, "Ms Wang"), actor="eng-15", at=again)
    scenario.record(wo.RecordCallback(W, True, "dry"), actor="disp-07", at=again)
    assert (scenario.state.status, scenario.state.called_back) == ("called_back", True)
    scenario.record(wo.ArchiveWorkOrder(W), actor="disp-07", at=again)
    assert (scenario.state.status, scenario.state.archived_at) == ("archived", again)
    assert scenario.state.penalties_fen == 10_000 + 3000


def test_timers_become_the_commands_of_their_kind() -> None:
    def timer(kind: str, **payload: object) -> DueTimer:
        return DueTimer("t-1", kind, "stream", "site-a", NOW, payload)

    overdue = WORK_ORDER.timers["work_order_overdue"](
        timer("work_order_overdue", work_order_id=W, deadline=REPLY_BY.isoformat())
    )
    assert overdue == wo.MarkOverdue(W, REPLY_BY)
    roll = WORK_ORDER.timers["work_order_review_roll_call"](
        timer("work_order_review_roll_call", work_order_id=W, local_date="2026-11-24")
    )
    assert roll == wo.CallReviewRoll(W, date(2026, 11, 24))
    restart = WORK_ORDER.timers["work_order_review_roll_call"](
        timer("work_order_review_roll_call", work_order_id=W, local_date=None)
    )
    assert restart == wo.CallReviewRoll(W, None)
    assert WORK_ORDER.timer_actors == {
        "work_order_overdue": "dispatch.overdue",
        "work_order_review_roll_call": "dispatch.review",
    }
    payload = {"local_date": "2026-11-23", "end_of_day": "2026-11-23T10:00:00+00:00"}
    end = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    day = date(2026, 11, 23)
    review_timers = reviews.END_OF_DAY_REVIEW.timers
    assert review_timers["work_order_end_of_day_review_due"](
        timer("work_order_end_of_day_review_due", **payload)
    ) == reviews.RecordReviewDue("site-a", day, end)
    assert review_timers["work_order_end_of_day_review_missed"](
        timer("work_order_end_of_day_review_missed", **payload)
    ) == reviews.RecordReviewMissed("site-a", day, end)
    assert reviews.END_OF_DAY_REVIEW.stream_id(reviews.RecordReviewMissed("site-b", day, end)) == (
        "end-of-day-review-site-b-2026-11-23"
    )
    assert WORK_ORDER.stream_id(wo.AcceptWorkOrder(W)) == f"work-order-{W}"


def test_wo5_issue_and_a_report_schedule_the_overdue_timer_at_the_deadline() -> None:
    scenario = issued()
    first, roll = scenario.reactions()[0], None
    assert isinstance(first, Schedule)
    assert first.timer_id == f"work-order-overdue-{W}"
    expected = REPLY_BY + timedelta(days=1)
    scenario.record(wo.AcceptWorkOrder(W), actor="eng-12", at=NOW)
    scenario.record(wo.ReportProgress(W, "n", expected), actor="eng-12", at=NOW)
    (moved,) = WORK_ORDER.reactions(scenario.state, scenario.history[-1:])
    assert isinstance(moved, Schedule)
    assert moved.payload == {"work_order_id": W, "deadline": expected.isoformat()}
    assert moved.due_at == expected and moved.kind == "work_order_overdue"
    assert roll is None


def test_wo7_review_refusals_name_the_rule() -> None:
    review = given(reviews.END_OF_DAY_REVIEW, at=NOW)
    future = review.refuses(
        reviews.RecordReview("site-a", date(2026, 11, 24), {}), "WO-7", actor="d", at=NOW
    )
    assert (future.field, future.message) == ("date", "2026-11-24 has not come yet at this site")
    unknown = review.refuses(
        reviews.RecordReview("site-a", date(2026, 11, 23), {"X": "r", "Y": "r"}, known=["Y"]),
        "WO-7",
        actor="d",
        at=NOW,
    )
    assert (unknown.field, unknown.message) == ("reasons", "not work orders of this site: X")
    missing = review.refuses(
        reviews.RecordReview("site-a", date(2026, 11, 23), {"A": " "}, ["B", "A"], ["A"]),
        "WO-7",
        actor="d",
        at=NOW,
    )
    assert (missing.field, missing.message) == (
        "reasons",
        "each unfinished work order needs a reason; missing for: A, B",
    )
    (recorded,) = review.when(
        reviews.RecordReview(
            "site-a", date(2026, 11, 23), {"B": " parts ", "A": " "}, ["B"], ["A", "B"]
        ),
        actor="disp-07",
        at=NOW,
    )
    assert recorded.model_dump() == {
        "local_date": date(2026, 11, 23),
        "reviewed_by": "disp-07",
        "reasons": {"B": "parts"},
    }
    review.given(recorded, at=NOW)
    assert review.state == reviews.ReviewState("site-a", 1, False)


def test_wo10_fault_history_entries_and_streams() -> None:
    assert fault_history.entry_of(command(), NOW) is None  # no fault code
    assert fault_history.entry_of(command(fault_code="f", location=None), NOW) is None
    entry = fault_history.entry_of(command(fault_code="f", asset_id="A-1"), NOW)
    assert entry is not None
    assert entry.entry == FaultOrderRecorded(
        work_order_id="(unnumbered)",
        serial_no=1,
        fault_code="f",
        asset_id="A-1",
        location="Block 3",
        issued_at=NOW,
    )
    key = fault_history.fault_key("A-1", "Block 3", "f")
    assert key == "asset:a-1|fault:f"
    assert fault_history.fault_key(None, " Block  3 ", "F") == "location:block 3|fault:f"
    assert fault_history.fault_key("  ", "Block 3", "f") == "location:block 3|fault:f"
    assert entry.stream == fault_history.stream_id("site-a", key)
    assert fault_history.stream_id("site-a", key).startswith("fault-history-site-a-")
    assert len(fault_history.stream_id("site-a", key)) == len("fault-history-site-a-") + 32
    numbered = entry.numbered(W, 7)
    assert (numbered.entry.work_order_id, numbered.entry.serial_no) == (W, 7)
    assert numbered.site_id == "site-a" and numbered.stream == entry.stream
    history = given(fault_history.FAULT_HISTORY, at=NOW)
    assert history.when(numbered, at=NOW) == [numbered.entry]
    history.given(numbered.entry, at=NOW)
    assert history.state.latest == numbered.entry
    window = timedelta(days=30)
    assert fault_history.previous_within(history.state, NOW + window, window) == W
    later = NOW + window + timedelta(microseconds=1)
    assert fault_history.previous_within(history.state, later, window) is None
    assert fault_history.FAULT_HISTORY.stream_id(numbered) == numbered.stream
