"""Pure tests of the ticket decider (no database): CC-1 … CC-5, CC-10."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from callcenter.domain.tickets import TICKET, TicketState
from callcenter.domain.tickets import commands as t
from opsledger.errors import DomainError
from opsledger.testing import Scenario, given, site_calendar
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import (
    SlaBreached,
    TicketClosed,
    TicketEscalated,
    TicketEscalationTaken,
    TicketOpened,
    TicketResolved,
    TicketWorkOrderProgressed,
)

CAL = site_calendar("site-a")
WORKING = {"repair": "working_days"}
FRI_0900 = datetime(2026, 3, 13, 1, 0, tzinfo=UTC)  # Friday 09:00 Shanghai
T = "T-1"


@dataclass(frozen=True)
class Actor:
    staff_id: str
    roles: frozenset[str] = field(default_factory=frozenset)


AGENT = Actor("agent-1", frozenset({"agent"}))
OTHER = Actor("agent-2", frozenset({"agent"}))
LEAD = Actor("lead-1", frozenset({"shift_lead"}))
MANAGER = Actor("mgr-1", frozenset({"cc_manager"}))
SYSTEM = Actor("system:callcenter.sla")

Run = Scenario[TicketState, Any]


def do(run: Run, command: Any, now: datetime = FRI_0900, by: Actor = AGENT) -> list[EventPayload]:
    """Decide as `by` and record what was decided."""
    decided = run.when(command, at=now, actor=by.staff_id, roles=by.roles)
    run.given(*decided, at=now, actor=by.staff_id)
    return decided


def events(run: Run) -> list[EventPayload]:
    return [e.payload for e in run.history]


def opened(kind: str = "repair", now: datetime = FRI_0900, **fields: Any) -> Run:
    run: Run = given(TICKET, at=now, site=CAL)
    do(run, t.StartTicket(T, t.OpenTicket("site-a", kind, "phone", "subject", **fields)), now)
    return run


def refused(run: Run, command: Any, now: datetime = FRI_0900, by: Actor = AGENT) -> DomainError:
    before = events(run)
    with pytest.raises(DomainError) as info:
        do(run, command, now, by)
    assert events(run) == before
    return info.value


def test_cc1_opening_agent_owns_the_ticket() -> None:
    run = opened()
    assert run.state.owner == "agent-1"
    (event,) = events(run)
    assert isinstance(event, TicketOpened) and event.owner == "agent-1"


def test_cc1_transfer_names_the_current_owner_and_is_done_by_owner_or_supervisor() -> None:
    run = opened()
    err = refused(run, t.TransferTicket(T, "agent-9", "agent-2", "shift end"))
    assert (err.code, err.field) == ("CC-1", "from")
    err = refused(run, t.TransferTicket(T, "agent-1", "agent-3", "I want it"), by=OTHER)
    assert err.code == "CC-1" and err.status == 403
    err = refused(run, t.TransferTicket(T, "agent-1", "agent-1", "noop"))
    assert (err.code, err.field) == ("CC-1", "to")
    do(run, t.TransferTicket(T, "agent-1", "agent-2", "shift end"), by=LEAD)
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
    (event,) = events(run)
    assert isinstance(event, TicketOpened)
    assert event.renovation_unit == "B3-1203"


def test_cc3_deadline_24_hours_on_the_clock_and_15_minutes_for_emergencies() -> None:
    fri_2000 = datetime(2026, 3, 13, 12, 0, tzinfo=UTC)  # Friday 20:00 Shanghai
    repair = opened("repair", now=fri_2000)
    # CC-3 (rev.): the call center works 7x24, the weekend counts: Saturday 20:00.
    assert repair.state.sla_due_at == datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
    assert repair.state.sla_continuous is True
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
    stale = t.MarkSlaBreached(T, due - timedelta(hours=1))
    assert do(run, stale, due, SYSTEM) == []  # stale timer
    (breach,) = do(run, t.MarkSlaBreached(T, due), due, SYSTEM)
    assert isinstance(breach, SlaBreached) and breach.owner == "agent-1"
    assert do(run, t.MarkSlaBreached(T, due), due, SYSTEM) == []


def test_cc3_pause_keeps_the_remaining_time_and_resume_restarts_it() -> None:
    run = opened("emergency")
    do(run, t.PauseSla(T, "waiting on the customer", "customer"), FRI_0900 + timedelta(minutes=5))
    assert run.state.sla_remaining == timedelta(minutes=10)
    err = refused(run, t.PauseSla(T, "again", "customer"))
    assert err.code == "CC-3"
    resumed_at = FRI_0900 + timedelta(hours=2)
    do(run, t.ResumeSla(T), resumed_at)
    assert run.state.sla_due_at == resumed_at + timedelta(minutes=10)


def test_cc3_general_complaint_stays_with_the_owning_agent() -> None:
    for level in (1, 2):
        run = opened("complaint", complaint_level=level)
        err = refused(run, t.EscalateTicket(T, "customer angry"))
        assert err.code == "CC-3" and "owning agent" in err.message
        err = refused(run, t.EscalateTicket(T, "customer angry"), by=LEAD)
        assert err.code == "CC-3"
        assert run.state.owner == "agent-1" and run.state.escalated_to is None
        do(run, t.RecordFirstResponse(T))
        do(run, t.ResolveTicket(T, "followed up myself"))  # the owner resolves it
        assert run.state.resolved


def test_cc3_compensation_or_cannot_resolve_escalate_to_the_manager_who_takes_it() -> None:
    for flags in ({"compensation_involved": True}, {"agent_cannot_resolve": True}):
        run = opened("complaint", complaint_level=1)
        (escalated,) = do(run, t.EscalateTicket(T, "beyond the agent", **flags))
        assert isinstance(escalated, TicketEscalated) and escalated.to_role == "cc_manager"
        assert run.state.escalated_to == "cc_manager"
        err = refused(run, t.TakeEscalation(T), by=LEAD)
        assert err.code == "CC-3" and err.status == 403
        err = refused(run, t.TakeEscalation(T), by=OTHER)
        assert err.code == "CC-3" and err.status == 403
        err = refused(run, t.EscalateTicket(T, "again", **flags))
        assert err.code == "CC-3" and err.status == 409
        do(run, t.TakeEscalation(T), by=MANAGER)
        assert run.state.owner == "mgr-1" and run.state.escalated_to is None


def test_cc3_a_level_3_complaint_goes_to_the_manager_when_opened() -> None:
    run = opened("complaint", complaint_level=3)
    opened_event, escalated = events(run)
    assert isinstance(opened_event, TicketOpened)
    assert isinstance(escalated, TicketEscalated)
    assert (escalated.to_role, escalated.complaint_level) == ("cc_manager", 3)
    assert escalated.escalated_by == "agent-1" and "level 3" in escalated.reason
    assert run.state.status == "escalated"
    err = refused(run, t.EscalateTicket(T, "major"))
    assert err.code == "CC-3" and err.status == 409
    do(run, t.TakeEscalation(T), by=MANAGER)
    assert run.state.owner == "mgr-1"


def test_cc3_the_agent_does_not_resolve_what_awaits_the_manager() -> None:
    run = opened("complaint", complaint_level=2)
    do(run, t.RecordFirstResponse(T))
    do(run, t.EscalateTicket(T, "wants money", compensation_involved=True))
    for who in (AGENT, LEAD):
        err = refused(run, t.ResolveTicket(T, "paid him"), by=who)
        assert err.code == "CC-3" and err.status == 403
    do(run, t.ResolveTicket(T, "settled"), by=MANAGER)
    assert run.state.resolved


def test_cc3_only_complaints_are_escalated() -> None:
    repair = opened("repair")
    err = refused(repair, t.EscalateTicket(T, "x", agent_cannot_resolve=True))
    assert (err.code, err.field) == ("CC-3", "kind")


def test_cc4_work_orders_only_for_repairs_and_complaints_one_at_a_time() -> None:
    later = FRI_0900 + timedelta(days=1)
    inquiry = opened("inquiry")
    err = refused(inquiry, t.RequestWorkOrder(T, "B3", "leak", "fix", later))
    assert (err.code, err.field) == ("CC-4", "kind")
    run = opened("repair")
    err = refused(run, t.RequestWorkOrder(T, "B3", "leak", "fix", FRI_0900))
    assert (err.code, err.field) == ("CC-4", "reply_by")
    do(run, t.RequestWorkOrder(T, "B3", "leak", "fix", later))
    err = refused(run, t.RequestWorkOrder(T, "B3", "leak", "fix", later))
    assert err.code == "CC-4" and err.status == 409


def _progress(event_id: str, confirmed: bool) -> t.RecordWorkOrderProgress:
    return t.RecordWorkOrderProgress(
        T, "WO-1", 1, "callback_recorded", "disp-07", FRI_0900, event_id, confirmed=confirmed
    )


def test_cc4_one_work_order_per_ticket_like_dispatch() -> None:
    run = opened("repair")
    later = FRI_0900 + timedelta(days=1)
    do(run, t.RequestWorkOrder(T, "B3", "leak", "fix", later))
    do(run, _progress("e1", True), by=SYSTEM)
    do(run, t.RecordCallback(T, True, 2, False))  # not fixed after all
    err = refused(run, t.RequestWorkOrder(T, "B3", "leak", "fix again", later))
    assert err.code == "CC-4" and err.status == 409 and "new ticket" in err.message


def test_cc4_confirmed_dispatch_callback_resolves_the_ticket() -> None:
    run = opened("repair")
    do(run, t.RequestWorkOrder(T, "B3", "leak", "fix", FRI_0900 + timedelta(days=1)))
    assert len(do(run, _progress("e1", False), by=SYSTEM)) == 1 and not run.state.resolved
    step = _progress("e2", True)
    decided = do(run, step, by=SYSTEM)
    assert isinstance(decided[-1], TicketResolved) and run.state.status == "resolved"
    unknown: Run = given(TICKET, at=FRI_0900, site=CAL)
    assert do(unknown, step, by=SYSTEM) == []


def test_cc5_resolved_repair_cannot_close_without_a_callback() -> None:
    run = opened("repair")
    do(run, t.RecordFirstResponse(T))
    err = refused(run, t.CloseTicket(T))
    assert (err.code, err.field) == ("CC-5", "resolution")
    do(run, t.ResolveTicket(T, "fixed by phone"))
    err = refused(run, t.CloseTicket(T))
    assert (err.code, err.field) == ("CC-5", "callback")
    err = refused(run, t.RecordCallback(T, True))
    assert (err.code, err.field) == ("CC-5", "satisfaction")
    do(run, t.RecordCallback(T, True, 5, True))
    (closed,) = do(run, t.CloseTicket(T))
    assert isinstance(closed, TicketClosed) and closed.outcome == "resolved"


def test_cc5_unconfirmed_callback_reopens_the_work() -> None:
    run = opened("complaint", complaint_level=1)
    do(run, t.RecordFirstResponse(T))
    do(run, t.ResolveTicket(T))
    do(run, t.RecordCallback(T, True, 2, False))
    assert run.state.status == "in_progress"
    err = refused(run, t.CloseTicket(T))
    assert err.code == "CC-5"


def test_cc5_three_unreachable_attempts_close_as_callback_unreachable() -> None:
    run = opened("repair")
    do(run, t.RecordFirstResponse(T))
    do(run, t.ResolveTicket(T))
    assert len(do(run, t.RecordCallback(T, False))) == 1
    assert len(do(run, t.RecordCallback(T, False))) == 1
    decided = do(run, t.RecordCallback(T, False))
    assert isinstance(decided[-1], TicketClosed) and decided[-1].outcome == "callback_unreachable"
    assert run.state.closed


def test_cc5_inquiry_closes_after_first_response() -> None:
    run = opened("inquiry")
    err = refused(run, t.CloseTicket(T))
    assert (err.code, err.field) == ("CC-5", "first_response")
    do(run, t.RecordFirstResponse(T, "answered"))
    (closed,) = do(run, t.CloseTicket(T))
    assert isinstance(closed, TicketClosed) and closed.outcome == "answered"
    err = refused(run, t.RecordFirstResponse(T))
    assert err.code == "CC-1" and err.status == 409


def test_cc6_only_a_supervisor_rules_a_complaint_invalid() -> None:
    run = opened("complaint", complaint_level=1)
    err = refused(run, t.CloseTicket(T, invalid_complaint=True))
    assert err.code == "CC-6" and err.status == 403
    (closed,) = do(run, t.CloseTicket(T, invalid_complaint=True), by=LEAD)
    assert isinstance(closed, TicketClosed) and closed.outcome == "invalid_complaint"


def test_cc3_pause_and_resume_count_working_time_on_a_working_day_calendar() -> None:
    working = site_calendar("site-a", {"rules": {"callcenter": {"sla_calendars": WORKING}}})
    run: Run = given(TICKET, at=FRI_0900, site=working)
    do(run, t.StartTicket(T, t.OpenTicket("site-a", "repair", "phone", "subject")))
    # Friday 09:00, working hours 08:00-18:00: 9 h Friday, 10 h Monday, 5 h Tuesday.
    assert run.state.sla_due_at == datetime(2026, 3, 17, 5, 0, tzinfo=UTC)
    fri_1300 = datetime(2026, 3, 13, 5, 0, tzinfo=UTC)
    do(run, t.PauseSla(T, "waiting on the plumber's report", "third_party"), fri_1300)
    assert run.state.sla_remaining == timedelta(hours=20)
    mon_1000 = datetime(2026, 3, 16, 2, 0, tzinfo=UTC)
    do(run, t.ResumeSla(T), mon_1000)
    # 8 h to Monday 18:00, 10 h Tuesday, 2 h Wednesday: Wednesday 10:00 Shanghai.
    assert run.state.sla_due_at == datetime(2026, 3, 18, 2, 0, tzinfo=UTC)
    assert run.state.calendar_id == working.calendar_id


def test_cc3_cc7_timers_follow_the_recorded_events() -> None:
    run = opened("emergency")
    kinds = {(type(r).__name__, getattr(r, "kind", None)) for r in run.reactions()}
    assert kinds == {
        ("Schedule", "callcenter.ticket-sla"),
        ("Schedule", "callcenter.customer-record"),
    }


def test_cc1_a_transfer_reason_of_only_spaces_is_refused() -> None:
    run = opened()
    for blank in ("   ", "\t \n", "\u3000"):
        err = refused(run, t.TransferTicket(T, "agent-1", "agent-2", blank))
        assert (err.code, err.field) == ("CC-1", "reason")
    assert run.state.owner == "agent-1"


def test_cc3_take_needs_an_escalation_and_old_shift_lead_ones_are_still_taken() -> None:
    run = opened("complaint", complaint_level=1)
    err = refused(run, t.TakeEscalation(T), by=MANAGER)
    assert (err.code, err.status) == ("CC-3", 409)
    # Escalations to the shift lead recorded before CC-3's revision are still taken.
    run.given(
        TicketEscalated(
            ticket_id=T,
            escalated_by="agent-1",
            to_role="shift_lead",
            reason="before the revision",
            compensation_involved=False,
            agent_cannot_resolve=False,
            complaint_level=1,
        ),
        at=FRI_0900,
    )
    err = refused(run, t.TakeEscalation(T), by=OTHER)
    assert (err.code, err.status) == ("CC-3", 403)
    (taken,) = do(run, t.TakeEscalation(T), by=LEAD)
    assert isinstance(taken, TicketEscalationTaken)
    assert (taken.taken_by, taken.role, taken.previous_owner) == ("lead-1", "shift_lead", "agent-1")


def test_cc4_a_dispatch_step_is_recorded_as_dispatch_said() -> None:
    run = opened("repair")
    step = t.RecordWorkOrderProgress(
        T, "WO-7", 7, "callback_recorded", "disp-07", FRI_0900, "e-9", "all dry", True
    )
    progressed, resolved = do(run, step, by=SYSTEM)
    assert progressed == TicketWorkOrderProgressed(
        ticket_id=T,
        work_order_id="WO-7",
        serial_no=7,
        status="callback_recorded",
        by="disp-07",
        at=FRI_0900,
        detail="all dry",
        confirmed=True,
        source_event_id="e-9",
    )
    assert resolved == TicketResolved(
        ticket_id=T, resolved_by="disp-07", via="work_order", work_order_id="WO-7", note="all dry"
    )


def test_cc7_a_ticket_links_only_an_existing_record_of_its_site_once() -> None:
    unknown: Run = given(TICKET, at=FRI_0900, site=CAL)
    err = unknown.refuses(t.AttachCustomer(T, "C-1", "site-a"), "NOT_FOUND", at=FRI_0900)
    assert err.status == 404
    run = opened("repair")
    err = refused(run, t.AttachCustomer(T, "C-1", "site-b"), by=SYSTEM)
    assert (err.code, err.field) == ("CC-7", "customer_id")
    err = refused(run, t.AttachCustomer(T, "C-1", None), by=SYSTEM)
    assert (err.code, err.field) == ("CC-7", "customer_id")
    assert len(do(run, t.AttachCustomer(T, "C-1", "site-a"), by=SYSTEM)) == 1
    assert do(run, t.AttachCustomer(T, "C-1", "site-a"), by=SYSTEM) == []
    assert do(run, t.MarkCustomerRecordMissing(T, FRI_0900), by=SYSTEM) == []
    assert do(unknown, t.MarkCustomerRecordMissing(T, FRI_0900), by=SYSTEM) == []
