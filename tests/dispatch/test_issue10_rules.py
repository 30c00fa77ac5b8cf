"""Issue #10, dispatch: WO-4, WO-5 (rev.), WO-7 (rev.) and WO-10 to the letter of RULES.md.

Each test is named after the rule it pins and was seen failing on the code before the fix.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from dispatch.domain import fault_history, review_calendar, reviews
from dispatch.domain.private_events import WorkOrderRequestReceived
from dispatch.domain.reporting_line import REPORTING_LINE, SetReportingLine
from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order import commands as wo
from dispatch.domain.work_order.checks import open_at, require_fault_code_of_repairs
from dispatch.domain.work_order.state import WorkOrderState
from opsledger.decider import Schedule
from opsledger.errors import DomainError
from opsledger.testing import Scenario, given, site_calendar
from opsledger_contracts.events.dispatch import (
    DispatchLedgerEntryRecorded,
    EndOfDayReviewMissed,
    PenaltyRecorded,
    WorkOrderCompleted,
    WorkOrderOverdue,
    WorkOrderReassigned,
)

from tests.dispatch.conftest import SITE, Dispatch
from tests.dispatch.test_work_orders_http import error

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)  # Monday 09:00 Asia/Shanghai
REPLY_BY = NOW + timedelta(hours=4)
W = "WO-site-a-000001"


def issue(**overrides: object) -> wo.IssueWorkOrder:
    fields: dict[str, object] = {
        "site_id": "site-a",
        "location": "Block 3",
        "content": "Leak",
        "requirements": "Fix it",
        "reply_by": REPLY_BY,
        "assignee": "eng-12",
        "assignee_role": "engineer",
    }
    fields.update(overrides)
    return wo.IssueWorkOrder(**fields)  # type: ignore[arg-type]


def accepted() -> Scenario[WorkOrderState, wo.Command]:
    scenario = given(WORK_ORDER, at=NOW)
    scenario.record(wo.NumberedIssue(issue(), W, 1), actor="disp-07", at=NOW)
    return scenario.record(wo.AcceptWorkOrder(W), actor="eng-12", at=NOW)


# -- WO-5 (rev.) --------------------------------------------------------------------------


def test_wo5_completion_after_deadline_without_report_is_overdue_and_fined() -> None:
    late = REPLY_BY + timedelta(hours=1)
    scenario = accepted()
    decided = scenario.when(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=late)
    assert [type(e) for e in decided] == [
        WorkOrderOverdue,
        PenaltyRecorded,
        DispatchLedgerEntryRecorded,
        WorkOrderCompleted,
    ]
    overdue, penalty = decided[0].model_dump(), decided[1].model_dump()
    assert overdue["reply_by"] == REPLY_BY and overdue["assignee"] == "eng-12"
    assert (penalty["person"], penalty["amount_fen"], penalty["rule"]) == ("eng-12", 3000, "WO-5")
    assert penalty["month"] == "2026-11"
    # The timer, firing later, does not fine twice.
    scenario.given(*decided, at=late, actor="eng-12")
    assert scenario.when(wo.MarkOverdue(W, REPLY_BY), actor="system", at=late) == []
    assert scenario.state.overdue and scenario.state.penalties_fen == 3000


def test_wo5_completion_before_the_deadline_is_not_fined() -> None:
    decided = accepted().when(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=NOW)
    assert [type(e) for e in decided] == [WorkOrderCompleted]


def test_wo5_progress_report_without_a_new_expected_time_is_refused() -> None:
    refused = accepted().refuses(
        wo.ReportProgress(W, "half done"), "WO-5", actor="eng-12", at=NOW + timedelta(hours=1)
    )
    assert refused.field == "expected_by"


def test_wo5_expected_time_becomes_the_next_deadline_under_the_same_rule() -> None:
    expected = REPLY_BY + timedelta(days=1)
    scenario = accepted().record(
        wo.ReportProgress(W, "part ordered", expected), actor="eng-12", at=NOW
    )
    # Between the old reply-by and the new expected time: on time.
    on_time = scenario.when(
        wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=REPLY_BY + timedelta(hours=1)
    )
    assert [type(e) for e in on_time] == [WorkOrderCompleted]
    # After the expected time, without another report: overdue against that time.
    late = scenario.when(
        wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=expected + timedelta(minutes=1)
    )
    assert [type(e) for e in late] == [
        WorkOrderOverdue,
        PenaltyRecorded,
        DispatchLedgerEntryRecorded,
        WorkOrderCompleted,
    ]
    assert late[0].model_dump()["reply_by"] == expected


def test_wo5_a_missed_deadline_is_fined_to_whoever_held_the_order_then() -> None:
    late = REPLY_BY + timedelta(minutes=5)
    decided = accepted().when(
        wo.ReassignWorkOrder(W, "eng-15", "engineer", "eng-12 is off sick"),
        actor="disp-07",
        at=late,
    )
    assert [type(e) for e in decided] == [
        WorkOrderOverdue,
        PenaltyRecorded,
        DispatchLedgerEntryRecorded,
        WorkOrderReassigned,
    ]
    assert decided[1].model_dump()["person"] == "eng-12"


async def test_wo5_late_completion_is_fined_once_whether_or_not_the_timer_ran(
    dispatch: Dispatch,
) -> None:
    order = await dispatch.issue()  # reply-by START + 4 h
    wo_id = order["work_order_id"]
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    dispatch.clock.advance(timedelta(hours=6))  # the scheduler was down: no timer ran
    done = await dispatch.post(
        wo_id, "complete", dispatch.assignee(), {"process": "p", "result": "r"}
    )
    assert done.status_code == 200, done.text
    # The assignee is not a penalty reader (issue 17): the fine shows to the dispatcher.
    assert done.json()["overdue"] is True and "penalties_fen" not in done.json()
    seen = await dispatch.client.get(f"/work-orders/{wo_id}", headers=dispatch.dispatcher())
    assert seen.json()["penalties_fen"] == 3000
    await dispatch.service.timers.fire_due()  # the timer runs late: no second fine
    stream = await dispatch.stream(f"work-order-{wo_id}")
    types = [e.event_type for e in stream]
    assert types == [
        "WorkOrderIssued",
        "WorkOrderAccepted",
        "WorkOrderOverdue",
        "PenaltyRecorded",
        "DispatchLedgerEntryRecorded",
        "WorkOrderCompleted",
    ]
    assert stream[3].actor == "eng-12" and stream[3].payload["month"] == "2026-11"


# -- WO-4 ---------------------------------------------------------------------------------

LINE = {"eng-12": "sup-3", "sup-3": "mgr-1"}


def issued_only() -> Scenario[WorkOrderState, wo.Command]:
    scenario = given(WORK_ORDER, at=NOW)
    return scenario.record(wo.NumberedIssue(issue(), W, 1), actor="disp-07", at=NOW)


def test_wo4_escalation_goes_only_to_the_assignees_superior() -> None:
    for elsewhere in ("disp-07", "sup-9", "mgr-1"):
        refused = issued_only().refuses(
            wo.RecordEscalation(W, elsewhere, "needs a welder", LINE),
            "WO-4",
            actor="eng-12",
            at=NOW,
        )
        assert refused.field == "escalated_to" and "sup-3" in refused.message
    (escalated,) = issued_only().when(
        wo.RecordEscalation(W, None, "needs a welder", LINE), actor="eng-12", at=NOW
    )
    assert escalated.model_dump()["escalated_to"] == "sup-3"
    # The superior may escalate further up their own line.
    up = issued_only().record(
        wo.RecordEscalation(W, "sup-3", "welder", LINE), actor="eng-12", at=NOW
    )
    (again,) = up.when(wo.RecordEscalation(W, None, "no welder", LINE), actor="sup-3", at=NOW)
    assert again.model_dump()["escalated_to"] == "mgr-1"


def test_wo4_escalation_to_the_issuing_dispatcher_is_refused_even_as_superior() -> None:
    refused = issued_only().refuses(
        wo.RecordEscalation(W, None, "not mine", {"eng-12": "disp-07"}),
        "WO-4",
        actor="eng-12",
        at=NOW,
    )
    assert "disp-07" in refused.message


def test_wo4_without_a_recorded_superior_there_is_no_escalation() -> None:
    refused = issued_only().refuses(
        wo.RecordEscalation(W, "sup-3", "why", {}), "WO-4", actor="eng-12", at=NOW
    )
    assert "reporting line" in refused.message


def test_wo4_an_accepted_order_is_not_escalated() -> None:
    refused = accepted().refuses(
        wo.RecordEscalation(W, "sup-3", "changed my mind", LINE), "WO-4", actor="eng-12", at=NOW
    )
    assert "accepted" in refused.message


def test_wo4_reporting_line_refuses_self_cycles_and_blanks() -> None:
    line = given(REPORTING_LINE, at=NOW)
    line.record(SetReportingLine("site-a", "eng-12", "sup-3"), actor="lead-01", at=NOW)
    line.record(SetReportingLine("site-a", "sup-3", "mgr-1"), actor="lead-01", at=NOW)
    assert line.state.superiors == {"eng-12": "sup-3", "sup-3": "mgr-1"}
    for staff, superior in (("eng-12", "eng-12"), ("mgr-1", "eng-12"), (" ", "x"), ("x", " ")):
        line.refuses(SetReportingLine("site-a", staff, superior), "WO-4", actor="l", at=NOW)
    assert line.when(SetReportingLine("site-a", "eng-12", "sup-3"), actor="l", at=NOW) == []
    line.record(SetReportingLine("site-a", "eng-12", None), actor="lead-01", at=NOW)
    assert line.state.superiors == {"sup-3": "mgr-1"}


async def test_wo4_reporting_line_by_a_dispatch_lead_governs_escalation_over_http(
    dispatch: Dispatch,
) -> None:
    line = {"site_id": SITE, "staff_id": "eng-12", "superior": "sup-3"}
    by_engineer = await dispatch.client.post(
        "/reporting-lines", json=line, headers=dispatch.assignee()
    )
    assert by_engineer.status_code == 403
    recorded = await dispatch.client.post("/reporting-lines", json=line, headers=dispatch.lead())
    assert recorded.status_code == 200, recorded.text
    read = await dispatch.client.get(
        "/reporting-lines", params={"site_id": SITE}, headers=dispatch.dispatcher()
    )
    assert read.json() == [{"staff_id": "eng-12", "superior": "sup-3"}]
    (entry,) = await dispatch.stream(f"reporting-line-{SITE}")
    assert entry.actor == "lead-01"  # auditable: who set whose superior, when

    wo_id = (await dispatch.issue())["work_order_id"]
    body = {"escalated_to": "disp-07", "reason": "Not my job"}
    handed_back = await dispatch.post(wo_id, "escalate", dispatch.assignee(), body)
    assert handed_back.status_code == 422 and error(handed_back)["code"] == "WO-4"
    escalated = await dispatch.post(wo_id, "escalate", dispatch.assignee(), {"reason": "Welder"})
    assert escalated.status_code == 200, escalated.text
    assert (escalated.json()["assignee"], escalated.json()["status"]) == ("sup-3", "escalated")


# -- WO-10 --------------------------------------------------------------------------------


async def test_wo10_a_repair_without_a_fault_code_is_refused(dispatch: Dispatch) -> None:
    refused = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(repair_class="urgent"),
        headers=dispatch.dispatcher(),
    )
    assert refused.status_code == 422, refused.text
    assert error(refused)["code"] == "WO-10" and error(refused)["field"] == "fault_code"
    assert await dispatch.all_events() == []  # no serial taken
    repair = await dispatch.issue(repair_class="minor", fault_code="plumbing.leak")
    assert repair["repair_class"] == "minor"
    not_a_repair = await dispatch.issue()  # e.g. moving furniture: no fault, no check
    assert not_a_repair["repair_class"] is None


async def test_wo10_an_order_for_a_ticket_takes_the_requests_fault_code(
    dispatch: Dispatch,
) -> None:
    fault = {"asset_id": "B3-1202-sink", "fault_code": "plumbing.leak"}
    await dispatch.request("T-site-a-000001", **fault)
    await dispatch.request("T-site-a-000002", **fault)
    first = await dispatch.issue(ticket_id="T-site-a-000001")  # no code given by dispatch
    assert (first["asset_id"], first["fault_code"]) == ("B3-1202-sink", "plumbing.leak")
    again = await dispatch.issue(ticket_id="T-site-a-000002")
    assert again["repeat_of"] == first["work_order_id"]


async def test_wo10_repeat_window_is_the_sites_setting_end_to_end(
    dispatch_with_sites: Dispatch,
) -> None:
    d = dispatch_with_sites  # site-b: 14 days; site-a: the default 30
    fault = {"asset_id": "B3-1202-sink", "fault_code": "plumbing.leak"}
    a1 = await d.issue(**fault)
    b1 = await d.issue(site_id="site-b", **fault)
    d.clock.advance(timedelta(days=14))
    b2 = await d.issue(site_id="site-b", **fault)
    assert b2["repeat_of"] == b1["work_order_id"]  # 14 days: inside site-b's window
    d.clock.advance(timedelta(days=14, seconds=1))
    b3 = await d.issue(site_id="site-b", **fault)
    assert b3["repeat_of"] is None  # 14 days and a second after b2: outside it
    a2 = await d.issue(**fault)
    assert a2["repeat_of"] == a1["work_order_id"]  # 28 days: inside site-a's 30
    (flag,) = [
        e.payload
        for e in await d.stream(f"work-order-{b2['work_order_id']}")
        if e.event_type == "RepeatRepairFlagged"
    ]
    assert flag["window_days"] == 14


# -- WO-7 (rev.) --------------------------------------------------------------------------

# Site-local end of day 18:00 Asia/Shanghai = 10:00 UTC; the review is due at 09:50 UTC.


def at_utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


async def run_timers(dispatch: Dispatch, until: datetime) -> None:
    """Step the clock to `until` a minute at a time around the review times, firing every
    timer as it falls due (chains included), as the scheduler would."""
    while dispatch.clock.now() < until:
        dispatch.clock.set(min(until, dispatch.clock.now() + timedelta(minutes=10)))
        while await dispatch.service.timers.fire_due():
            pass


async def review_events(dispatch: Dispatch, day: str) -> list[str]:
    return [e.event_type for e in await dispatch.stream(f"end-of-day-review-{SITE}-{day}")]


async def test_wo7_review_is_due_every_working_day_while_orders_are_open(
    dispatch: Dispatch,
) -> None:
    dispatch.clock.set(at_utc(27, 1))  # Friday 09:00 local
    await dispatch.issue(reply_by=at_utc(30, 9).isoformat())
    await run_timers(dispatch, at_utc(30, 11))  # through the weekend to Monday evening
    assert "EndOfDayReviewDue" in await review_events(dispatch, "2026-11-27")
    assert await review_events(dispatch, "2026-11-28") == []  # Saturday
    assert await review_events(dispatch, "2026-11-29") == []  # Sunday
    assert "EndOfDayReviewDue" in await review_events(dispatch, "2026-11-30")  # no issue that day


async def test_wo7_no_review_is_due_once_no_order_is_open(dispatch: Dispatch) -> None:
    wo_id = (await dispatch.issue(reply_by=at_utc(25, 9).isoformat()))["work_order_id"]
    await run_timers(dispatch, at_utc(24, 2))  # Tuesday 10:00 local
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    await dispatch.post(wo_id, "complete", dispatch.assignee(), {"process": "p", "result": "r"})
    await run_timers(dispatch, at_utc(26, 11))
    assert "EndOfDayReviewDue" in await review_events(dispatch, "2026-11-23")
    assert await review_events(dispatch, "2026-11-24") == []
    assert await review_events(dispatch, "2026-11-25") == []


async def test_wo7_a_review_not_recorded_by_end_of_day_is_missed(dispatch: Dispatch) -> None:
    open_one = (await dispatch.issue(reply_by=at_utc(26, 9).isoformat()))["work_order_id"]
    await run_timers(dispatch, at_utc(23, 10, 1))
    assert await review_events(dispatch, "2026-11-23") == [
        "EndOfDayReviewDue",
        "EndOfDayReviewMissed",
    ]
    (missed,) = [
        e
        for e in await dispatch.stream(f"end-of-day-review-{SITE}-2026-11-23")
        if e.event_type == "EndOfDayReviewMissed"
    ]
    assert missed.payload["end_of_day"] == "2026-11-23T10:00:00Z"
    assert missed.actor == "system:dispatch.review"
    await run_timers(dispatch, at_utc(24, 9, 55))
    await dispatch.service.read_models.catch_up()
    body = {"site_id": SITE, "date": "2026-11-24", "reasons": {open_one: "Parts on order"}}
    ok = await dispatch.client.post("/end-of-day-reviews", json=body, headers=dispatch.dispatcher())
    assert ok.status_code == 201, ok.text
    await run_timers(dispatch, at_utc(24, 11))
    assert "EndOfDayReviewMissed" not in await review_events(dispatch, "2026-11-24")


async def test_wo7_unfinished_means_open_at_that_days_end(dispatch: Dispatch) -> None:
    done_that_day = (await dispatch.issue())["work_order_id"]
    done_next_day = (await dispatch.issue())["work_order_id"]
    for wo_id in (done_that_day, done_next_day):
        await dispatch.post(wo_id, "accept", dispatch.assignee())
    await dispatch.post(
        done_that_day, "complete", dispatch.assignee(), {"process": "p", "result": "r"}
    )
    dispatch.clock.set(at_utc(24, 2))  # Tuesday 10:00 local
    await dispatch.post(
        done_next_day, "complete", dispatch.assignee(), {"process": "p", "result": "r"}
    )
    issued_next_day = (await dispatch.issue())["work_order_id"]
    await dispatch.service.read_models.catch_up()
    body = {"site_id": SITE, "date": "2026-11-23", "reasons": {}}
    refused = await dispatch.client.post(
        "/end-of-day-reviews", json=body, headers=dispatch.dispatcher()
    )
    assert refused.status_code == 422 and error(refused)["code"] == "WO-7"
    message = error(refused)["message"]
    assert done_next_day in message  # open at Monday's end, finished since
    assert done_that_day not in message and issued_next_day not in message


# -- pure tests of the new domain helpers (fast; they carry the mutation score) ------------


def test_wo7_review_days_skip_weekends_and_holidays_and_honour_make_up_days() -> None:
    site = site_calendar()
    assert review_calendar.next_review_day(site, date(2026, 11, 27)) == date(2026, 11, 30)
    assert review_calendar.next_review_day(site, date(2026, 11, 23)) == date(2026, 11, 24)
    # National Day 2026: 10-01..10-07 off; Saturday 10-10 is an official make-up working day.
    assert review_calendar.next_review_day(site, date(2026, 9, 30)) == date(2026, 10, 8)
    assert review_calendar.next_review_day(site, date(2026, 10, 9)) == date(2026, 10, 10)
    assert review_calendar.reminder_at(site, date(2026, 11, 23)) == at_utc(23, 9, 50)
    assert review_calendar.end_of_day(site, date(2026, 11, 23)) == at_utc(23, 10)
    assert review_calendar.first_review_day(site, at_utc(23, 9, 49)) == date(2026, 11, 23)
    assert review_calendar.first_review_day(site, at_utc(23, 9, 50)) == date(2026, 11, 24)
    assert review_calendar.first_review_day(site, at_utc(28, 3)) == date(2026, 11, 30)


def test_wo7_review_timers_are_one_per_site_and_day() -> None:
    reminder, missed = review_calendar.review_timers(
        "site-a", date(2026, 11, 23), at_utc(23, 9, 50), at_utc(23, 10)
    )
    stream = "end-of-day-review-site-a-2026-11-23"
    assert (reminder.timer_id, reminder.kind, reminder.due_at, reminder.stream_id) == (
        "end-of-day-review-site-a-2026-11-23",
        "work_order_end_of_day_review_due",
        at_utc(23, 9, 50),
        stream,
    )
    assert (missed.timer_id, missed.kind, missed.due_at, missed.stream_id) == (
        "end-of-day-review-missed-site-a-2026-11-23",
        "work_order_end_of_day_review_missed",
        at_utc(23, 10),
        stream,
    )
    payload = {"local_date": "2026-11-23", "end_of_day": "2026-11-23T10:00:00+00:00"}
    assert reminder.payload == missed.payload == payload
    roll = review_calendar.roll_call_timer(W, date(2026, 11, 24), at_utc(24, 9, 50))
    assert (roll.timer_id, roll.kind, roll.stream_id) == (
        f"work-order-review-{W}-2026-11-24",
        "work_order_review_roll_call",
        None,
    )
    assert roll.payload == {"work_order_id": W, "local_date": "2026-11-24"}
    restart = review_calendar.roll_call_timer(W, None, at_utc(24, 3))
    assert restart.payload == {"work_order_id": W, "local_date": None}
    assert restart.timer_id != roll.timer_id


def test_wo7_an_open_order_answers_the_roll_call_and_a_closed_one_leaves_it() -> None:
    monday = date(2026, 11, 23)
    scenario = accepted()
    (roll,) = scenario.when(wo.CallReviewRoll(W, monday), actor="system", at=at_utc(23, 9, 50))
    assert roll.model_dump() == {
        "local_date": monday,
        "reminder_at": at_utc(23, 9, 50),
        "end_of_day": at_utc(23, 10),
        "next_local_date": date(2026, 11, 24),
        "next_reminder_at": at_utc(24, 9, 50),
    }
    scenario.given(roll, at=at_utc(23, 9, 50), actor="system:dispatch.review")
    reactions = scenario.aggregate.reactions(scenario.state, scenario.history[-1:])
    assert {r.timer_id for r in reactions} == {
        "end-of-day-review-site-a-2026-11-23",
        "end-of-day-review-missed-site-a-2026-11-23",
        f"work-order-review-{W}-2026-11-24",
    }
    # Completed on Tuesday morning: open at Monday's review time still (fired late), not
    # at Tuesday's.
    scenario.record(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=at_utc(24, 2))
    late = scenario.when(wo.CallReviewRoll(W, monday), actor="system", at=at_utc(24, 3))
    assert len(late) == 1
    tuesday = date(2026, 11, 24)
    assert scenario.when(wo.CallReviewRoll(W, tuesday), actor="system", at=at_utc(24, 10)) == []
    assert scenario.when(wo.CallReviewRoll(W, None), actor="system", at=at_utc(24, 10)) == []


def test_wo7_a_reopened_order_rejoins_the_roll_call() -> None:
    scenario = accepted().record(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=NOW)
    scenario.record(wo.SignOffWorkOrder(W, "Ms Wang"), actor="eng-12", at=NOW)
    scenario.record(wo.RecordCallback(W, False, "still leaks"), actor="disp-07", at=NOW)
    (restart,) = scenario.reactions()[-1:]
    assert isinstance(restart, Schedule)
    assert restart.kind == "work_order_review_roll_call" and restart.due_at == NOW
    (planned,) = scenario.when(wo.CallReviewRoll(W, None), actor="system", at=NOW)
    assert planned.model_dump() == {
        "local_date": date(2026, 11, 23),
        "reminder_at": at_utc(23, 9, 50),
    }
    scenario.given(planned, at=NOW)
    (roll,) = scenario.aggregate.reactions(scenario.state, scenario.history[-1:])
    assert isinstance(roll, Schedule)
    assert roll.timer_id == f"work-order-review-{W}-2026-11-23" and roll.due_at == at_utc(23, 9, 50)


def test_wo7_open_at_is_judged_from_the_facts() -> None:
    issued_state = issued_only().state
    assert not open_at(issued_state, NOW - timedelta(seconds=1))
    assert open_at(issued_state, NOW)
    done = accepted().record(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=at_utc(23, 5))
    assert open_at(done.state, at_utc(23, 4, 59))
    assert not open_at(done.state, at_utc(23, 5))
    assert not open_at(WorkOrderState(), NOW)


def test_wo7_the_missed_review_is_recorded_once_and_only_without_a_review() -> None:
    day, end = date(2026, 11, 23), at_utc(23, 10)
    review = given(reviews.END_OF_DAY_REVIEW, at=NOW)
    missed = reviews.RecordReviewMissed("site-a", day, end)
    (event,) = review.when(missed, actor="system", at=end)
    assert isinstance(event, EndOfDayReviewMissed)
    assert event.model_dump() == {"local_date": day, "end_of_day": end}
    review.given(event, at=end)
    assert review.when(missed, actor="system", at=end) == []
    reviewed = given(reviews.END_OF_DAY_REVIEW, at=NOW)
    reviewed.record(reviews.RecordReview("site-a", day, {}), actor="disp-07", at=at_utc(23, 9))
    assert reviewed.when(missed, actor="system", at=end) == []
    (due,) = given(reviews.END_OF_DAY_REVIEW, at=NOW).when(
        reviews.RecordReviewDue("site-a", day, end), actor="system", at=end
    )
    assert due.model_dump() == {"local_date": day, "end_of_day": end}


def test_wo10_repair_class_and_fault_code_checks() -> None:
    require_fault_code_of_repairs(issue())  # unclassed: not checked
    require_fault_code_of_repairs(issue(repair_class="minor", fault_code="f"))
    for blank_code in (None, "  "):
        with pytest.raises(DomainError) as refused:
            require_fault_code_of_repairs(issue(repair_class="urgent", fault_code=blank_code))
        assert (refused.value.code, refused.value.field) == ("WO-10", "fault_code")
    with pytest.raises(DomainError) as wrong:
        require_fault_code_of_repairs(issue(repair_class="cosmetic", fault_code="f"))
    assert (wrong.value.code, wrong.value.field) == ("CC-6", "repair_class")


def test_wo10_an_order_takes_the_requests_fault_only_where_it_gives_none() -> None:
    request = WorkOrderRequestReceived(
        ticket_id="T-1",
        kind="repair",
        location="Block 3",
        content="Leak",
        requirements="Fix",
        reply_by=REPLY_BY,
        asset_id="A-1",
        fault_code="plumbing.leak",
        requested_event_id="e-1",
    )
    taken = fault_history.with_requested_fault(issue(), request)
    assert (taken.asset_id, taken.fault_code) == ("A-1", "plumbing.leak")
    own = fault_history.with_requested_fault(issue(asset_id="A-2", fault_code="f"), request)
    assert (own.asset_id, own.fault_code) == ("A-2", "f")
    assert fault_history.with_requested_fault(issue(), None) == issue()


def test_wo4_reporting_line_chain_and_removal_of_an_unknown_line() -> None:
    line = given(REPORTING_LINE, at=NOW)
    assert line.when(SetReportingLine("site-a", "eng-12", None), actor="l", at=NOW) == []
    line.record(SetReportingLine("site-a", " eng-12 ", " sup-3 "), actor="lead-01", at=NOW)
    line.record(SetReportingLine("site-a", "sup-3", "mgr-1"), actor="lead-01", at=NOW)
    assert line.state.chain_above("eng-12") == ["sup-3", "mgr-1"]
    assert line.state.chain_above("mgr-1") == []
    assert line.state.site_id == "site-a"
    refused = line.refuses(SetReportingLine("site-a", "mgr-1", "eng-12"), "WO-4", actor="l", at=NOW)
    assert refused.field == "superior" and "cycles" in refused.message
    own = line.refuses(SetReportingLine("site-a", "x", "x"), "WO-4", actor="l", at=NOW)
    assert own.field == "superior"
    blank_staff = line.refuses(SetReportingLine("site-a", " ", "x"), "WO-4", actor="l", at=NOW)
    assert blank_staff.field == "staff_id"
    assert REPORTING_LINE.stream_id(SetReportingLine("site-b", "a", "b")) == "reporting-line-site-b"


def test_wo4_escalation_needs_a_reason_the_assignee_and_an_open_order() -> None:
    no_reason = issued_only().refuses(
        wo.RecordEscalation(W, None, " ", LINE), "WO-4", actor="eng-12", at=NOW
    )
    assert no_reason.field == "reason"
    stranger = issued_only().refuses(
        wo.RecordEscalation(W, None, "r", LINE), "WO-4", actor="eng-99", at=NOW
    )
    assert stranger.status == 403
    done = accepted().record(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=NOW)
    done.refuses(wo.RecordEscalation(W, None, "r", LINE), "WO-4", actor="eng-12", at=NOW)
    (escalated,) = issued_only().when(
        wo.RecordEscalation(W, " sup-3 ", " welder ", LINE), actor="eng-12", at=NOW
    )
    assert escalated.model_dump() == {
        "work_order_id": W,
        "serial_no": 1,
        "ticket_id": None,
        "escalated_by": "eng-12",
        "escalated_to": "sup-3",
        "reason": "welder",
    }
