"""Pure tests of the ticket decider (no database): CC-1 … CC-5, CC-10."""

from datetime import UTC, datetime, timedelta

import pytest
from callcenter.domain import tickets as t
from opsledger.calendar import SiteCalendar
from opsledger.errors import DomainError
from opsledger_contracts.events.callcenter import (
    SlaBreached,
    TicketClosed,
    TicketOpened,
    TicketResolved,
)

from tests.callcenter.events import InMemory

CAL = SiteCalendar("site-a")
FRI_0900 = datetime(2026, 3, 13, 1, 0, tzinfo=UTC)  # Friday 09:00 Shanghai
AGENT = t.Actor("agent-1", frozenset({"agent"}))
OTHER = t.Actor("agent-2", frozenset({"agent"}))
LEAD = t.Actor("lead-1", frozenset({"shift_lead"}))
MANAGER = t.Actor("mgr-1", frozenset({"cc_manager"}))


def opened(
    kind: str = "repair", now: datetime = FRI_0900, **fields: object
) -> InMemory[t.TicketState]:
    run: InMemory[t.TicketState] = InMemory(t.TicketDecider())
    run.do(t.OpenTicket("T-1", kind, "phone", "subject", AGENT, CAL, **fields), now)  # type: ignore[arg-type]
    return run


def refused(
    run: InMemory[t.TicketState], command: t.TicketCommand, now: datetime = FRI_0900
) -> DomainError:
    before = list(run.events)
    with pytest.raises(DomainError) as info:
        run.do(command, now)
    assert run.events == before
    return info.value


def test_cc1_opening_agent_owns_the_ticket() -> None:
    run = opened()
    assert run.state.owner == "agent-1"
    (event,) = run.events
    assert isinstance(event, TicketOpened) and event.owner == "agent-1"


def test_cc1_transfer_names_the_current_owner_and_is_done_by_owner_or_supervisor() -> None:
    run = opened()
    err = refused(run, t.TransferTicket("agent-9", "agent-2", "shift end", AGENT))
    assert (err.code, err.field) == ("CC-1", "from")
    err = refused(run, t.TransferTicket("agent-1", "agent-3", "I want it", OTHER))
    assert err.code == "CC-1" and err.status == 403
    err = refused(run, t.TransferTicket("agent-1", "agent-1", "noop", AGENT))
    assert (err.code, err.field) == ("CC-1", "to")
    run.do(t.TransferTicket("agent-1", "agent-2", "shift end", LEAD), FRI_0900)
    assert run.state.owner == "agent-2"


def test_cc2_only_complaints_carry_a_level() -> None:
    with pytest.raises(DomainError) as info:
        opened("repair", complaint_level=2)
    assert (info.value.code, info.value.field) == ("CC-2", "complaint_level")


def test_cc3_complaint_without_level_is_refused() -> None:
    with pytest.raises(DomainError) as info:
        opened("complaint")
    assert (info.value.code, info.value.field) == ("CC-3", "complaint_level")


def test_cc10_renovation_complaint_must_name_the_unit() -> None:
    with pytest.raises(DomainError) as info:
        opened("complaint", complaint_level=1, category="renovation")
    assert (info.value.code, info.value.field) == ("CC-10", "renovation_unit")
    run = opened("complaint", complaint_level=1, category="renovation", renovation_unit="B3-1203")
    assert isinstance(run.events[0], TicketOpened)
    assert run.events[0].renovation_unit == "B3-1203"


def test_cc3_deadline_24_working_hours_and_15_continuous_minutes_for_emergencies() -> None:
    fri_2000 = datetime(2026, 3, 13, 12, 0, tzinfo=UTC)  # Friday 20:00 Shanghai
    repair = opened("repair", now=fri_2000)
    # 4 h left on Friday, the weekend does not count, 20 h on Monday: Monday 20:00.
    assert repair.state.sla_due_at == datetime(2026, 3, 16, 12, 0, tzinfo=UTC)
    assert repair.state.sla_continuous is False
    sat = datetime(2026, 3, 14, 2, 0, tzinfo=UTC)
    emergency = opened("emergency", now=sat)
    assert emergency.state.sla_due_at == sat + timedelta(minutes=15)
    assert emergency.state.sla_continuous is True


def test_cc3_sla_depends_on_the_complaint_level() -> None:
    mon_0900 = datetime(2026, 3, 16, 1, 0, tzinfo=UTC)  # Monday 09:00 Shanghai
    minor = opened("complaint", now=mon_0900, complaint_level=1)
    major = opened("complaint", now=mon_0900, complaint_level=3)
    assert minor.state.sla_due_at == mon_0900 + timedelta(hours=24)
    assert major.state.sla_due_at == mon_0900 + timedelta(hours=4)


def test_cc3_breach_only_for_the_current_deadline_and_only_once() -> None:
    run = opened()
    due = run.state.sla_due_at
    assert due is not None
    assert run.do(t.MarkSlaBreached(due - timedelta(hours=1)), due) == []  # stale timer
    (breach,) = run.do(t.MarkSlaBreached(due), due)
    assert isinstance(breach, SlaBreached) and breach.owner == "agent-1"
    assert run.do(t.MarkSlaBreached(due), due) == []


def test_cc3_pause_keeps_the_remaining_time_and_resume_restarts_it() -> None:
    run = opened("emergency")
    run.do(
        t.PauseSla("waiting on the customer", "customer", AGENT, CAL),
        FRI_0900 + timedelta(minutes=5),
    )
    assert run.state.sla_remaining == timedelta(minutes=10)
    err = refused(run, t.PauseSla("again", "customer", AGENT, CAL))
    assert err.code == "CC-3"
    resumed_at = FRI_0900 + timedelta(hours=2)
    run.do(t.ResumeSla(AGENT, CAL), resumed_at)
    assert run.state.sla_due_at == resumed_at + timedelta(minutes=10)


def test_cc3_escalation_goes_to_shift_lead_or_manager_and_only_they_take_it() -> None:
    run = opened("complaint", complaint_level=2)
    run.do(t.EscalateTicket("customer angry", AGENT), FRI_0900)
    assert run.state.escalated_to == "shift_lead"
    err = refused(run, t.TakeEscalation(OTHER))
    assert err.code == "CC-3" and err.status == 403
    run.do(t.TakeEscalation(LEAD), FRI_0900)
    assert run.state.owner == "lead-1" and run.state.escalated_to is None
    run.do(t.EscalateTicket("wants money", LEAD, compensation_involved=True), FRI_0900)
    assert run.state.escalated_to == "cc_manager"
    err = refused(run, t.TakeEscalation(LEAD))
    assert err.code == "CC-3" and err.status == 403
    run.do(t.TakeEscalation(MANAGER), FRI_0900)
    assert run.state.owner == "mgr-1"


def test_cc3_agent_who_cannot_resolve_and_level_3_go_to_the_manager() -> None:
    run = opened("complaint", complaint_level=1)
    run.do(t.EscalateTicket("beyond me", AGENT, agent_cannot_resolve=True), FRI_0900)
    assert run.state.escalated_to == "cc_manager"
    major = opened("complaint", complaint_level=3)
    major.do(t.EscalateTicket("major", AGENT), FRI_0900)
    assert major.state.escalated_to == "cc_manager"
    repair = opened("repair")
    err = refused(repair, t.EscalateTicket("x", AGENT))
    assert (err.code, err.field) == ("CC-3", "kind")


def test_cc4_work_orders_only_for_repairs_and_complaints_one_at_a_time() -> None:
    later = FRI_0900 + timedelta(days=1)
    inquiry = opened("inquiry")
    err = refused(inquiry, t.RequestWorkOrder("B3", "leak", "fix", later, AGENT))
    assert (err.code, err.field) == ("CC-4", "kind")
    run = opened("repair")
    err = refused(run, t.RequestWorkOrder("B3", "leak", "fix", FRI_0900, AGENT))
    assert (err.code, err.field) == ("CC-4", "reply_by")
    run.do(t.RequestWorkOrder("B3", "leak", "fix", later, AGENT), FRI_0900)
    err = refused(run, t.RequestWorkOrder("B3", "leak", "fix", later, AGENT))
    assert err.code == "CC-4" and err.status == 409


def test_cc4_one_work_order_per_ticket_like_dispatch() -> None:
    run = opened("repair")
    later = FRI_0900 + timedelta(days=1)
    run.do(t.RequestWorkOrder("B3", "leak", "fix", later, AGENT), FRI_0900)
    done = t.RecordWorkOrderProgress(
        "WO-1", 1, "callback_recorded", "disp-07", FRI_0900, "e1", confirmed=True
    )
    run.do(done, FRI_0900)
    run.do(t.RecordCallback(True, AGENT, 2, False), FRI_0900)  # not fixed after all
    err = refused(run, t.RequestWorkOrder("B3", "leak", "fix again", later, AGENT))
    assert err.code == "CC-4" and err.status == 409 and "new ticket" in err.message


def test_cc4_confirmed_dispatch_callback_resolves_the_ticket() -> None:
    run = opened("repair")
    run.do(t.RequestWorkOrder("B3", "leak", "fix", FRI_0900 + timedelta(days=1), AGENT), FRI_0900)
    step = t.RecordWorkOrderProgress(
        "WO-1", 1, "callback_recorded", "disp-07", FRI_0900, "e1", confirmed=False
    )
    assert len(run.do(step, FRI_0900)) == 1 and not run.state.resolved
    step = t.RecordWorkOrderProgress(
        "WO-1", 1, "callback_recorded", "disp-07", FRI_0900, "e2", confirmed=True
    )
    decided = run.do(step, FRI_0900)
    assert isinstance(decided[-1], TicketResolved) and run.state.status == "resolved"
    unknown = InMemory(t.TicketDecider())
    assert unknown.do(step, FRI_0900) == []


def test_cc5_resolved_repair_cannot_close_without_a_callback() -> None:
    run = opened("repair")
    run.do(t.RecordFirstResponse(AGENT), FRI_0900)
    err = refused(run, t.CloseTicket(AGENT))
    assert (err.code, err.field) == ("CC-5", "resolution")
    run.do(t.ResolveTicket(AGENT, "fixed by phone"), FRI_0900)
    err = refused(run, t.CloseTicket(AGENT))
    assert (err.code, err.field) == ("CC-5", "callback")
    err = refused(run, t.RecordCallback(True, AGENT))
    assert (err.code, err.field) == ("CC-5", "satisfaction")
    run.do(t.RecordCallback(True, AGENT, 5, True), FRI_0900)
    (closed,) = run.do(t.CloseTicket(AGENT), FRI_0900)
    assert isinstance(closed, TicketClosed) and closed.outcome == "resolved"


def test_cc5_unconfirmed_callback_reopens_the_work() -> None:
    run = opened("complaint", complaint_level=1)
    run.do(t.RecordFirstResponse(AGENT), FRI_0900)
    run.do(t.ResolveTicket(AGENT), FRI_0900)
    run.do(t.RecordCallback(True, AGENT, 2, False), FRI_0900)
    assert run.state.status == "in_progress"
    err = refused(run, t.CloseTicket(AGENT))
    assert err.code == "CC-5"


def test_cc5_three_unreachable_attempts_close_as_callback_unreachable() -> None:
    run = opened("repair")
    run.do(t.RecordFirstResponse(AGENT), FRI_0900)
    run.do(t.ResolveTicket(AGENT), FRI_0900)
    assert len(run.do(t.RecordCallback(False, AGENT), FRI_0900)) == 1
    assert len(run.do(t.RecordCallback(False, AGENT), FRI_0900)) == 1
    decided = run.do(t.RecordCallback(False, AGENT), FRI_0900)
    assert isinstance(decided[-1], TicketClosed) and decided[-1].outcome == "callback_unreachable"
    assert run.state.closed


def test_cc5_inquiry_closes_after_first_response() -> None:
    run = opened("inquiry")
    err = refused(run, t.CloseTicket(AGENT))
    assert (err.code, err.field) == ("CC-5", "first_response")
    run.do(t.RecordFirstResponse(AGENT, "answered"), FRI_0900)
    (closed,) = run.do(t.CloseTicket(AGENT), FRI_0900)
    assert isinstance(closed, TicketClosed) and closed.outcome == "answered"
    err = refused(run, t.RecordFirstResponse(AGENT))
    assert err.code == "CC-1" and err.status == 409


def test_cc6_only_a_supervisor_rules_a_complaint_invalid() -> None:
    run = opened("complaint", complaint_level=1)
    err = refused(run, t.CloseTicket(AGENT, invalid_complaint=True))
    assert err.code == "CC-6" and err.status == 403
    (closed,) = run.do(t.CloseTicket(LEAD, invalid_complaint=True), FRI_0900)
    assert isinstance(closed, TicketClosed) and closed.outcome == "invalid_complaint"


def test_cc3_pause_and_resume_count_working_time_only() -> None:
    run = opened("repair")  # Friday 09:00: 15 h left on Friday + 9 h on Monday
    assert run.state.sla_due_at == datetime(2026, 3, 16, 1, 0, tzinfo=UTC)
    fri_1300 = datetime(2026, 3, 13, 5, 0, tzinfo=UTC)
    run.do(t.PauseSla("waiting on the plumber's report", "third_party", AGENT, CAL), fri_1300)
    assert run.state.sla_remaining == timedelta(hours=20)
    mon_1000 = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)
    run.do(t.ResumeSla(AGENT, CAL), mon_1000)
    # 14 h to Monday midnight, 6 h on Tuesday: Tuesday 06:00 Shanghai.
    assert run.state.sla_due_at == datetime(2026, 3, 16, 22, 0, tzinfo=UTC)
    assert run.state.calendar_id == CAL.calendar_id
