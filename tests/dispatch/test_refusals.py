"""Every refusal of the work-order decider, exactly: rule, field, status and message.

Pure and fast (the mutation run's test set): a refusal names the rule people look up, the
field a form highlights and the sentence a dispatcher reads, so each is pinned.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from dispatch.domain.reporting_line import REPORTING_LINE, SetReportingLine
from dispatch.domain.work_order import WORK_ORDER
from dispatch.domain.work_order import commands as wo
from dispatch.domain.work_order.state import WorkOrderState
from opsledger.testing import Scenario, given
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import (
    DispatchLedgerEntryRecorded,
    WorkOrderProgressReported,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
REPLY_BY = NOW + timedelta(hours=4)
W = "WO-site-a-000001"
LINE = {"eng-12": "sup-3"}
History = Callable[[], Scenario[WorkOrderState, wo.Command]]


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


def issued() -> Scenario[WorkOrderState, wo.Command]:
    scenario = given(WORK_ORDER, at=NOW)
    return scenario.record(wo.NumberedIssue(issue(), W, 1), actor="disp-07", at=NOW)


def accepted() -> Scenario[WorkOrderState, wo.Command]:
    return issued().record(wo.AcceptWorkOrder(W), actor="eng-12", at=NOW)


def escalated() -> Scenario[WorkOrderState, wo.Command]:
    return issued().record(wo.RecordEscalation(W, None, "welder", LINE), actor="eng-12", at=NOW)


def completed() -> Scenario[WorkOrderState, wo.Command]:
    return accepted().record(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=NOW)


def signed() -> Scenario[WorkOrderState, wo.Command]:
    return completed().record(wo.SignOffWorkOrder(W, "Ms Wang"), actor="eng-12", at=NOW)


def called_back() -> Scenario[WorkOrderState, wo.Command]:
    return signed().record(wo.RecordCallback(W, True, "ok"), actor="disp-07", at=NOW)


def archived() -> Scenario[WorkOrderState, wo.Command]:
    return called_back().record(wo.ArchiveWorkOrder(W), actor="disp-07", at=NOW)


def refused_once() -> Scenario[WorkOrderState, wo.Command]:
    return issued().record(wo.RecordRefusal(W, "no"), actor="disp-07", at=NOW)


def judged() -> Scenario[WorkOrderState, wo.Command]:
    return escalated().record(wo.JudgeUnreasonable(W, "bad"), actor="lead-01", at=NOW)


@dataclass(frozen=True)
class Case:
    history: History
    command: wo.Command
    actor: str
    rule: str
    message: str
    field: str | None = None
    status: int = 422
    at: datetime = NOW
    roles: tuple[str, ...] = ()


CASES = {
    "accept by another": Case(
        issued,
        wo.AcceptWorkOrder(W),
        "eng-13",
        "WO-3",
        f"only the assignee eng-12 may accept work order {W}",
        status=403,
    ),
    "accept twice": Case(
        accepted, wo.AcceptWorkOrder(W), "eng-12", "WO-3", f"work order {W} is accepted already"
    ),
    "accept a completed order": Case(
        completed,
        wo.AcceptWorkOrder(W),
        "eng-12",
        "WO-3",
        f"cannot accept work order {W}: it is completed",
    ),
    "escalate a completed order": Case(
        completed,
        wo.RecordEscalation(W, None, "r", LINE),
        "eng-12",
        "WO-4",
        f"cannot escalate work order {W}: it is completed",
    ),
    "escalate without a reason": Case(
        issued,
        wo.RecordEscalation(W, None, "", LINE),
        "eng-12",
        "WO-4",
        "escalation needs a reason",
        field="reason",
    ),
    "refusal on a completed order": Case(
        completed,
        wo.RecordRefusal(W, "no"),
        "disp-07",
        "WO-4",
        f"cannot record a refusal on work order {W}: it is completed",
    ),
    "refusal without what happened": Case(
        issued,
        wo.RecordRefusal(W, " "),
        "disp-07",
        "WO-4",
        "a recorded refusal needs what happened",
        field="reason",
    ),
    "second refusal": Case(
        refused_once,
        wo.RecordRefusal(W, "again"),
        "disp-07",
        "WO-4",
        f"a refusal by eng-12 is recorded already on {W}",
    ),
    "progress by another": Case(
        accepted,
        wo.ReportProgress(W, "n", REPLY_BY),
        "eng-13",
        "WO-5",
        f"only the assignee eng-12 may report progress on work order {W}",
        status=403,
    ),
    "progress before accepting": Case(
        issued,
        wo.ReportProgress(W, "n", REPLY_BY),
        "eng-12",
        "WO-3",
        f"accept work order {W} before reporting progress",
    ),
    "progress on an escalated order": Case(
        escalated,
        wo.ReportProgress(W, "n", REPLY_BY),
        "sup-3",
        "WO-3",
        f"accept work order {W} before reporting progress",
    ),
    "progress on a completed order": Case(
        completed,
        wo.ReportProgress(W, "n", REPLY_BY),
        "eng-12",
        "WO-5",
        f"work order {W} is completed: nothing to report",
    ),
    "progress without a note": Case(
        accepted,
        wo.ReportProgress(W, "  ", REPLY_BY),
        "eng-12",
        "WO-5",
        "a progress report needs a note",
        field="note",
    ),
    "progress at the deadline": Case(
        accepted,
        wo.ReportProgress(W, "n", REPLY_BY + timedelta(hours=1)),
        "eng-12",
        "WO-5",
        f"progress must be reported before the reply-by time {REPLY_BY.isoformat()}, "
        "which has passed",
        at=REPLY_BY,
    ),
    "progress without an expected time": Case(
        accepted,
        wo.ReportProgress(W, "n"),
        "eng-12",
        "WO-5",
        "a progress report gives the new expected completion time (expected_by), which "
        "becomes the order's deadline",
        field="expected_by",
    ),
    "progress expected now": Case(
        accepted,
        wo.ReportProgress(W, "n", NOW),
        "eng-12",
        "WO-5",
        "expected_by must be in the future, with a time zone",
        field="expected_by",
    ),
    "progress expected without a zone": Case(
        accepted,
        wo.ReportProgress(W, "n", datetime(2026, 11, 24, 9, 0)),
        "eng-12",
        "WO-5",
        "expected_by must be in the future, with a time zone",
        field="expected_by",
    ),
    "judge an order never escalated": Case(
        issued,
        wo.JudgeUnreasonable(W, "bad"),
        "lead-01",
        "WO-9",
        f"only an escalated order can be judged unreasonable; {W} was not escalated",
    ),
    "judge twice": Case(
        judged,
        wo.JudgeUnreasonable(W, "again"),
        "lead-01",
        "WO-9",
        f"{W} was judged unreasonable already",
    ),
    "judge without a reason": Case(
        escalated,
        wo.JudgeUnreasonable(W, ""),
        "lead-01",
        "WO-9",
        "the judgement needs a reason",
        field="reason",
    ),
    "reassign a completed order": Case(
        completed,
        wo.ReassignWorkOrder(W, "eng-15", "engineer", "r"),
        "disp-07",
        "WO-2",
        f"cannot reassign work order {W}: it is completed",
    ),
    "reassign without anything": Case(
        issued,
        wo.ReassignWorkOrder(W, " ", "", " "),
        "disp-07",
        "WO-2",
        "reassigning needs: assignee, assignee_role, reason",
        field="assignee,assignee_role,reason",
    ),
    "reassign to a driver": Case(
        issued,
        wo.ReassignWorkOrder(W, "drv-1", "driver", "r"),
        "disp-07",
        "WO-2",
        "assignee_role 'driver' may not receive work orders",
        field="assignee_role",
    ),
    "reassign to the assignee": Case(
        issued,
        wo.ReassignWorkOrder(W, " eng-12 ", "engineer", "r"),
        "disp-07",
        "WO-2",
        "eng-12 is the assignee already",
        field="assignee",
    ),
    "complete by another": Case(
        accepted,
        wo.CompleteWorkOrder(W, "p", "r"),
        "eng-13",
        "WO-6",
        f"only the assignee eng-12 may complete work order {W}",
        status=403,
    ),
    "complete before accepting": Case(
        issued,
        wo.CompleteWorkOrder(W, "p", "r"),
        "eng-12",
        "WO-3",
        f"work order {W} must be accepted before completion",
    ),
    "complete an escalated order": Case(
        escalated,
        wo.CompleteWorkOrder(W, "p", "r"),
        "sup-3",
        "WO-3",
        f"work order {W} must be accepted before completion",
    ),
    "complete twice": Case(
        completed,
        wo.CompleteWorkOrder(W, "p", "r"),
        "eng-12",
        "WO-6",
        f"work order {W} is completed already",
    ),
    "complete without process and result": Case(
        accepted,
        wo.CompleteWorkOrder(W, " ", ""),
        "eng-12",
        "WO-6",
        "completion records the process and the result: missing process, result",
        field="process,result",
    ),
    "sign-off recorded by a stranger": Case(
        completed,
        wo.SignOffWorkOrder(W, "Ms Wang"),
        "eng-13",
        "WO-6",
        f"only the assignee eng-12 may record the sign-off of work order {W}",
        status=403,
        roles=("engineer",),
    ),
    "sign-off before completion": Case(
        accepted,
        wo.SignOffWorkOrder(W, "Ms Wang"),
        "disp-07",
        "WO-6",
        f"the customer signs off a completed order; {W} is accepted",
        roles=("dispatcher",),
    ),
    "sign-off without the customer": Case(
        completed,
        wo.SignOffWorkOrder(W, " "),
        "eng-12",
        "WO-6",
        "name the customer who signed",
        field="signed_by",
    ),
    "callback before sign-off": Case(
        completed,
        wo.RecordCallback(W, True),
        "disp-07",
        "WO-6",
        f"the callback follows the customer's sign-off; {W} is completed",
    ),
    "archive twice": Case(
        archived, wo.ArchiveWorkOrder(W), "disp-07", "WO-6", f"work order {W} is archived already"
    ),
    "archive without callback": Case(
        signed,
        wo.ArchiveWorkOrder(W),
        "disp-07",
        "WO-6",
        f"work order {W} cannot be archived without: confirmed callback",
    ),
    "archive an open order": Case(
        accepted,
        wo.ArchiveWorkOrder(W),
        "disp-07",
        "WO-6",
        f"work order {W} cannot be archived without: completion (process and result), "
        "customer sign-off, confirmed callback",
    ),
    "issue twice": Case(
        issued, wo.NumberedIssue(issue(), W, 1), "disp-07", "WO-8", f"work order {W} exists already"
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_every_refusal_names_its_rule_field_and_reason(name: str) -> None:
    case = CASES[name]
    refused = case.history().refuses(
        case.command, case.rule, actor=case.actor, at=case.at, roles=case.roles
    )
    assert (refused.message, refused.field, refused.status) == (
        case.message,
        case.field,
        case.status,
    )


IDS = {"work_order_id": W, "serial_no": 1, "ticket_id": None}


def facts(events: Sequence[EventPayload]) -> list[EventPayload]:
    """Without the ledger-shaped copy of each penalty (flow 5; tests/ledger checks it)."""
    return [e for e in events if not isinstance(e, DispatchLedgerEntryRecorded)]


def dumps(events: Sequence[EventPayload]) -> list[tuple[str, dict[str, object]]]:
    return [(type(e).__name__, e.model_dump()) for e in events]


def test_each_decision_records_exactly_its_facts() -> None:
    assert dumps(issued().when(wo.AcceptWorkOrder(W), actor="eng-12", at=NOW)) == [
        ("WorkOrderAccepted", {**IDS, "assignee": "eng-12", "accepted_at": NOW})
    ]
    assert dumps(
        facts(issued().when(wo.RecordRefusal(W, " Not my job "), actor="disp-07", at=NOW))
    ) == [
        (
            "WorkOrderRefusalRecorded",
            {**IDS, "recorded_by": "disp-07", "assignee": "eng-12", "reason": "Not my job"},
        ),
        (
            "PenaltyRecorded",
            {
                **IDS,
                "person": "eng-12",
                "amount_fen": 10_000,
                "rule": "WO-4",
                "reason": f"Refused work order {W}: Not my job",
                "month": "2026-11",
            },
        ),
    ]
    expected = REPLY_BY + timedelta(days=1)
    report = wo.ReportProgress(W, " part ordered ", expected)
    assert dumps(accepted().when(report, actor="eng-12", at=NOW)) == [
        (
            "WorkOrderProgressReported",
            {**IDS, "reported_by": "eng-12", "note": "part ordered", "expected_by": expected},
        )
    ]
    assert dumps(
        accepted().when(wo.CompleteWorkOrder(W, " p ", " r "), actor="eng-12", at=NOW)
    ) == [
        (
            "WorkOrderCompleted",
            {
                **IDS,
                "completed_by": "eng-12",
                "process": "p",
                "result": "r",
                "completed_at": NOW,
                "reply_by": REPLY_BY,
                "repair_class": None,
            },
        )
    ]
    sign = wo.SignOffWorkOrder(W, " Ms Wang ")
    by_dispatcher = completed().when(sign, actor="disp-07", at=NOW, roles=("dispatcher",))
    assert dumps(by_dispatcher) == [
        ("WorkOrderSignedOff", {**IDS, "signed_by": "Ms Wang", "recorded_by": "disp-07"})
    ]
    by_admin = completed().when(sign, actor="root", at=NOW, roles=("admin",))
    assert dumps(by_admin)[0][1]["recorded_by"] == "root"
    assert dumps(signed().when(wo.RecordCallback(W, True, " happy "), actor="disp-07", at=NOW)) == [
        (
            "WorkOrderCallbackRecorded",
            {**IDS, "dispatcher": "disp-07", "confirmed": True, "note": "happy"},
        )
    ]
    assert dumps(called_back().when(wo.ArchiveWorkOrder(W), actor="disp-07", at=NOW)) == [
        ("WorkOrderArchived", {**IDS, "archived_by": "disp-07"})
    ]
    assert dumps(
        facts(escalated().when(wo.JudgeUnreasonable(W, " bad "), actor="lead-01", at=NOW))
    ) == [
        (
            "WorkOrderJudgedUnreasonable",
            {**IDS, "judged_by": "lead-01", "issuer": "disp-07", "reason": "bad"},
        ),
        (
            "PenaltyRecorded",
            {
                **IDS,
                "person": "disp-07",
                "amount_fen": 3000,
                "rule": "WO-9",
                "reason": f"Unreasonable dispatch of {W}: bad",
                "month": "2026-11",
            },
        ),
    ]
    reassign = wo.ReassignWorkOrder(W, " eng-15 ", "engineer", " ill ")
    assert dumps(issued().when(reassign, actor="disp-07", at=NOW)) == [
        (
            "WorkOrderReassigned",
            {
                **IDS,
                "reassigned_by": "disp-07",
                "previous_assignee": "eng-12",
                "assignee": "eng-15",
                "assignee_role": "engineer",
                "reason": "ill",
            },
        )
    ]


def test_wo5_the_overdue_fine_is_the_deadlines_and_the_assignees() -> None:
    late = REPLY_BY + timedelta(minutes=1)
    decided = accepted().when(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=late)
    assert dumps(decided[:2]) == [
        ("WorkOrderOverdue", {**IDS, "assignee": "eng-12", "reply_by": REPLY_BY}),
        (
            "PenaltyRecorded",
            {
                **IDS,
                "person": "eng-12",
                "amount_fen": 3000,
                "rule": "WO-5",
                "reason": f"Reply-by {REPLY_BY.isoformat()} of {W} passed without completion "
                "or a progress report",
                "month": "2026-11",
            },
        ),
    ]
    # Exactly at the deadline it is late; a moment before, it is not.
    at_deadline = accepted().when(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=REPLY_BY)
    assert len(at_deadline) == 4  # with the penalty's ledger entry (flow 5)
    before = REPLY_BY - timedelta(microseconds=1)
    assert len(accepted().when(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=before)) == 1
    # The timer decides for its deadline only, once.
    scenario = accepted()
    assert len(scenario.when(wo.MarkOverdue(W, REPLY_BY), actor="system", at=late)) == 3
    moved = wo.MarkOverdue(W, REPLY_BY - timedelta(minutes=1))
    assert scenario.when(moved, actor="system", at=late) == []
    # An escalation after the missed deadline: the escalating assignee is fined first.
    escalation = wo.RecordEscalation(W, None, "welder", LINE)
    types = [type(e).__name__ for e in issued().when(escalation, actor="eng-12", at=late)]
    assert types == [
        "WorkOrderOverdue",
        "PenaltyRecorded",
        "DispatchLedgerEntryRecorded",
        "WorkOrderEscalated",
    ]
    # A reopened order (unconfirmed callback) completed later is rework, not overdue.
    reopened = signed().record(wo.RecordCallback(W, False, "leaks"), actor="disp-07", at=NOW)
    again = reopened.when(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=late)
    assert [type(e).__name__ for e in again] == ["WorkOrderCompleted"]
    assert reopened.state.first_completed_at == NOW


def test_wo5_a_legacy_report_without_expected_time_keeps_its_exemption() -> None:
    # Recorded before issue #10 (the old rule): the log is not re-judged.
    legacy = WorkOrderProgressReported(**IDS, reported_by="eng-12", note="half done")
    scenario = accepted().given(legacy, at=NOW, actor="eng-12")
    assert scenario.state.reported_before_deadline and scenario.state.deadline == REPLY_BY
    late = REPLY_BY + timedelta(hours=1)
    assert scenario.when(wo.MarkOverdue(W, REPLY_BY), actor="system", at=late) == []
    decided = scenario.when(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=late)
    assert [type(e).__name__ for e in decided] == ["WorkOrderCompleted"]
    # A report with an expected time moves the deadline and clears the exemption.
    expected = late + timedelta(hours=1)
    scenario.record(wo.ReportProgress(W, "n", expected), actor="eng-12", at=NOW)
    state = scenario.state
    assert (state.deadline, state.reported_before_deadline, state.last_progress_at) == (
        expected,
        False,
        NOW,
    )


def test_every_event_of_a_ticket_born_order_names_the_ticket() -> None:
    scenario = given(WORK_ORDER, at=NOW)
    scenario.record(wo.NumberedIssue(issue(ticket_id="T-9"), W, 1), actor="disp-07", at=NOW)
    late = REPLY_BY + timedelta(hours=1)
    steps: list[tuple[wo.Command, str, tuple[str, ...]]] = [
        (wo.RecordRefusal(W, "no"), "disp-07", ()),
        (wo.AcceptWorkOrder(W), "eng-12", ()),
        (wo.ReportProgress(W, "n", REPLY_BY), "eng-12", ()),
        (wo.CompleteWorkOrder(W, "p", "r"), "eng-12", ()),
        (wo.SignOffWorkOrder(W, "Ms Wang"), "eng-12", ()),
        (wo.RecordCallback(W, True), "disp-07", ()),
        (wo.ArchiveWorkOrder(W), "disp-07", ()),
    ]
    for command, actor, roles in steps:
        at = late if isinstance(command, wo.CompleteWorkOrder) else NOW
        decided = scenario.when(command, actor=actor, at=at, roles=roles)
        assert decided and all(e.model_dump()["ticket_id"] == "T-9" for e in facts(decided))
        scenario.given(*decided, at=at, actor=actor)
    other = given(WORK_ORDER, at=NOW)
    other.record(wo.NumberedIssue(issue(ticket_id="T-9"), W, 1), actor="disp-07", at=NOW)
    for command, actor in (
        (wo.RecordEscalation(W, None, "welder", LINE), "eng-12"),
        (wo.JudgeUnreasonable(W, "bad"), "lead-01"),
        (wo.ReassignWorkOrder(W, "eng-15", "engineer", "ill"), "disp-07"),
    ):
        decided = other.when(command, actor=actor, at=NOW)
        assert all(e.model_dump()["ticket_id"] == "T-9" for e in facts(decided)), command
        other.given(*decided, at=NOW, actor=actor)


def test_penalty_reasons_are_cut_to_the_contracts_1000_characters() -> None:
    long = "x" * 1000
    _, refusal, _entry = issued().when(wo.RecordRefusal(W, long), actor="disp-07", at=NOW)
    assert len(refusal.model_dump()["reason"]) == 1000
    _, judged_penalty, _entry = escalated().when(
        wo.JudgeUnreasonable(W, long), actor="lead-01", at=NOW
    )
    assert len(judged_penalty.model_dump()["reason"]) == 1000


@pytest.mark.parametrize(
    ("history", "command", "actor", "field", "message"),
    [
        (
            accepted,
            wo.RecordEscalation(W, None, "r", LINE),
            "eng-12",
            None,
            f"work order {W} is accepted: an accepted order is not escalated (a dispatcher "
            "may reassign it)",
        ),
        (
            issued,
            wo.RecordEscalation(W, None, "r", {}),
            "eng-12",
            "escalated_to",
            "no superior of eng-12 is recorded in the site's reporting line; a dispatch lead "
            "records it first",
        ),
        (
            issued,
            wo.RecordEscalation(W, " sup-9 ", "r", LINE),
            "eng-12",
            "escalated_to",
            "escalation goes to eng-12's superior sup-3, not to sup-9",
        ),
        (
            issued,
            wo.RecordEscalation(W, None, "r", {"eng-12": "disp-07"}),
            "eng-12",
            "escalated_to",
            f"disp-07 issued work order {W}: escalating to the issuer hands it back, which "
            "WO-4 forbids",
        ),
        (
            issued,
            wo.RecordEscalation(W, None, "r", LINE),
            "eng-13",
            None,
            f"only the assignee eng-12 may escalate work order {W}",
        ),
    ],
)
def test_wo4_escalation_refusals_exactly(
    history: History, command: wo.Command, actor: str, field: str | None, message: str
) -> None:
    refused = history().refuses(command, "WO-4", actor=actor, at=NOW)
    assert (refused.field, refused.message) == (field, message)


def test_wo4_reporting_line_refusals_exactly() -> None:
    line = given(REPORTING_LINE, at=NOW)
    line.record(SetReportingLine("site-a", "eng-12", "sup-3"), actor="lead-01", at=NOW)
    cases = [
        (SetReportingLine("site-a", " ", "x"), "staff_id", "name the staff member"),
        (SetReportingLine("site-a", "x", " "), "superior", "name the superior (or null to remove)"),
        (SetReportingLine("site-a", "x", "x"), "superior", "x cannot be their own superior"),
        (
            SetReportingLine("site-a", "sup-3", "eng-12"),
            "superior",
            "sup-3 is above eng-12 already: a line has no cycles",
        ),
    ]
    for command, field, message in cases:
        refused = line.refuses(command, "WO-4", actor="lead-01", at=NOW)
        assert (refused.field, refused.message) == (field, message)
    (recorded,) = line.when(SetReportingLine("site-a", " eng-12 ", " sup-4 "), actor="l", at=NOW)
    assert recorded.model_dump() == {"staff_id": "eng-12", "superior_id": "sup-4"}
