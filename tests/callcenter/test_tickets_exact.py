"""Pure ticket decider tests (CC-1 … CC-7, CC-10): the exact events, refusals and state."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from callcenter.domain.tickets import TICKET, TicketState
from callcenter.domain.tickets import commands as t
from opsledger.errors import DomainError
from opsledger.testing import Scenario, given, site_calendar
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import (
    SatisfactionSurveyRecorded,
    SlaBreached,
    TicketCallbackRecorded,
    TicketClosed,
    TicketEscalated,
    TicketEscalationTaken,
    TicketFirstResponded,
    TicketOpened,
    TicketResolved,
    TicketSlaPaused,
    TicketSlaResumed,
    TicketTransferred,
    TicketWorkOrderProgressed,
    WorkOrderRequested,
)

CAL = site_calendar("site-a")
NOW = datetime(2026, 3, 13, 1, 0, tzinfo=UTC)  # Friday 09:00 Shanghai
LATER = NOW + timedelta(hours=1)
T = "T-1"
CAL_24 = "24x7:Asia/Shanghai"

Run = Scenario[TicketState, Any]
Refusal = tuple[str, str, str | None, int]
AGENT: dict[str, Any] = {"actor": "agent-1", "roles": {"agent"}}
OTHER: dict[str, Any] = {"actor": "agent-2", "roles": {"agent"}}
LEAD: dict[str, Any] = {"actor": "lead-1", "roles": {"shift_lead"}}
MANAGER: dict[str, Any] = {"actor": "mgr-1", "roles": {"cc_manager"}}


def opened_event(kind: str = "repair", level: int | None = None, **extra: Any) -> TicketOpened:
    fields: dict[str, Any] = {
        "ticket_id": T,
        "kind": kind,
        "channel": "phone",
        "subject": "subject",
        "description": "",
        "complaint_level": level,
        "category": None,
        "renovation_unit": None,
        "customer_id": None,
        "owner": "agent-1",
        "month": "2026-03",
        "first_response_due_at": NOW + timedelta(hours=24),
        "sla_continuous": True,
        "calendar_id": CAL_24,
        "customer_record_due_at": NOW + timedelta(hours=24),
    }
    fields.update(extra)
    return TicketOpened(**fields)


def escalation(
    to_role: str = "cc_manager",
    reason: str = "r",
    compensation_involved: bool = True,
    agent_cannot_resolve: bool = False,
    complaint_level: int | None = 1,
) -> TicketEscalated:
    """Agent-1's escalation of ticket T (the defaults: a level-1 complaint, compensation)."""
    return TicketEscalated(
        ticket_id=T,
        escalated_by="agent-1",
        to_role=to_role,
        reason=reason,
        compensation_involved=compensation_involved,
        agent_cannot_resolve=agent_cannot_resolve,
        complaint_level=complaint_level,
    )


def ticket(kind: str = "repair", level: int | None = None, *more: EventPayload) -> Run:
    run: Run = given(TICKET, opened_event(kind, level), *more, at=NOW, actor="agent-1", site=CAL)
    return run


def refusal(run: Run, command: Any, who: dict[str, Any] = AGENT, at: datetime = LATER) -> Refusal:
    with pytest.raises(DomainError) as info:
        run.when(command, at=at, **who)
    e = info.value
    return (e.code, e.message, e.field, e.status)


def responded(kind: str = "repair", level: int | None = None) -> Run:
    return ticket(
        kind, level, TicketFirstResponded(ticket_id=T, responded_by="agent-1", within_sla=True)
    )


def resolved(kind: str = "repair") -> Run:
    return responded(kind, 1 if kind == "complaint" else None).given(
        TicketResolved(ticket_id=T, resolved_by="agent-1", via="agent"), at=NOW
    )


BASE = TicketState(
    ticket_id=T,
    site_id="site-a",
    kind="repair",
    channel="phone",
    subject="subject",
    owner="agent-1",
    month="2026-03",
    sla_continuous=True,
    opened_at=NOW,
    updated_at=NOW,
    sla_due_at=NOW + timedelta(hours=24),
    calendar_id=CAL_24,
)


# --- _start (CC-2, CC-3, CC-7, CC-10) -------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "level", "hours"),
    [
        ("inquiry", None, 24),
        ("repair", None, 24),
        ("service_request", None, 24),
        ("complaint", 1, 24),
        ("complaint", 2, 24),
        ("complaint", 3, 4),
        ("emergency", None, 0.25),
    ],
)
def test_start_decides_the_exact_opening(kind: str, level: int | None, hours: float) -> None:
    run: Run = given(TICKET, at=NOW, site=CAL)
    contact = t.OpenTicket(
        "site-a", kind, "walk_in", "leak", "it drips", level, "pipes", None, None
    )
    decided = run.when(t.StartTicket(T, contact), at=NOW, **AGENT)
    assert decided[0] == opened_event(
        kind,
        level,
        channel="walk_in",
        subject="leak",
        description="it drips",
        category="pipes",
        first_response_due_at=NOW + timedelta(hours=hours),
    )
    if level == 3:
        assert decided[1:] == [
            escalation(
                reason="level 3 (major) complaint", compensation_involved=False, complaint_level=3
            )
        ]
    else:
        assert len(decided) == 1


def test_start_with_a_customer_and_renovation_unit_and_working_days() -> None:
    cal = site_calendar(
        "site-a",
        {
            "rules": {
                "callcenter": {
                    "sla_calendars": {"repair": "working_days"},
                    "customer_record_hours": 2,
                }
            }
        },
    )
    run: Run = given(TICKET, at=NOW, site=cal)
    contact = t.OpenTicket("site-a", "repair", "phone", "s", customer_id="C-1")
    decided = run.when(t.StartTicket(T, contact, "site-a"), at=NOW, **AGENT)
    assert decided == [
        opened_event(
            customer_id="C-1",
            subject="s",
            # 24 working hours (08:00-18:00): 9 h Friday, 10 h Monday, 5 h Tuesday.
            first_response_due_at=datetime(2026, 3, 17, 5, 0, tzinfo=UTC),
            sla_continuous=False,
            calendar_id="holidays==0.109:CN:Asia/Shanghai",
            customer_record_due_at=NOW + timedelta(hours=2),
        )
    ]
    run2: Run = given(TICKET, at=NOW, site=CAL)
    reno = t.OpenTicket("site-a", "complaint", "phone", "s", "", 2, "renovation", "B1-101")
    (ev,) = run2.when(t.StartTicket(T, reno), at=NOW, **AGENT)
    assert ev == opened_event(
        "complaint", 2, subject="s", category="renovation", renovation_unit="B1-101"
    )


@pytest.mark.parametrize(
    ("contact", "customer_site", "expected"),
    [
        (
            t.OpenTicket("site-a", "repair", "phone", "s", customer_id="C-9"),
            None,
            ("CC-7", "customer record C-9 does not exist", "customer_id", 422),
        ),
        (
            t.OpenTicket("site-a", "repair", "phone", "s", customer_id="C-9"),
            "site-b",
            ("CC-7", "customer record C-9 belongs to another site", "customer_id", 422),
        ),
        (
            t.OpenTicket("site-a", "gossip", "phone", "s"),
            None,
            ("CC-2", "unknown ticket kind 'gossip'", "kind", 422),
        ),
        (
            t.OpenTicket("site-a", "complaint", "phone", "s"),
            None,
            ("CC-3", "a complaint carries a level 1-3", "complaint_level", 422),
        ),
        (
            t.OpenTicket("site-a", "repair", "phone", "s", complaint_level=1),
            None,
            ("CC-2", "only complaints carry a level", "complaint_level", 422),
        ),
        (
            t.OpenTicket("site-a", "complaint", "phone", "s", "", 1, "renovation"),
            None,
            (
                "CC-10",
                "a renovation complaint must name the renovating unit",
                "renovation_unit",
                422,
            ),
        ),
        (
            t.OpenTicket("site-a", "complaint", "phone", "s", "", 1, "renovation", ""),
            None,
            (
                "CC-10",
                "a renovation complaint must name the renovating unit",
                "renovation_unit",
                422,
            ),
        ),
    ],
)
def test_start_refusals_are_exact(
    contact: t.OpenTicket, customer_site: str | None, expected: Refusal
) -> None:
    run: Run = given(TICKET, at=NOW, site=CAL)
    assert refusal(run, t.StartTicket(T, contact, customer_site), at=NOW) == expected


def test_start_renovation_rule_is_for_complaints_only() -> None:
    run: Run = given(TICKET, at=NOW, site=CAL)
    contact = t.OpenTicket("site-a", "repair", "phone", "s", category="renovation")
    (ev,) = run.when(t.StartTicket(T, contact), at=NOW, **AGENT)
    assert ev == opened_event(subject="s", category="renovation")


def test_start_twice_is_refused() -> None:
    contact = t.OpenTicket("site-a", "repair", "phone", "s")
    assert refusal(ticket(), t.StartTicket(T, contact)) == (
        "CC-2",
        "ticket T-1 exists already",
        None,
        409,
    )


# --- state after each event -----------------------------------------------------------


def test_state_after_opening_is_exact() -> None:
    run: Run = given(
        TICKET,
        opened_event("complaint", 2, customer_id="C-1", channel="letter", sla_continuous=False),
        at=NOW,
        site=CAL,
    )
    assert run.state == replace(
        BASE,
        kind="complaint",
        channel="letter",
        complaint_level=2,
        customer_id="C-1",
        sla_continuous=False,
    )


def test_state_through_the_whole_life_is_exact() -> None:
    run = ticket()
    run.given(
        TicketTransferred(ticket_id=T, from_agent="agent-1", to_agent="agent-2", reason="r"),
        at=LATER,
    )
    s1 = replace(BASE, owner="agent-2", updated_at=LATER)
    assert run.state == s1
    t2 = LATER + timedelta(hours=1)
    run.given(
        TicketSlaPaused(
            ticket_id=T,
            reason="away",
            waiting_on="customer",
            remaining_seconds=600,
            calendar_id="cal-x",
        ),
        at=t2,
    )
    s2 = replace(
        s1,
        sla_paused=True,
        sla_remaining=timedelta(seconds=600),
        calendar_id="cal-x",
        updated_at=t2,
    )
    assert run.state == s2
    due = t2 + timedelta(minutes=10)
    run.given(
        TicketSlaResumed(
            ticket_id=T, first_response_due_at=due, remaining_seconds=600, calendar_id="cal-y"
        ),
        at=t2,
    )
    s3 = replace(s2, sla_paused=False, sla_remaining=None, sla_due_at=due, calendar_id="cal-y")
    assert run.state == s3
    run.given(
        SlaBreached(ticket_id=T, kind="repair", owner="agent-2", due_at=due, month="2026-03"), at=t2
    )
    s4 = replace(s3, sla_breached=True)
    assert run.state == s4
    run.given(TicketFirstResponded(ticket_id=T, responded_by="agent-2", within_sla=False), at=t2)
    s5 = replace(s4, responded=True)
    assert run.state == s5
    run.given(
        WorkOrderRequested(
            ticket_id=T, kind="repair", location="l", content="c", requirements="r", reply_by=due
        ),
        at=t2,
    )
    s6 = replace(s5, work_order_open=True, work_order_requested=True, work_order_status="requested")
    assert run.state == s6
    run.given(progressed("overdue"), at=t2)
    s7 = replace(s6, work_order_id="WO-1", work_order_status="overdue", work_order_overdue=True)
    assert run.state == s7
    run.given(progressed("repeat_repair"), at=t2)
    s8 = replace(s7, work_order_status="repeat_repair", repeat_repair=True)
    assert run.state == s8
    run.given(progressed("progress_reported"), at=t2)
    s9 = replace(s8, work_order_status="progress_reported")
    assert run.state == s9
    run.given(progressed("completed"), at=t2)
    s10 = replace(s9, work_order_status="completed", service_completed=True)
    assert run.state == s10
    run.given(progressed("accepted"), at=t2)
    s11 = replace(s10, work_order_status="accepted")
    assert run.state == s11
    run.given(TicketCallbackRecorded(ticket_id=T, attempt=1, reached=False, called_by="a"), at=t2)
    s12 = replace(s11, callback_attempts=1, unreachable_attempts=1)
    assert run.state == s12
    run.given(
        TicketResolved(ticket_id=T, resolved_by="a", via="work_order", work_order_id="WO-1"), at=t2
    )
    s13 = replace(
        s12,
        resolved=True,
        ever_resolved=True,
        work_order_open=False,
        callback_attempts=0,
        unreachable_attempts=0,
    )
    assert run.state == s13
    run.given(
        TicketCallbackRecorded(
            ticket_id=T,
            attempt=1,
            reached=True,
            satisfaction=2,
            resolution_confirmed=False,
            called_by="a",
        ),
        at=t2,
    )
    s14 = replace(
        s13, callback_attempts=1, satisfaction=2, callback_confirmed=False, resolved=False
    )
    assert run.state == s14
    run.given(TicketResolved(ticket_id=T, resolved_by="a", via="agent"), at=t2)
    run.given(TicketCallbackRecorded(ticket_id=T, attempt=2, reached=False, called_by="a"), at=t2)
    run.given(
        TicketCallbackRecorded(
            ticket_id=T,
            attempt=3,
            reached=True,
            satisfaction=5,
            resolution_confirmed=True,
            called_by="a",
        ),
        at=t2,
    )
    s15 = replace(
        s14,
        callback_attempts=3,
        unreachable_attempts=1,
        satisfaction=5,
        callback_confirmed=True,
        resolved=True,
    )
    assert run.state == s15
    t3 = t2 + timedelta(hours=1)
    run.given(TicketClosed(ticket_id=T, closed_by="a", outcome="resolved", month="2026-03"), at=t3)
    s16 = replace(s15, closed_outcome="resolved", closed_at=t3, updated_at=t3)
    assert run.state == s16
    assert run.state.status == "closed"
    run.given(
        SatisfactionSurveyRecorded(ticket_id=T, overall=4, recorded_by="a", month="2026-03"), at=t3
    )
    assert run.state == replace(s16, survey_overall=4)


@pytest.mark.parametrize("status", ["signed_off", "callback_recorded", "archived"])
def test_work_done_steps_complete_the_service(status: str) -> None:
    run = ticket().given(progressed(status), at=LATER)
    assert run.state == replace(
        BASE,
        work_order_id="WO-1",
        work_order_status=status,
        service_completed=True,
        updated_at=LATER,
    )


def test_escalation_state_and_taking() -> None:
    run = ticket("complaint", 1)
    run.given(
        escalation(),
        at=LATER,
    )
    s1 = replace(
        BASE, kind="complaint", complaint_level=1, escalated_to="cc_manager", updated_at=LATER
    )
    assert run.state == s1 and run.state.status == "escalated"
    run.given(
        TicketEscalationTaken(
            ticket_id=T, taken_by="mgr-1", role="cc_manager", previous_owner="agent-1"
        ),
        at=LATER,
    )
    assert run.state == replace(s1, escalated_to=None, owner="mgr-1")


def test_closing_an_open_work_order_ticket_and_answered_inquiry() -> None:
    run = ticket().given(
        WorkOrderRequested(
            ticket_id=T, kind="repair", location="l", content="c", requirements="r", reply_by=LATER
        ),
        at=NOW,
    )
    run.given(
        TicketClosed(ticket_id=T, closed_by="a", outcome="invalid_complaint", month="2026-03"),
        at=LATER,
    )
    assert run.state == replace(
        BASE,
        work_order_requested=True,
        work_order_status="requested",
        closed_outcome="invalid_complaint",
        closed_at=LATER,
        updated_at=LATER,
    )
    inquiry = ticket("inquiry").given(
        TicketClosed(ticket_id=T, closed_by="a", outcome="answered", month="2026-03"), at=LATER
    )
    assert inquiry.state == replace(
        BASE,
        kind="inquiry",
        closed_outcome="answered",
        closed_at=LATER,
        updated_at=LATER,
        service_completed=True,
    )


def progressed(
    status: str, confirmed: bool | None = None, detail: str = ""
) -> TicketWorkOrderProgressed:
    return TicketWorkOrderProgressed(
        ticket_id=T,
        work_order_id="WO-1",
        serial_no=7,
        status=status,
        by="eng-1",
        at=NOW,
        detail=detail,
        confirmed=confirmed,
        source_event_id="ev-1",
    )


# --- guards (CC-1) --------------------------------------------------------------------

CLOSED = TicketClosed(ticket_id=T, closed_by="agent-1", outcome="answered", month="2026-03")

EVERY_ACTING = [
    t.TransferTicket(T, "agent-1", "agent-2", "r"),
    t.RecordFirstResponse(T),
    t.PauseSla(T, "r", "customer"),
    t.ResumeSla(T),
    t.EscalateTicket(T, "r", True),
    t.TakeEscalation(T),
    t.RequestWorkOrder(T, "l", "c", "r", LATER + timedelta(days=1)),
    t.ResolveTicket(T),
    t.RecordCallback(T, False),
    t.CloseTicket(T),
]


@pytest.mark.parametrize("command", [*EVERY_ACTING, t.RecordSatisfactionSurvey(T, 5)])
def test_a_missing_ticket_is_not_found(command: Any) -> None:
    run: Run = given(TICKET, at=NOW, site=CAL)
    assert refusal(run, command) == ("NOT_FOUND", "ticket does not exist", None, 404)


@pytest.mark.parametrize("command", EVERY_ACTING)
def test_a_closed_ticket_refuses_everything(command: Any) -> None:
    run = ticket("complaint", 1, CLOSED)
    assert refusal(run, command, MANAGER) == (
        "CC-1",
        "ticket T-1 is closed",
        "ticket_id",
        409,
    )


@pytest.mark.parametrize(
    ("command", "what"),
    [
        (t.RecordFirstResponse(T), "respond"),
        (t.PauseSla(T, "r", "customer"), "pause the SLA clock"),
        (t.ResumeSla(T), "resume the SLA clock"),
        (t.EscalateTicket(T, "r", True), "escalate"),
        (t.RequestWorkOrder(T, "l", "c", "r", LATER + timedelta(days=1)), "request a work order"),
        (t.ResolveTicket(T), "resolve"),
        (t.CloseTicket(T), "close"),
        (t.TransferTicket(T, "agent-1", "agent-3", "r"), "transfer the ticket"),
    ],
)
def test_only_the_owner_or_a_supervisor_acts(command: Any, what: str) -> None:
    run = ticket("complaint", 1)
    assert refusal(run, command, OTHER) == (
        "CC-1",
        f"only the owner (agent-1) or a shift lead/manager may {what}",
        None,
        403,
    )


# --- _transfer ------------------------------------------------------------------------


def test_transfer_exact() -> None:
    run = ticket()
    cmd = t.TransferTicket(T, "agent-1", "agent-2", "shift end")
    expected = [
        TicketTransferred(ticket_id=T, from_agent="agent-1", to_agent="agent-2", reason="shift end")
    ]
    assert run.when(cmd, at=LATER, **AGENT) == expected
    assert run.when(cmd, at=LATER, **LEAD) == expected
    assert run.when(cmd, at=LATER, **MANAGER) == expected


@pytest.mark.parametrize(
    ("cmd", "expected"),
    [
        (
            t.TransferTicket(T, "agent-9", "agent-2", "r"),
            ("CC-1", "`from` must be the current owner (agent-1), not agent-9", "from", 422),
        ),
        (
            t.TransferTicket(T, "agent-1", "agent-1", "r"),
            ("CC-1", "a transfer needs another agent", "to", 422),
        ),
        (
            t.TransferTicket(T, "agent-1", "agent-2", "   "),
            ("CC-1", "a transfer names its reason", "reason", 422),
        ),
        (
            t.TransferTicket(T, "agent-1", "agent-2", ""),
            ("CC-1", "a transfer names its reason", "reason", 422),
        ),
    ],
)
def test_transfer_refusals_exact(cmd: t.TransferTicket, expected: Refusal) -> None:
    assert refusal(ticket(), cmd) == expected


# --- _escalate / _take ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "comp", "cannot"),
    [(1, True, False), (2, False, True), (3, False, False), (1, True, True)],
)
def test_escalate_exact(level: int, comp: bool, cannot: bool) -> None:
    run = ticket("complaint", level)
    decided = run.when(t.EscalateTicket(T, "money", comp, cannot), at=LATER, **AGENT)
    assert decided == [
        escalation(
            reason="money",
            compensation_involved=comp,
            agent_cannot_resolve=cannot,
            complaint_level=level,
        )
    ]


def test_escalate_refusals_exact() -> None:
    assert refusal(ticket("repair"), t.EscalateTicket(T, "r", True)) == (
        "CC-3",
        "only complaints are escalated",
        "kind",
        422,
    )
    assert refusal(ticket("complaint", 2), t.EscalateTicket(T, "r")) == (
        "CC-3",
        "a general complaint stays with the owning agent: only compensation, level 3 or "
        "an agent who cannot resolve it goes to the manager",
        None,
        422,
    )
    escalated = ticket(
        "complaint",
        3,
        escalation(compensation_involved=False, complaint_level=3),
    )
    assert refusal(escalated, t.EscalateTicket(T, "r", True)) == (
        "CC-3",
        "already escalated to cc_manager",
        None,
        409,
    )
    # escalated earlier to a shift lead: it may go on to the manager
    to_lead = ticket(
        "complaint",
        1,
        escalation(to_role="shift_lead"),
    )
    assert len(to_lead.when(t.EscalateTicket(T, "r", True), at=LATER, **AGENT)) == 1


def _escalated(role: str) -> Run:
    return ticket(
        "complaint",
        1,
        escalation(to_role=role),
    )


@pytest.mark.parametrize(
    ("role", "who", "ok"),
    [
        ("shift_lead", {"actor": "x", "roles": {"shift_lead"}}, True),
        ("shift_lead", {"actor": "x", "roles": {"cc_manager"}}, True),
        ("shift_lead", {"actor": "x", "roles": {"admin"}}, True),
        ("shift_lead", {"actor": "x", "roles": {"agent"}}, False),
        ("cc_manager", {"actor": "x", "roles": {"cc_manager"}}, True),
        ("cc_manager", {"actor": "x", "roles": {"admin"}}, True),
        ("cc_manager", {"actor": "x", "roles": {"shift_lead"}}, False),
    ],
)
def test_take_escalation_exact(role: str, who: dict[str, Any], ok: bool) -> None:
    run = _escalated(role)
    if ok:
        assert run.when(t.TakeEscalation(T), at=LATER, **who) == [
            TicketEscalationTaken(ticket_id=T, taken_by="x", role=role, previous_owner="agent-1")
        ]
    else:
        assert refusal(run, t.TakeEscalation(T), who) == (
            "CC-3",
            f"this escalation must be taken by a {role}",
            None,
            403,
        )


def test_take_without_escalation_is_refused() -> None:
    assert refusal(ticket("complaint", 1), t.TakeEscalation(T), MANAGER) == (
        "CC-3",
        "the ticket is not escalated",
        None,
        409,
    )


# --- _attach / _record_missing --------------------------------------------------------


def test_attach_and_record_missing_exact() -> None:
    from opsledger_contracts.events.callcenter import CustomerRecordMissing, TicketCustomerLinked

    run = ticket()
    assert run.when(t.AttachCustomer(T, "C-1", "site-a"), at=LATER) == [
        TicketCustomerLinked(ticket_id=T, customer_id="C-1")
    ]
    assert refusal(run, t.AttachCustomer(T, "C-1", None)) == (
        "CC-7",
        "customer record C-1 does not exist",
        "customer_id",
        422,
    )
    assert refusal(run, t.AttachCustomer(T, "C-1", "site-b")) == (
        "CC-7",
        "customer record C-1 belongs to another site",
        "customer_id",
        422,
    )
    empty: Run = given(TICKET, at=NOW, site=CAL)
    assert refusal(empty, t.AttachCustomer(T, "C-1", "site-a")) == (
        "NOT_FOUND",
        "ticket does not exist",
        None,
        404,
    )
    due = NOW + timedelta(hours=24)
    assert run.when(t.MarkCustomerRecordMissing(T, due), at=due) == [
        CustomerRecordMissing(ticket_id=T, due_at=due, owner="agent-1")
    ]
    assert empty.when(t.MarkCustomerRecordMissing(T, due), at=due) == []
    run.given(TicketCustomerLinked(ticket_id=T, customer_id="C-1"), at=LATER)
    assert run.state == replace(BASE, customer_id="C-1", updated_at=LATER)
    assert run.when(t.AttachCustomer(T, "C-1", "site-a"), at=LATER) == []
    assert run.when(t.AttachCustomer(T, "C-2", "site-a"), at=LATER) == [
        TicketCustomerLinked(ticket_id=T, customer_id="C-2")
    ]
    assert run.when(t.MarkCustomerRecordMissing(T, due), at=due) == []
    missing = ticket().given(
        CustomerRecordMissing(ticket_id=T, due_at=due, owner="agent-1"), at=due
    )
    assert missing.state == replace(BASE, customer_record_missing=True, updated_at=due)


# --- sla: first response, pause, resume, breach (CC-3) --------------------------------


@pytest.mark.parametrize(
    ("history", "at", "within"),
    [
        ((), NOW + timedelta(hours=24), True),
        ((), NOW + timedelta(hours=24, seconds=1), False),
        (
            (
                TicketSlaPaused(
                    ticket_id=T,
                    reason="r",
                    waiting_on="customer",
                    remaining_seconds=5,
                    calendar_id=CAL_24,
                ),
            ),
            NOW + timedelta(days=9),
            True,
        ),
        (
            (
                SlaBreached(
                    ticket_id=T,
                    kind="repair",
                    owner="agent-1",
                    due_at=NOW + timedelta(hours=24),
                    month="2026-03",
                ),
            ),
            NOW + timedelta(hours=1),
            False,
        ),
    ],
)
def test_first_response_exact(
    history: tuple[EventPayload, ...], at: datetime, within: bool
) -> None:
    run = ticket("repair", None, *history)
    assert run.when(t.RecordFirstResponse(T, "called"), at=at, **LEAD) == [
        TicketFirstResponded(ticket_id=T, responded_by="lead-1", note="called", within_sla=within)
    ]


def test_first_response_without_deadline_is_within() -> None:
    from callcenter.domain.tickets.sla import first_response
    from opsledger.decider import DecisionContext

    state = replace(BASE, sla_due_at=None)
    ctx = DecisionContext(
        now=NOW + timedelta(days=30), actor="agent-1", site=CAL, roles=frozenset()
    )
    assert first_response(state, t.RecordFirstResponse(T), ctx) == [
        TicketFirstResponded(ticket_id=T, responded_by="agent-1", note="", within_sla=True)
    ]


def test_first_response_twice_is_refused() -> None:
    assert refusal(responded(), t.RecordFirstResponse(T)) == (
        "CC-3",
        "the first response is recorded already",
        None,
        409,
    )


def test_pause_and_resume_exact() -> None:
    run = ticket()
    decided = run.when(t.PauseSla(T, "waiting", "third_party"), at=LATER, **AGENT)
    assert decided == [
        TicketSlaPaused(
            ticket_id=T,
            reason="waiting",
            waiting_on="third_party",
            remaining_seconds=23 * 3600,
            calendar_id=CAL_24,
        )
    ]
    run.given(*decided, at=LATER)
    back = LATER + timedelta(hours=5)
    assert run.when(t.ResumeSla(T), at=back, **AGENT) == [
        TicketSlaResumed(
            ticket_id=T,
            first_response_due_at=back + timedelta(hours=23),
            remaining_seconds=23 * 3600,
            calendar_id=CAL_24,
        )
    ]


def test_pause_and_resume_on_working_days() -> None:
    working = opened_event(
        first_response_due_at=datetime(2026, 3, 16, 1, 0, tzinfo=UTC),
        sla_continuous=False,
        calendar_id="holidays==0.109:CN:Asia/Shanghai",
    )
    run: Run = given(TICKET, working, at=NOW, site=CAL)
    (paused,) = run.when(t.PauseSla(T, "w", "customer"), at=NOW, **AGENT)
    assert isinstance(paused, TicketSlaPaused)
    assert paused.calendar_id == "holidays==0.109:CN:Asia/Shanghai"
    assert paused.remaining_seconds < 3 * 24 * 3600
    run.given(paused, at=NOW)
    (resumed,) = run.when(t.ResumeSla(T), at=NOW, **AGENT)
    assert isinstance(resumed, TicketSlaResumed)
    assert resumed.first_response_due_at == datetime(2026, 3, 16, 1, 0, tzinfo=UTC)
    assert resumed.calendar_id == "holidays==0.109:CN:Asia/Shanghai"


@pytest.mark.parametrize(
    "history",
    [
        (TicketFirstResponded(ticket_id=T, responded_by="agent-1", within_sla=True),),
        (
            TicketSlaPaused(
                ticket_id=T,
                reason="r",
                waiting_on="customer",
                remaining_seconds=5,
                calendar_id=CAL_24,
            ),
        ),
        (
            SlaBreached(
                ticket_id=T,
                kind="repair",
                owner="agent-1",
                due_at=NOW + timedelta(hours=24),
                month="2026-03",
            ),
        ),
    ],
)
def test_pause_refused_when_the_clock_is_not_running(history: tuple[EventPayload, ...]) -> None:
    assert refusal(ticket("repair", None, *history), t.PauseSla(T, "r", "customer")) == (
        "CC-3",
        "the SLA clock is not running (answered, paused already or breached)",
        None,
        409,
    )


def test_resume_refused_when_not_paused() -> None:
    assert refusal(ticket(), t.ResumeSla(T)) == ("CC-3", "the SLA clock is not paused", None, 409)


def test_breach_exact() -> None:
    due = NOW + timedelta(hours=24)
    run = ticket()
    expected = [
        SlaBreached(ticket_id=T, kind="repair", owner="agent-1", due_at=due, month="2026-03")
    ]
    assert run.when(t.MarkSlaBreached(T, due), at=due) == expected
    near = due + timedelta(seconds=1)
    assert run.when(t.MarkSlaBreached(T, near), at=near) == [
        SlaBreached(ticket_id=T, kind="repair", owner="agent-1", due_at=near, month="2026-03")
    ]
    early = due - timedelta(seconds=1)
    assert len(run.when(t.MarkSlaBreached(T, early), at=due)) == 1
    assert run.when(t.MarkSlaBreached(T, due + timedelta(seconds=2)), at=due) == []
    assert run.when(t.MarkSlaBreached(T, due - timedelta(seconds=2)), at=due) == []
    assert responded().when(t.MarkSlaBreached(T, due), at=due) == []
    empty: Run = given(TICKET, at=NOW, site=CAL)
    assert empty.when(t.MarkSlaBreached(T, due), at=due) == []


# --- closing: work order, resolve, callback, close, survey (CC-4 … CC-6) --------------

REPLY_BY = LATER + timedelta(days=1)
REQUEST = t.RequestWorkOrder(
    T, "B3-1202 kitchen", "leak", "bring a trap", REPLY_BY, "sink", "plumb"
)
REQUESTED = WorkOrderRequested(
    ticket_id=T,
    kind="repair",
    location="B3-1202 kitchen",
    content="leak",
    requirements="bring a trap",
    reply_by=REPLY_BY,
    asset_id="sink",
    fault_code="plumb",
)


@pytest.mark.parametrize("kind", ["repair", "complaint"])
def test_request_work_order_exact(kind: str) -> None:
    run = ticket(kind, 1 if kind == "complaint" else None)
    assert run.when(REQUEST, at=LATER, **LEAD) == [REQUESTED.model_copy(update={"kind": kind})]
    bare = t.RequestWorkOrder(T, "l", "c", "r", REPLY_BY)
    assert run.when(bare, at=LATER, **AGENT) == [
        WorkOrderRequested(
            ticket_id=T, kind=kind, location="l", content="c", requirements="r", reply_by=REPLY_BY
        )
    ]


@pytest.mark.parametrize(
    ("run", "cmd", "expected"),
    [
        (
            ticket("inquiry"),
            REQUEST,
            ("CC-4", "only repairs and complaints needing on-site work", "kind", 422),
        ),
        (
            ticket("emergency"),
            REQUEST,
            ("CC-4", "only repairs and complaints needing on-site work", "kind", 422),
        ),
        (resolved(), REQUEST, ("CC-4", "the ticket is resolved already", None, 409)),
        (
            ticket("repair", None, REQUESTED),
            REQUEST,
            ("CC-4", "a work order is already under way", None, 409),
        ),
        (
            resolved()
            .given(
                TicketCallbackRecorded(
                    ticket_id=T,
                    attempt=1,
                    reached=True,
                    satisfaction=2,
                    resolution_confirmed=False,
                    called_by="agent-1",
                ),
                at=NOW,
            )
            .given(
                REQUESTED, TicketResolved(ticket_id=T, resolved_by="a", via="work_order"), at=NOW
            )
            .given(
                TicketCallbackRecorded(
                    ticket_id=T,
                    attempt=1,
                    reached=True,
                    satisfaction=2,
                    resolution_confirmed=False,
                    called_by="agent-1",
                ),
                at=NOW,
            ),
            REQUEST,
            (
                "CC-4",
                "this ticket had its work order; open a new ticket for further on-site work",
                None,
                409,
            ),
        ),
        (
            ticket(),
            t.RequestWorkOrder(T, "l", "c", "r", LATER),
            ("CC-4", "reply_by must be in the future", "reply_by", 422),
        ),
        (
            ticket(),
            t.RequestWorkOrder(T, "l", "c", "r", LATER - timedelta(seconds=1)),
            ("CC-4", "reply_by must be in the future", "reply_by", 422),
        ),
    ],
)
def test_request_work_order_refusals_exact(run: Run, cmd: Any, expected: Refusal) -> None:
    assert refusal(run, cmd, at=LATER) == expected


def test_request_work_order_just_in_the_future() -> None:
    cmd = t.RequestWorkOrder(T, "l", "c", "r", LATER + timedelta(seconds=1))
    assert len(ticket().when(cmd, at=LATER, **AGENT)) == 1


def test_work_order_progress_exact() -> None:
    run = ticket("repair", None, REQUESTED)
    prog = t.RecordWorkOrderProgress(T, "WO-1", 7, "completed", "eng-1", NOW, "ev-1", "done", None)
    assert run.when(prog, at=LATER) == [progressed("completed", None, "done")]
    cb = t.RecordWorkOrderProgress(
        T, "WO-1", 7, "callback_recorded", "eng-1", NOW, "ev-1", "ok", True
    )
    assert run.when(cb, at=LATER) == [
        progressed("callback_recorded", True, "ok"),
        TicketResolved(
            ticket_id=T, resolved_by="eng-1", via="work_order", work_order_id="WO-1", note="ok"
        ),
    ]
    unconfirmed = replace(cb, confirmed=False)
    assert run.when(unconfirmed, at=LATER) == [progressed("callback_recorded", False, "ok")]
    not_callback = replace(cb, status="signed_off")
    assert run.when(not_callback, at=LATER) == [progressed("signed_off", True, "ok")]
    assert resolved().when(cb, at=LATER) == [progressed("callback_recorded", True, "ok")]
    assert ticket("repair", None, CLOSED).when(cb, at=LATER) == [
        progressed("callback_recorded", True, "ok")
    ]
    empty: Run = given(TICKET, at=NOW, site=CAL)
    assert empty.when(cb, at=LATER) == []


def test_resolve_exact() -> None:
    expected = [TicketResolved(ticket_id=T, resolved_by="agent-1", via="agent", note="fixed")]
    assert responded().when(t.ResolveTicket(T, "fixed"), at=LATER, **AGENT) == expected
    escalated = responded("complaint", 1).given(
        escalation(),
        at=NOW,
    )
    for who in (MANAGER, {"actor": "adm", "roles": {"admin"}}):
        assert escalated.when(t.ResolveTicket(T), at=LATER, **who) == [
            TicketResolved(ticket_id=T, resolved_by=who["actor"], via="agent")
        ]
    for who in (AGENT, LEAD):
        assert refusal(escalated, t.ResolveTicket(T), who) == (
            "CC-3",
            "the complaint is escalated to the manager: the manager resolves it",
            None,
            403,
        )
    to_lead = responded("complaint", 1).given(
        escalation(to_role="shift_lead"),
        at=NOW,
    )
    assert len(to_lead.when(t.ResolveTicket(T), at=LATER, **AGENT)) == 1


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        (
            responded("inquiry"),
            ("CC-5", "an inquiry is closed after its first response", "kind", 422),
        ),
        (resolved(), ("CC-5", "the ticket is resolved already", None, 409)),
        (ticket(), ("CC-3", "record the first response before resolving", "first_response", 422)),
        (
            responded().given(REQUESTED, at=NOW),
            ("CC-4", "the work order decides: wait for dispatch's confirmed callback", None, 409),
        ),
    ],
)
def test_resolve_refusals_exact(run: Run, expected: Refusal) -> None:
    assert refusal(run, t.ResolveTicket(T)) == expected


def test_callback_exact_reached() -> None:
    run = resolved()
    cmd = t.RecordCallback(T, True, 4, True, "happy")
    assert run.when(cmd, at=LATER, **OTHER) == [
        TicketCallbackRecorded(
            ticket_id=T,
            attempt=1,
            reached=True,
            satisfaction=4,
            resolution_confirmed=True,
            called_by="agent-2",
            note="happy",
        )
    ]
    run.given(
        TicketCallbackRecorded(ticket_id=T, attempt=1, reached=False, called_by="a"), at=LATER
    )
    assert run.when(t.RecordCallback(T, True, 1, False), at=LATER, **AGENT) == [
        TicketCallbackRecorded(
            ticket_id=T,
            attempt=2,
            reached=True,
            satisfaction=1,
            resolution_confirmed=False,
            called_by="agent-1",
            note="",
        )
    ]


def test_callback_unreachable_closes_at_the_sites_limit() -> None:
    run = resolved()
    miss = t.RecordCallback(T, False, note="no answer")

    def unreached(attempt: int) -> TicketCallbackRecorded:
        return TicketCallbackRecorded(
            ticket_id=T, attempt=attempt, reached=False, called_by="agent-1", note="no answer"
        )

    assert run.record(miss, at=LATER, **AGENT).history[-1].payload == unreached(1)
    assert run.record(miss, at=LATER, **AGENT).history[-1].payload == unreached(2)
    assert run.when(miss, at=LATER, **AGENT) == [
        unreached(3),
        TicketClosed(
            ticket_id=T, closed_by="agent-1", outcome="callback_unreachable", month="2026-03"
        ),
    ]
    one = site_calendar("site-a", {"rules": {"callcenter": {"callback_attempts": 1}}})
    first: Run = given(TICKET, *[e.payload for e in resolved().history], at=NOW, site=one)
    assert first.when(miss, at=LATER, **AGENT) == [
        unreached(1),
        TicketClosed(
            ticket_id=T, closed_by="agent-1", outcome="callback_unreachable", month="2026-03"
        ),
    ]
    two = site_calendar("site-a", {"rules": {"callcenter": {"callback_attempts": 2}}})
    second: Run = given(TICKET, *[e.payload for e in resolved().history], at=NOW, site=two)
    assert second.when(miss, at=LATER, **AGENT) == [unreached(1)]


@pytest.mark.parametrize(
    ("run", "cmd", "expected"),
    [
        (
            responded(),
            t.RecordCallback(T, False),
            ("CC-5", "a callback follows the resolution", "ticket_id", 422),
        ),
        (
            resolved().given(
                TicketCallbackRecorded(
                    ticket_id=T,
                    attempt=1,
                    reached=True,
                    satisfaction=5,
                    resolution_confirmed=True,
                    called_by="a",
                ),
                at=NOW,
            ),
            t.RecordCallback(T, False),
            ("CC-5", "the callback is recorded already", None, 409),
        ),
        (
            resolved(),
            t.RecordCallback(T, True, None, True),
            ("CC-5", "a reached customer rates 1-5", "satisfaction", 422),
        ),
        (
            resolved(),
            t.RecordCallback(T, True, 3, None),
            ("CC-5", "say whether the customer confirms", "resolution_confirmed", 422),
        ),
        (
            resolved(),
            t.RecordCallback(T, False, 3),
            ("CC-5", "an unreached customer gives no rating", "satisfaction", 422),
        ),
        (
            resolved(),
            t.RecordCallback(T, False, None, False),
            ("CC-5", "an unreached customer gives no rating", "satisfaction", 422),
        ),
    ],
)
def test_callback_refusals_exact(run: Run, cmd: t.RecordCallback, expected: Refusal) -> None:
    assert refusal(run, cmd) == expected


def _confirmed(kind: str = "repair") -> Run:
    return resolved(kind).given(
        TicketCallbackRecorded(
            ticket_id=T,
            attempt=1,
            reached=True,
            satisfaction=5,
            resolution_confirmed=True,
            called_by="a",
        ),
        at=NOW,
    )


def test_close_exact() -> None:
    def closed(outcome: str, by: str = "agent-1") -> list[EventPayload]:
        return [TicketClosed(ticket_id=T, closed_by=by, outcome=outcome, month="2026-03")]

    assert _confirmed().when(t.CloseTicket(T), at=LATER, **AGENT) == closed("resolved")
    assert _confirmed("complaint").when(t.CloseTicket(T), at=LATER, **LEAD) == closed(
        "resolved", "lead-1"
    )
    assert responded("inquiry").when(t.CloseTicket(T), at=LATER, **AGENT) == closed("answered")
    admin: dict[str, Any] = {"actor": "adm", "roles": {"admin"}}
    for who in (LEAD, MANAGER, admin):
        assert ticket("complaint", 1).when(t.CloseTicket(T, True), at=LATER, **who) == closed(
            "invalid_complaint", str(who["actor"])
        )


@pytest.mark.parametrize(
    ("run", "cmd", "who", "expected"),
    [
        (
            ticket("repair"),
            t.CloseTicket(T, True),
            LEAD,
            ("CC-6", "only complaints can be invalid", "kind", 422),
        ),
        (
            ticket("complaint", 1),
            t.CloseTicket(T, True),
            AGENT,
            ("CC-6", "only a shift lead or manager rules a complaint invalid", None, 403),
        ),
        (
            ticket("inquiry"),
            t.CloseTicket(T),
            AGENT,
            ("CC-5", "an inquiry closes after its first response", "first_response", 422),
        ),
        (
            responded(),
            t.CloseTicket(T),
            AGENT,
            ("CC-5", "the ticket is not resolved", "resolution", 422),
        ),
        (
            resolved(),
            t.CloseTicket(T),
            AGENT,
            (
                "CC-5",
                "no callback recorded: a resolved ticket closes only after the customer "
                "was called back and confirmed",
                "callback",
                422,
            ),
        ),
    ],
)
def test_close_refusals_exact(
    run: Run, cmd: t.CloseTicket, who: dict[str, Any], expected: Refusal
) -> None:
    assert refusal(run, cmd, who) == expected


def test_survey_exact() -> None:
    run = _confirmed()
    cmd = t.RecordSatisfactionSurvey(T, 5, {"speed": 1, "manner": 5}, "great")
    assert run.when(cmd, at=LATER, **OTHER) == [
        SatisfactionSurveyRecorded(
            ticket_id=T,
            overall=5,
            scores={"speed": 1, "manner": 5},
            comments="great",
            recorded_by="agent-2",
            month="2026-03",
        )
    ]
    assert run.when(t.RecordSatisfactionSurvey(T, 1), at=LATER, **AGENT) == [
        SatisfactionSurveyRecorded(ticket_id=T, overall=1, recorded_by="agent-1", month="2026-03")
    ]
    closed = run.given(
        TicketClosed(ticket_id=T, closed_by="a", outcome="resolved", month="2026-03"), at=NOW
    )
    assert len(closed.when(t.RecordSatisfactionSurvey(T, 3), at=LATER, **AGENT)) == 1


@pytest.mark.parametrize(
    ("run", "cmd", "expected"),
    [
        (
            responded(),
            t.RecordSatisfactionSurvey(T, 5),
            ("CC-6", "the survey form follows a completed service", "ticket_id", 422),
        ),
        (
            _confirmed().given(
                SatisfactionSurveyRecorded(
                    ticket_id=T, overall=4, recorded_by="a", month="2026-03"
                ),
                at=NOW,
            ),
            t.RecordSatisfactionSurvey(T, 5),
            ("CC-6", "the survey form is recorded already", None, 409),
        ),
        (
            _confirmed(),
            t.RecordSatisfactionSurvey(T, 0),
            ("CC-6", "overall satisfaction is 1-5", "overall", 422),
        ),
        (
            _confirmed(),
            t.RecordSatisfactionSurvey(T, 6),
            ("CC-6", "overall satisfaction is 1-5", "overall", 422),
        ),
        (
            _confirmed(),
            t.RecordSatisfactionSurvey(T, 3, {"a": 3, "b": 0}),
            ("CC-6", "every score is 1-5", "scores", 422),
        ),
        (
            _confirmed(),
            t.RecordSatisfactionSurvey(T, 3, {"a": 6}),
            ("CC-6", "every score is 1-5", "scores", 422),
        ),
    ],
)
def test_survey_refusals_exact(
    run: Run, cmd: t.RecordSatisfactionSurvey, expected: Refusal
) -> None:
    assert refusal(run, cmd) == expected


# --- ids, timers and the pause invariant ----------------------------------------------


def test_ids_and_timer_ids_are_exact() -> None:
    import re

    from callcenter.domain.customers import new_customer_id
    from callcenter.domain.tickets import customer_record_timer_id, new_ticket_id, sla_timer_id

    assert re.fullmatch(r"T-site-a-[0-9a-f]{12}", new_ticket_id("site-a"))
    assert re.fullmatch(r"C-site-a-[0-9a-f]{12}", new_customer_id("site-a"))
    assert sla_timer_id(T) == "ticket-sla-T-1"
    assert customer_record_timer_id(T) == "ticket-customer-record-T-1"


def test_reactions_are_exact() -> None:
    from callcenter.domain.tickets import CUSTOMER_RECORD_TIMER, SLA_TIMER
    from opsledger.decider import Cancel, Schedule

    assert (SLA_TIMER, CUSTOMER_RECORD_TIMER) == (
        "callcenter.ticket-sla",
        "callcenter.customer-record",
    )
    due = NOW + timedelta(hours=24)
    run = ticket()
    assert list(run.reactions()) == [
        Schedule("ticket-sla-T-1", "callcenter.ticket-sla", due, {"ticket_id": T}),
        Schedule("ticket-customer-record-T-1", "callcenter.customer-record", due, {"ticket_id": T}),
    ]
    back = LATER + timedelta(hours=2)
    paused = ticket(
        "repair",
        None,
        TicketSlaPaused(
            ticket_id=T,
            reason="r",
            waiting_on="customer",
            remaining_seconds=60,
            calendar_id=CAL_24,
        ),
        TicketSlaResumed(
            ticket_id=T, first_response_due_at=back, remaining_seconds=60, calendar_id=CAL_24
        ),
        TicketFirstResponded(ticket_id=T, responded_by="agent-1", within_sla=True),
        CLOSED,
    )
    assert list(paused.reactions())[2:] == [
        Cancel("ticket-sla-T-1"),
        Schedule("ticket-sla-T-1", "callcenter.ticket-sla", back, {"ticket_id": T}),
        Cancel("ticket-sla-T-1"),
        Cancel("ticket-sla-T-1"),
    ]


def test_resume_refuses_a_paused_state_without_remaining_time() -> None:
    from callcenter.domain.tickets.sla import resume
    from opsledger.decider import DecisionContext

    ctx = DecisionContext(now=LATER, actor="agent-1", site=CAL, roles=frozenset())
    with pytest.raises(DomainError) as info:
        resume(replace(BASE, sla_paused=True, sla_remaining=None), t.ResumeSla(T), ctx)
    assert (info.value.code, info.value.message, info.value.status) == (
        "CC-3",
        "the SLA clock is not paused",
        409,
    )


def test_resolving_ends_the_escalation_in_the_state() -> None:
    run = _escalated("cc_manager").given(
        TicketResolved(ticket_id=T, resolved_by="mgr-1", via="agent"), at=LATER
    )
    assert run.state == replace(
        BASE,
        kind="complaint",
        complaint_level=1,
        escalated_to=None,
        resolved=True,
        ever_resolved=True,
        service_completed=True,
        updated_at=LATER,
    )


@pytest.mark.parametrize(
    "state",
    [replace(BASE, kind="repair", complaint_level=1), replace(BASE, kind="complaint")],
)
def test_escalate_needs_a_complaint_with_a_level(state: TicketState) -> None:
    from callcenter.domain.tickets.decide import decide
    from opsledger.decider import DecisionContext

    ctx = DecisionContext(now=LATER, actor="agent-1", site=CAL, roles=frozenset({"agent"}))
    with pytest.raises(DomainError) as info:
        decide(state, t.EscalateTicket(T, "r", True), ctx)
    e = info.value
    assert (e.code, e.message, e.field, e.status) == (
        "CC-3",
        "only complaints are escalated",
        "kind",
        422,
    )


# --- KPI figures (CC-6, CC-11) --------------------------------------------------------


def test_kpi_ratio_and_sla_breach_figures_are_exact() -> None:
    from callcenter.domain.kpis import Kpi, MonthCounts, evaluate
    from callcenter.domain.rules import CallcenterRules

    rules = CallcenterRules.model_validate({"kpi_targets": {"max_sla_breaches": 2}})
    figures = {
        k.name: k
        for k in evaluate(MonthCounts(tickets=9, resolved=3, called_back=1, sla_breaches=2), rules)
    }
    assert figures["callback_rate"] == Kpi("callback_rate", 1, 3, 0.3333, 1.0, False)
    assert figures["satisfaction_share"] == Kpi("satisfaction_share", 0, 0, None, 0.9, None)
    assert figures["sla_breaches"] == Kpi("sla_breaches", 2, 9, None, 2, True)
    over = {k.name: k for k in evaluate(MonthCounts(tickets=9, sla_breaches=3), rules)}
    assert over["sla_breaches"] == Kpi("sla_breaches", 3, 9, None, 2, False)
