"""Issue #10, dispatch: WO-4, WO-5 (rev.), WO-7 (rev.) and WO-10 to the letter of RULES.md.

Each test is named after the rule it pins and was seen failing on the code before the fix.
"""

from datetime import UTC, datetime, timedelta

from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order import commands as wo
from dispatch.domain.work_order.state import WorkOrderState
from opsledger.testing import Scenario, given
from opsledger_contracts.events.dispatch import (
    PenaltyRecorded,
    WorkOrderCompleted,
    WorkOrderOverdue,
    WorkOrderReassigned,
)

from tests.dispatch.conftest import Dispatch

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
    scenario.then(wo.NumberedIssue(issue(), W, 1), actor="disp-07", at=NOW)
    return scenario.then(wo.AcceptWorkOrder(W), actor="eng-12", at=NOW)


# -- WO-5 (rev.) --------------------------------------------------------------------------


def test_wo5_completion_after_deadline_without_report_is_overdue_and_fined() -> None:
    late = REPLY_BY + timedelta(hours=1)
    scenario = accepted()
    decided = scenario.when(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=late)
    assert [type(e) for e in decided] == [WorkOrderOverdue, PenaltyRecorded, WorkOrderCompleted]
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
    scenario = accepted().then(
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
    assert [type(e) for e in late] == [WorkOrderOverdue, PenaltyRecorded, WorkOrderCompleted]
    assert late[0].model_dump()["reply_by"] == expected


def test_wo5_a_missed_deadline_is_fined_to_whoever_held_the_order_then() -> None:
    late = REPLY_BY + timedelta(minutes=5)
    decided = accepted().when(
        wo.ReassignWorkOrder(W, "eng-15", "engineer", "eng-12 is off sick"),
        actor="disp-07",
        at=late,
    )
    assert [type(e) for e in decided] == [WorkOrderOverdue, PenaltyRecorded, WorkOrderReassigned]
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
    assert done.json()["overdue"] is True and done.json()["penalties_fen"] == 3000
    await dispatch.service.timers.fire_due()  # the timer runs late: no second fine
    stream = await dispatch.stream(f"work-order-{wo_id}")
    types = [e.event_type for e in stream]
    assert types == [
        "WorkOrderIssued",
        "WorkOrderAccepted",
        "WorkOrderOverdue",
        "PenaltyRecorded",
        "WorkOrderCompleted",
    ]
    assert stream[3].actor == "eng-12" and stream[3].payload["month"] == "2026-11"
