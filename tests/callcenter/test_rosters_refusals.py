"""CC-8/CC-9 every roster, leave and swap refusal pinned: rule, field, status, message."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from callcenter.domain.calls import CALL, SEAT
from callcenter.domain.calls import commands as calls
from callcenter.domain.rosters import HANDOVER, ROSTER
from callcenter.domain.rosters import commands as r
from opsledger.errors import DomainError
from opsledger.testing import given
from opsledger_contracts.events.callcenter import CallLogged, SeatLoggedOut, ShiftHandedOver

from tests.callcenter.test_rosters import (
    LEAD,
    MANAGER,
    MONTH,
    NOW,
    SITE,
    approval,
    d,
    do,
    refused,
    request,
    roster,
)


def pinned(err: DomainError) -> tuple[str, str | None, int, str]:
    return err.code, err.field, err.status, err.message


def test_cc8_roster_change_refusals() -> None:
    run = roster((1, "morning", "agent-1"))
    change = r.ChangeRoster(SITE, MONTH, d(1), "morning", "x", "agent-1", "agent-2")
    assert pinned(refused(run, change, "agent-1")) == (
        "CC-8",
        None,
        403,
        "roster changes need a supervisor's approval",
    )
    stray = r.ChangeRoster(SITE, MONTH, datetime(2026, 5, 1).date(), "morning", "x", "agent-1")
    assert pinned(refused(run, stray, LEAD)) == (
        "CC-8",
        "date",
        422,
        "2026-05-01 is not in 2026-04",
    )
    nobody = r.ChangeRoster(SITE, MONTH, d(1), "morning", "x")
    assert pinned(refused(run, nobody, LEAD)) == (
        "CC-8",
        "add_staff_id",
        422,
        "name who comes off or goes on",
    )
    absent = r.ChangeRoster(SITE, MONTH, d(1), "night", "x", "agent-1")
    assert pinned(refused(run, absent, LEAD)) == (
        "CC-8",
        "remove_staff_id",
        422,
        "agent-1 is not on that shift",
    )
    twice = r.ChangeRoster(SITE, MONTH, d(1), "morning", "x", None, "agent-1")
    assert pinned(refused(run, twice, LEAD)) == (
        "CC-8",
        "add_staff_id",
        422,
        "agent-1 is on that shift",
    )


def test_cc9_leave_refusals() -> None:
    run = roster((1, "morning", "agent-1"))
    grant = r.GrantLeave(SITE, MONTH, "agent-1", d(1), "morning", "sick")
    assert pinned(refused(run, grant, "agent-1")) == (
        "CC-9",
        None,
        403,
        "leave is granted by a shift lead or manager",
    )
    off = r.GrantLeave(SITE, MONTH, "agent-1", d(2), "morning", "sick")
    assert pinned(refused(run, off, LEAD)) == (
        "CC-9",
        "date",
        422,
        "agent-1 is not rostered on 2026-04-02 morning",
    )
    do(run, grant, LEAD)
    assert pinned(refused(run, grant, LEAD)) == ("CC-9", None, 409, "that leave is granted already")


def test_cc9_a_swap_that_does_not_exist() -> None:
    run = roster((1, "morning", "agent-1"))
    err = refused(run, r.AgreeSwap(SITE, MONTH, "S-none"))
    assert pinned(err) == ("NOT_FOUND", None, 404, "swap S-none does not exist")
    run = roster((8, "morning", "agent-1"), (10, "morning", "agent-2"))
    do(run, request("S1", (8, "morning"), "agent-2", (10, "morning")))
    assert pinned(refused(run, r.AgreeSwap(SITE, MONTH, "S2"), "agent-2"))[3] == (
        "swap S2 does not exist"
    )


def test_cc11_call_refusals_and_the_logged_call() -> None:
    now = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)
    scenario = given(CALL, at=now)

    def call(outcome: str, when: datetime, by: str | None = None) -> calls.LogCall:
        return calls.LogCall(SITE, "c-1", outcome, when, by)  # type: ignore[arg-type]

    future = scenario.refuses(call("answered", now.replace(minute=1), "agent-1"), "CC-11", at=now)
    assert pinned(future) == ("CC-11", "offered_at", 422, "a call cannot ring in the future")
    unnamed = scenario.refuses(call("answered", now), "CC-11", at=now)
    assert pinned(unnamed) == ("CC-11", "answered_by", 422, "name the agent who answered")
    # Ringing right now is not the future; an abandoned call names nobody.
    (logged,) = scenario.when(call("abandoned", now, "agent-1"), at=now)
    assert logged == CallLogged(
        call_id="c-1", outcome="abandoned", offered_at=now, answered_by=None, month="2026-04"
    )
    (answered,) = scenario.when(call("answered", now, "agent-1"), at=now)
    assert isinstance(answered, CallLogged) and answered.answered_by == "agent-1"
    scenario.record(call("answered", now, "agent-1"), at=now)
    again = scenario.refuses(call("abandoned", now), "CC-11", at=now)
    assert pinned(again) == ("CC-11", None, 409, "call c-1 is logged already")


def test_cc9_a_swap_needs_two_people() -> None:
    run = roster((8, "morning", "agent-1"), (10, "morning", "agent-2"))
    err = refused(run, request("S1", (8, "morning"), "agent-1", (10, "morning")))
    assert pinned(err) == ("CC-9", "counterpart", 422, "a swap needs two different people")


def test_cc9_a_swap_names_shifts_both_parties_are_rostered_on() -> None:
    run = roster((8, "morning", "agent-1"), (10, "morning", "agent-2"))
    assert run.state.site_id == SITE
    err = refused(run, request("S1", (8, "night"), "agent-2", (10, "morning")))
    assert pinned(err) == (
        "CC-9",
        "requester_date",
        422,
        "agent-1 is not rostered on 2026-04-08 night",
    )
    err = refused(run, request("S1", (8, "morning"), "agent-2", (10, "afternoon")))
    assert pinned(err) == (
        "CC-9",
        "counterpart_date",
        422,
        "agent-2 is not rostered on 2026-04-10 afternoon",
    )


def test_cc9_back_to_back_names_the_two_shifts_in_the_order_they_are_worked() -> None:
    # agent-1 works the morning of the 14th (08-20) and would take its afternoon (09-21).
    run = roster((14, "morning", "agent-1"), (14, "afternoon", "agent-2"), (20, "night", "agent-1"))
    err = refused(run, request("S1", (20, "night"), "agent-2", (14, "afternoon")))
    assert pinned(err) == (
        "CC-9",
        "requester",
        422,
        "agent-1 would work two shifts back to back (2026-04-14 morning and 2026-04-14 afternoon)",
    )


def test_cc8_publish_refusals() -> None:
    empty = given(ROSTER, at=NOW)
    late = r.PublishRoster(SITE, "2026-03", (r.Assignment(date(2026, 3, 20), "night", "a"),))
    assert pinned(refused(empty, late, MANAGER)) == (
        "CC-8",
        "month",
        422,
        "a roster is published before its month starts (now 2026-03)",
    )
    assert pinned(refused(empty, r.PublishRoster(SITE, MONTH, ()), MANAGER)) == (
        "CC-8",
        "assignments",
        422,
        "the roster has no assignments",
    )
    stray = r.PublishRoster(
        SITE,
        MONTH,
        (r.Assignment(d(1), "night", "a"), r.Assignment(date(2026, 5, 1), "night", "a")),
    )
    assert pinned(refused(empty, stray, MANAGER)) == (
        "CC-8",
        "assignments.1.date",
        422,
        "2026-05-01 is not in 2026-04",
    )
    run = roster((1, "morning", "agent-1"))
    again = r.PublishRoster(SITE, MONTH, (r.Assignment(d(2), "night", "a"),))
    assert pinned(refused(run, again, MANAGER)) == (
        "CC-8",
        None,
        409,
        "the roster for 2026-04 is published; change it entry by entry",
    )
    # Nothing but publishing acts on a month with no roster.
    err = refused(empty, r.AgreeSwap(SITE, MONTH, "S1"))
    assert pinned(err) == ("CC-8", None, 404, "no roster is published for this month")


def test_cc9_agree_and_approve_refusals() -> None:
    run = roster((8, "morning", "agent-1"), (10, "morning", "agent-2"))
    do(run, request("S1", (8, "morning"), "agent-2", (10, "morning")))
    assert pinned(refused(run, r.AgreeSwap(SITE, MONTH, "S1"), "agent-3")) == (
        "CC-9",
        None,
        403,
        "only agent-2 can agree to this swap",
    )
    assert pinned(refused(run, approval("S1"), MANAGER)) == (
        "CC-9",
        "swap_id",
        422,
        "both parties must agree first (agent-2 has not)",
    )
    do(run, r.AgreeSwap(SITE, MONTH, "S1"), "agent-2")
    assert pinned(refused(run, r.AgreeSwap(SITE, MONTH, "S1"), "agent-2")) == (
        "CC-9",
        None,
        409,
        "the swap is agreed already",
    )
    assert pinned(refused(run, approval("S1"), LEAD)) == (
        "CC-9",
        None,
        403,
        "only the call-center manager approves swaps",
    )
    do(run, approval("S1"), MANAGER)
    assert pinned(refused(run, approval("S1"), MANAGER)) == (
        "CC-9",
        None,
        409,
        "the swap is approved already",
    )


def test_cc9_an_unknown_roster_command_is_a_programming_error() -> None:
    run = roster((1, "morning", "agent-1"))
    with pytest.raises(TypeError, match="Roster does not handle str"):
        run.when("nonsense", at=NOW)


def test_cc9_both_swap_days_are_in_the_roster_month() -> None:
    run = roster((8, "morning", "agent-1"), (10, "morning", "agent-2"))
    outside = date(2026, 5, 8)
    asked = r.RequestSwap(SITE, MONTH, (outside, "morning"), "agent-2", (d(10), "morning"), "x")
    err = refused(run, r.RecordSwapRequest(asked, r.NextDoor()))
    assert pinned(err) == (
        "CC-9",
        "requester_date",
        422,
        "2026-05-08 is not in the roster month 2026-04",
    )
    asked = r.RequestSwap(SITE, MONTH, (d(8), "morning"), "agent-2", (outside, "morning"), "x")
    err = refused(run, r.RecordSwapRequest(asked, r.NextDoor()))
    assert pinned(err) == (
        "CC-9",
        "counterpart_date",
        422,
        "2026-05-08 is not in the roster month 2026-04",
    )


def test_cc8_handover_refusals() -> None:
    scenario = given(HANDOVER, at=NOW)
    base = r.HandOverShift(SITE, d(1), "morning", "agent-2", "ok")
    err = scenario.refuses(replace(base, incoming=" "), "CC-8", at=NOW, actor="agent-1")
    assert pinned(err) == ("CC-8", "incoming", 422, "a shift cannot be handed over to nobody")
    err = scenario.refuses(replace(base, incoming="agent-1"), "CC-8", at=NOW, actor="agent-1")
    assert pinned(err) == ("CC-8", "incoming", 422, "hand over to somebody else")
    err = scenario.refuses(replace(base, equipment_state=" "), "CC-8", at=NOW, actor="agent-1")
    assert pinned(err) == ("CC-8", "equipment_state", 422, "record the equipment state")
    (handed,) = scenario.when(replace(base, incoming=" agent-2 "), at=NOW, actor="agent-1")
    assert isinstance(handed, ShiftHandedOver) and handed.incoming == "agent-2"
    scenario.record(base, at=NOW, actor="agent-1")
    err = scenario.refuses(base, "CC-8", at=NOW, actor="agent-1")
    assert pinned(err) == ("CC-8", None, 409, "this shift was handed over already")


def test_cc11_seat_refusals() -> None:
    scenario = given(SEAT, at=NOW)
    login = calls.LogIn(SITE, "agent-1", "S-1")
    err = scenario.refuses(login, "CC-11", at=NOW, actor="agent-2")
    assert pinned(err) == ("CC-11", None, 403, "agents log their own seat in and out")
    err = scenario.refuses(calls.LogOut(SITE, "agent-1"), "CC-11", at=NOW, actor="agent-1")
    assert pinned(err) == ("CC-11", None, 409, "agent-1 is not logged in")
    scenario.record(login, at=NOW, actor="agent-1")
    err = scenario.refuses(calls.LogIn(SITE, "agent-1", "S-2"), "CC-11", at=NOW, actor="agent-1")
    assert pinned(err) == ("CC-11", None, 409, "agent-1 is logged in at S-1")
    assert scenario.when(calls.LogOut(SITE, "agent-1"), at=NOW, actor="agent-1") == [
        SeatLoggedOut(staff_id="agent-1", seat_id="S-1")
    ]
