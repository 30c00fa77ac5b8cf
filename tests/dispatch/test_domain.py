"""Pure tests of the work-order decider and its helpers: no database, time passed in."""

from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest
from dispatch.domain import fault_history, reviews
from dispatch.domain import work_orders as wo
from dispatch.domain.rules import DispatchRules
from opsledger.calendar import SiteCalendar
from opsledger.errors import DomainError
from opsledger.eventstore import RecordedEvent
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import FaultOrderRecorded, WorkOrderOverdue

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
DECIDER = wo.WorkOrderDecider(SiteCalendar("site-a"))


def command(**overrides: object) -> wo.IssueWorkOrder:
    fields: dict[str, object] = {
        "issuer": "disp-07",
        "location": "Block 3",
        "content": "Leak",
        "requirements": "Fix it",
        "reply_by": NOW + timedelta(hours=4),
        "assignee": "eng-12",
        "assignee_role": "engineer",
    }
    fields.update(overrides)
    return wo.IssueWorkOrder(**fields)  # type: ignore[arg-type]


def recorded(payload: EventPayload, version: int, at: datetime = NOW) -> RecordedEvent:
    return RecordedEvent(
        position=version,
        event_id=uuid4(),
        stream_id="s",
        stream_type=payload.stream_type or "X",
        version=version,
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        stored_schema_version=payload.schema_version,
        site_id="site-a",
        actor="a",
        correlation_id="c",
        causation_id=None,
        occurred_at=at,
        recorded_at=at,
        payload=payload.model_dump(mode="json"),
    )


def state_after(*commands: wo.Command, now: datetime = NOW) -> wo.WorkOrderState:
    state = wo.WorkOrderState()
    version = 0
    for cmd in commands:
        for payload in DECIDER.decide(state, cmd, now):
            version += 1
            state = wo.evolve(state, recorded(payload, version, now))
    return state


ISSUE = wo.NumberedIssue(command(), "WO-site-a-000001", 1)


def test_wo1_validation_names_every_missing_field_at_once() -> None:
    with pytest.raises(DomainError) as refused:
        wo.validate_issue(command(location=None, content=" ", reply_by=None), NOW)
    assert refused.value.code == "WO-1"
    assert refused.value.field == "location,content,reply_by"


def test_wo1_reply_by_needs_a_zone_and_the_future() -> None:
    with pytest.raises(DomainError, match="time zone"):
        wo.validate_issue(command(reply_by=datetime(2026, 12, 1, 8, 0)), NOW)
    with pytest.raises(DomainError, match="not in the future"):
        wo.validate_issue(command(reply_by=NOW), NOW)


def test_wo2_assignee_roles_are_the_documented_ones() -> None:
    assert {"engineer", "maintenance_worker", "consultant", "dept_head"} <= wo.ASSIGNEE_ROLES
    with pytest.raises(DomainError) as refused:
        wo.validate_issue(command(assignee_role="agent"), NOW)
    assert refused.value.code == "WO-2"


def test_wo3_acceptance_is_truncated_to_the_minute_and_only_by_the_assignee() -> None:
    state = state_after(ISSUE)
    at = NOW + timedelta(seconds=59, microseconds=1)
    (accepted,) = DECIDER.decide(state, wo.AcceptWorkOrder("eng-12"), at)
    assert accepted.model_dump()["accepted_at"] == NOW
    with pytest.raises(DomainError) as refused:
        DECIDER.decide(state, wo.AcceptWorkOrder("eng-13"), at)
    assert (refused.value.code, refused.value.status) == ("WO-3", 403)


def test_wo4_refusal_penalty_is_10000_fen_in_the_site_month() -> None:
    state = state_after(ISSUE)
    # 2026-11-30 16:30 UTC is already December in Asia/Shanghai.
    at = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)
    _, penalty = DECIDER.decide(state, wo.RecordRefusal("disp-07", "No"), at)
    dumped = penalty.model_dump()
    assert (dumped["person"], dumped["amount_fen"], dumped["rule"]) == ("eng-12", 10_000, "WO-4")
    assert dumped["month"] == "2026-12"


def test_wo5_overdue_is_decided_for_the_current_deadline_only() -> None:
    accepted = state_after(ISSUE, wo.AcceptWorkOrder("eng-12"))
    deadline = NOW + timedelta(hours=4)
    overdue, penalty = DECIDER.decide(accepted, wo.MarkOverdue(deadline), deadline)
    assert isinstance(overdue, WorkOrderOverdue)
    assert penalty.model_dump()["amount_fen"] == 3000
    stale = DECIDER.decide(accepted, wo.MarkOverdue(deadline - timedelta(hours=1)), deadline)
    assert stale == []
    reported = state_after(
        ISSUE, wo.AcceptWorkOrder("eng-12"), wo.ReportProgress("eng-12", "half done")
    )
    assert DECIDER.decide(reported, wo.MarkOverdue(deadline), deadline) == []


def test_wo6_archive_names_everything_missing() -> None:
    state = state_after(ISSUE, wo.AcceptWorkOrder("eng-12"))
    with pytest.raises(DomainError) as refused:
        DECIDER.decide(state, wo.ArchiveWorkOrder("disp-07"), NOW)
    assert refused.value.code == "WO-6"
    assert "completion" in refused.value.message and "sign-off" in refused.value.message


def test_wo7_review_refuses_unfinished_orders_without_reason() -> None:
    with pytest.raises(DomainError) as refused:
        reviews.decide_review(
            day=date(2026, 11, 23),
            today=date(2026, 11, 23),
            reviewer="disp-07",
            unfinished=["WO-a-000001", "WO-a-000002"],
            known=["WO-a-000001"],
            reasons={"WO-a-000001": "parts"},
        )
    assert refused.value.code == "WO-7" and "WO-a-000002" in refused.value.message
    with pytest.raises(DomainError, match="has not come yet"):
        reviews.decide_review(
            day=date(2026, 11, 24),
            today=date(2026, 11, 23),
            reviewer="d",
            unfinished=[],
            known=[],
            reasons={},
        )


def test_wo8_work_order_ids_carry_site_and_zero_padded_serial() -> None:
    assert wo.work_order_id("site-a", 42) == "WO-site-a-000042"
    assert wo.site_of("WO-site-a-000042") == "site-a"
    assert wo.site_of("nonsense") is None and wo.site_of("WO-x-abc") is None


def test_wo9_only_escalated_orders_can_be_judged_unreasonable() -> None:
    state = state_after(ISSUE)
    with pytest.raises(DomainError) as refused:
        DECIDER.decide(state, wo.JudgeUnreasonable("lead", "bad"), NOW)
    assert refused.value.code == "WO-9"
    escalated = state_after(ISSUE, wo.EscalateWorkOrder("eng-12", "sup-3", "welder"))
    _, penalty = DECIDER.decide(escalated, wo.JudgeUnreasonable("lead", "bad"), NOW)
    assert penalty.model_dump()["person"] == "disp-07"
    assert penalty.model_dump()["amount_fen"] == 3000


def test_wo10_fault_history_finds_the_latest_order_within_the_window() -> None:
    def entry(wo_id: str, at: datetime, version: int) -> RecordedEvent:
        payload = FaultOrderRecorded(
            work_order_id=wo_id,
            serial_no=version,
            fault_code="f",
            asset_id=None,
            location="l",
            issued_at=at,
        )
        return recorded(payload, version, at)

    history = [entry("WO-1", NOW - timedelta(days=40), 1), entry("WO-2", NOW, 2)]
    window = DispatchRules().repeat_window
    assert fault_history.previous_within(history, NOW + timedelta(days=30), window) == "WO-2"
    assert fault_history.previous_within(history, NOW + timedelta(days=31), window) is None
    assert fault_history.previous_within([], NOW, window) is None
    assert fault_history.fault_key(None, " Block  3 ", "F") == fault_history.fault_key(
        "", "block 3", "f"
    )
    assert fault_history.fault_key("A-1", "x", "f") != fault_history.fault_key(None, "x", "f")
