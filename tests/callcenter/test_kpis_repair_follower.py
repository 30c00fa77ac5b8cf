"""CC-6 (rev.): the repair follower, pure (aggregate and inbound policy), no database."""

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

from callcenter.domain.repairs import REPAIR, FollowRepair, RepairState
from callcenter.domain.repairs.events import RepairStepFollowed
from callcenter.inbound.dispatch import INBOUND, follow_repair
from opsledger.testing import given, site_calendar
from opsledger_contracts import EventEnvelope, EventPayload
from opsledger_contracts.events import dispatch as wo

# 2026-03-31 17:00 UTC is already April 1st in Shanghai.
LATE_MARCH = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
W = "WO-site-a-000009"


def follow(step: str, at: datetime, **fields: Any) -> FollowRepair:
    return FollowRepair(W, "site-a", step, at, str(uuid4()), **fields)  # type: ignore[arg-type]


def fold(*steps: FollowRepair) -> RepairState:
    run = given(REPAIR, at=LATE_MARCH, site=site_calendar("site-a"))
    for command in steps:
        run.record(command, at=command.at, actor="system:callcenter.repairs")
    return run.state


def test_cc6_a_repair_counts_in_the_site_local_month_it_was_issued() -> None:
    reply_by = LATE_MARCH + timedelta(hours=2)
    state = fold(
        follow("issued", LATE_MARCH, reply_by=reply_by, repair_class="urgent", fault_code="f"),
        follow("completed", LATE_MARCH + timedelta(days=40)),
    )
    assert (state.month, state.site_id, state.work_order_id) == ("2026-04", "site-a", W)
    assert (state.repair_class, state.fault_code, state.reply_by) == ("urgent", "f", reply_by)


def test_cc6_timely_is_completed_by_the_reply_by_time_as_issued() -> None:
    reply_by = LATE_MARCH + timedelta(hours=2)
    issued = follow("issued", LATE_MARCH, reply_by=reply_by, ticket_id="T-1")
    assert fold(issued).timely is None  # not known yet
    assert fold(issued, follow("completed", reply_by)).timely is True  # exactly on time
    late = reply_by + timedelta(seconds=1)
    assert fold(issued, follow("completed", late)).timely is False
    # The completion's copy of the reply-by time does not replace the issued one.
    moved = follow("completed", late, reply_by=late + timedelta(days=1))
    assert fold(issued, moved).timely is False
    # Overdue and not completed: late; completed after all: judged by the completion.
    assert fold(issued, follow("overdue", reply_by)).timely is False
    assert fold(issued, follow("overdue", reply_by), follow("completed", late)).timely is False
    # A reopened order is judged by its last completion.
    twice = fold(issued, follow("completed", reply_by), follow("completed", late))
    assert (twice.completed_at, twice.timely) == (late, False)
    assert twice.ticket_id == "T-1"


def test_cc6_without_the_issue_the_completion_carries_the_reply_by_and_class() -> None:
    reply_by = LATE_MARCH + timedelta(hours=2)
    state = fold(follow("completed", reply_by, reply_by=reply_by, repair_class="minor"))
    assert (state.timely, state.repair_class, state.month) == (True, "minor", "2026-04")
    assert (state.overdue, state.repeat) == (False, False)
    repeat = fold(follow("repeat_repair", LATE_MARCH))
    assert (repeat.repeat, repeat.overdue, repeat.timely) == (True, False, None)


def envelope(payload: EventPayload, at: datetime) -> EventEnvelope:
    return EventEnvelope(
        event_id=uuid4(),
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        source="dispatch",
        site_id="site-b",
        stream_id=f"workorder-{W}",
        stream_type="WorkOrder",
        stream_version=1,
        occurred_at=at,
        correlation_id=str(uuid4()),
        causation_id=None,
        actor="disp-07",
    )


def test_cc6_the_repairs_policy_reads_every_work_order_with_or_without_a_ticket() -> None:
    common = {"work_order_id": W, "serial_no": 9}
    reply_by = LATE_MARCH + timedelta(hours=2)
    issued = wo.WorkOrderIssued(
        **common,
        issuer="disp-07",
        location="B3",
        content="Leak",
        requirements="Fix",
        reply_by=reply_by,
        assignee="eng-12",
        fault_code="plumbing.leak",
        repair_class="urgent",
    )
    env = envelope(issued, LATE_MARCH)
    command = follow_repair(issued, env)
    assert command == FollowRepair(
        W,
        "site-b",
        "issued",
        LATE_MARCH,
        str(env.event_id),
        ticket_id=None,
        repair_class="urgent",
        fault_code="plumbing.leak",
        reply_by=reply_by,
    )
    done_at = LATE_MARCH + timedelta(hours=1)
    completed = wo.WorkOrderCompleted(
        **common, ticket_id="T-9", completed_by="e", process="p", result="r"
    )
    command = follow_repair(completed, envelope(completed, done_at))
    assert command is not None
    assert (command.step, command.at, command.ticket_id, command.reply_by) == (
        "completed",
        done_at,
        "T-9",
        None,
    )
    stated = completed.model_copy(
        update={"completed_at": LATE_MARCH, "reply_by": reply_by, "repair_class": "minor"}
    )
    command = follow_repair(stated, envelope(stated, done_at))
    assert command is not None
    assert (command.at, command.reply_by, command.repair_class) == (LATE_MARCH, reply_by, "minor")
    overdue = wo.WorkOrderOverdue(**common, assignee="e", reply_by=reply_by)
    command = follow_repair(overdue, envelope(overdue, done_at))
    assert command is not None and (command.step, command.at) == ("overdue", done_at)
    repeat = wo.RepeatRepairFlagged(**common, previous_work_order_id="WO-1", window_days=30)
    command = follow_repair(repeat, envelope(repeat, done_at))
    assert command is not None and command.step == "repeat_repair"
    accepted = wo.WorkOrderAccepted(**common, assignee="e", accepted_at=done_at)
    assert follow_repair(accepted, envelope(accepted, done_at)) is None
    (repairs,) = [i for i in INBOUND if i.name == "repairs"]
    assert {m.event_type for m in repairs.events} == {
        "WorkOrderIssued",
        "WorkOrderOverdue",
        "WorkOrderCompleted",
        "RepeatRepairFlagged",
    }


def test_cc6_each_step_is_recorded_as_dispatch_said() -> None:
    run = given(REPAIR, at=LATE_MARCH, site=site_calendar("site-a"))
    step = follow("overdue", LATE_MARCH, ticket_id="T-1")
    (event,) = run.when(step, at=LATE_MARCH)
    assert event == RepairStepFollowed(
        work_order_id=W,
        step="overdue",
        at=LATE_MARCH,
        month="2026-04",
        ticket_id="T-1",
        source_event_id=step.source_event_id,
    )
