"""CC-8 rosters and handovers, CC-9 shift swaps and leave: every constraint, pure and
over HTTP."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from callcenter.domain.rosters import HANDOVER, ROSTER, RosterState
from callcenter.domain.rosters import commands as r
from opsledger.errors import DomainError
from opsledger.testing import Scenario, given
from opsledger_contracts import EventPayload

from tests.callcenter.conftest import CallCenter

NOW = datetime(2026, 3, 13, 1, 0, tzinfo=UTC)
# The site calendar's public holidays in April 2026 (清明): 4-5 and 4-6.
APRIL_HOLIDAYS = frozenset({date(2026, 4, 5), date(2026, 4, 6)})
MANAGER = ("mgr-1", frozenset({"cc_manager"}))
LEAD = ("lead-1", frozenset({"shift_lead"}))
SITE, MONTH = "site-a", "2026-04"

Run = Scenario[RosterState, Any]


def d(day: int) -> date:
    return date(2026, 4, day)


def do(
    run: Scenario[Any, Any], command: Any, by: tuple[str, frozenset[str]] | str = "agent-1"
) -> list[EventPayload]:
    """Decide as `by` (staff id, or staff id and roles) and record what was decided."""
    staff, roles = (by, frozenset({"agent"})) if isinstance(by, str) else by
    decided = run.when(command, at=NOW, actor=staff, roles=roles)
    run.given(*decided, at=NOW, actor=staff)
    return decided


def publish(month: str, *entries: r.Assignment) -> r.PublishRoster:
    return r.PublishRoster(SITE, month, entries)


def roster(*entries: tuple[int, str, str]) -> Run:
    run: Run = given(ROSTER, at=NOW)
    do(run, publish(MONTH, *(r.Assignment(d(day), s, who) for day, s, who in entries)), MANAGER)
    return run


def request(
    sid: str, a_slot: tuple[int, str], b: str, b_slot: tuple[int, str]
) -> r.RecordSwapRequest:
    """The swap request as the workflow hands it over (no neighbouring months' shifts)."""
    asked = r.RequestSwap(
        SITE, MONTH, (d(a_slot[0]), a_slot[1]), b, (d(b_slot[0]), b_slot[1]), "why", swap_id=sid
    )
    return r.RecordSwapRequest(asked, r.NextDoor())


def approval(sid: str) -> r.RecordSwapApproval:
    return r.RecordSwapApproval(r.ApproveSwap(SITE, MONTH, sid), r.NextDoor())


def swap(
    run: Run,
    sid: str,
    a: str,
    a_slot: tuple[int, str],
    b: str,
    b_slot: tuple[int, str],
    *,
    approve: bool = True,
) -> None:
    do(run, request(sid, a_slot, b, b_slot), a)
    if approve:
        do(run, r.AgreeSwap(SITE, MONTH, sid), b)
        do(run, approval(sid), MANAGER)


def refused(
    run: Scenario[Any, Any], command: Any, by: tuple[str, frozenset[str]] | str = "agent-1"
) -> DomainError:
    before = list(run.history)
    with pytest.raises(DomainError) as info:
        do(run, command, by)
    assert run.history == before
    return info.value


def leave(staff: str, day: int, reason: str) -> r.GrantLeave:
    return r.GrantLeave(SITE, MONTH, staff, d(day), "morning", reason)


def test_cc9_the_site_calendar_has_the_april_holidays() -> None:
    run = roster((1, "morning", "agent-1"))
    assert run.site.public_holidays(2026, 4) == APRIL_HOLIDAYS


def test_cc8_roster_is_published_in_advance_once() -> None:
    run: Run = given(ROSTER, at=NOW)
    late = publish("2026-03", r.Assignment(date(2026, 3, 20), "night", "a"))
    err = refused(run, late, MANAGER)
    assert (err.code, err.field) == ("CC-8", "month")
    stray = publish("2026-04", r.Assignment(date(2026, 5, 1), "night", "a"))
    err = refused(run, stray, MANAGER)
    assert (err.code, err.field) == ("CC-8", "assignments.0.date")
    run = roster((1, "morning", "agent-1"))
    err = refused(run, publish("2026-04", r.Assignment(d(2), "night", "a")), MANAGER)
    assert err.code == "CC-8" and err.status == 409


def test_cc8_roster_changes_only_with_supervisor_approval() -> None:
    run = roster((1, "morning", "agent-1"))
    change = r.ChangeRoster(SITE, MONTH, d(1), "morning", "sick", "agent-1", "agent-2")
    err = refused(run, change, "agent-1")
    assert err.code == "CC-8" and err.status == 403
    err = refused(run, r.ChangeRoster(SITE, MONTH, d(1), "night", "x", "agent-1"), LEAD)
    assert (err.code, err.field) == ("CC-8", "remove_staff_id")
    do(run, r.ChangeRoster(SITE, MONTH, d(1), "morning", "training", "agent-1", "agent-2"), LEAD)
    assert run.state.assignments == frozenset({(d(1), "morning", "agent-2")})


def test_cc8_handover_to_nobody_is_refused() -> None:
    run: Scenario[bool, Any] = given(HANDOVER, at=NOW)
    for incoming in ("", "   ", "agent-1"):
        command = r.HandOverShift(SITE, d(1), "morning", incoming, "ok")
        with pytest.raises(DomainError) as info:
            do(run, command, "agent-1")
        assert (info.value.code, info.value.field) == ("CC-8", "incoming")
    do(run, r.HandOverShift(SITE, d(1), "morning", "agent-2", "seat 4 headset broken", "T-1"))
    with pytest.raises(DomainError) as again:
        do(run, r.HandOverShift(SITE, d(1), "morning", "agent-3", "ok"), "agent-1")
    assert again.value.status == 409


def test_cc9_both_agree_then_the_manager_approves() -> None:
    run = roster((8, "morning", "agent-1"), (10, "morning", "agent-2"))
    swap(run, "S1", "agent-1", (8, "morning"), "agent-2", (10, "morning"), approve=False)
    err = refused(run, approval("S1"), MANAGER)
    assert (err.code, err.field) == ("CC-9", "swap_id")
    err = refused(run, r.AgreeSwap(SITE, MONTH, "S1"), "agent-3")
    assert err.code == "CC-9" and err.status == 403
    do(run, r.AgreeSwap(SITE, MONTH, "S1"), "agent-2")
    err = refused(run, approval("S1"), LEAD)
    assert err.code == "CC-9" and err.status == 403
    do(run, approval("S1"), MANAGER)
    assert run.state.assignments == frozenset(
        {(d(8), "morning", "agent-2"), (d(10), "morning", "agent-1")}
    )


def test_cc9_at_most_three_swaps_per_person_per_month() -> None:
    run = roster(
        (1, "morning", "agent-1"),
        (8, "morning", "agent-1"),
        (14, "morning", "agent-1"),
        (21, "morning", "agent-1"),
        (3, "morning", "agent-2"),
        (10, "morning", "agent-3"),
        (16, "morning", "agent-4"),
        (23, "morning", "agent-5"),
    )
    swap(run, "S1", "agent-1", (1, "morning"), "agent-2", (3, "morning"))
    swap(run, "S2", "agent-1", (8, "morning"), "agent-3", (10, "morning"))
    swap(run, "S3", "agent-1", (14, "morning"), "agent-4", (16, "morning"))
    err = refused(run, request("S4", (21, "morning"), "agent-5", (23, "morning")))
    assert (err.code, err.field) == ("CC-9", "requester")
    assert "3 times" in err.message


def test_cc9_no_consecutive_swaps() -> None:
    run = roster(
        (13, "morning", "agent-1"),
        (15, "morning", "agent-2"),
        (16, "morning", "agent-1"),
        (21, "morning", "agent-3"),
    )
    swap(run, "S1", "agent-1", (13, "morning"), "agent-2", (15, "morning"))
    err = refused(run, request("S2", (16, "morning"), "agent-3", (21, "morning")))
    assert (err.code, err.field) == ("CC-9", "requester")
    assert "consecutive" in err.message


def test_cc9_neither_party_may_end_up_with_shifts_back_to_back() -> None:
    # agent-1 works the morning of the 9th (08-20) and would take the night of the 8th,
    # which runs 20:00 on the 8th to 08:00 on the 9th (CC-8 rev. bands).
    run = roster((9, "morning", "agent-1"), (12, "morning", "agent-1"), (8, "night", "agent-2"))
    err = refused(run, request("S1", (12, "morning"), "agent-2", (8, "night")))
    assert (err.code, err.field) == ("CC-9", "requester")
    assert "back to back" in err.message
    # ... and the counterpart side: agent-2 would take a morning right after their night.
    run = roster((8, "morning", "agent-1"), (8, "night", "agent-2"), (15, "morning", "agent-2"))
    err = refused(run, request("S2", (8, "morning"), "agent-2", (15, "morning")))
    assert (err.code, err.field) == ("CC-9", "counterpart")


def test_cc9_no_swap_or_leave_on_a_public_holiday() -> None:
    run = roster((6, "morning", "agent-1"), (9, "morning", "agent-2"))
    err = refused(run, request("S1", (6, "morning"), "agent-2", (9, "morning")))
    assert (err.code, err.field) == ("CC-9", "requester_date")
    err = refused(run, leave("agent-1", 6, "family"), LEAD)
    assert (err.code, err.field) == ("CC-9", "date")
    do(run, leave("agent-2", 9, "sick"), LEAD)


def test_cc9_no_leave_on_a_swap_or_pay_back_day() -> None:
    run = roster((1, "morning", "agent-1"), (3, "morning", "agent-2"))
    swap(run, "S1", "agent-1", (1, "morning"), "agent-2", (3, "morning"))
    # agent-1 now works the 3rd (the pay-back day): no leave then.
    err = refused(run, leave("agent-1", 3, "tired"), LEAD)
    assert (err.code, err.field) == ("CC-9", "date")
    assert "swap" in err.message


async def test_cc9_swap_over_http_publish_request_agree_approve(cc: CallCenter) -> None:
    body = {
        "site_id": "site-a",
        "month": "2026-04",
        "assignments": [
            {"date": "2026-04-08", "shift": "morning", "staff_id": "agent-1"},
            {"date": "2026-04-10", "shift": "morning", "staff_id": "agent-2"},
            {"date": "2026-04-06", "shift": "night", "staff_id": "agent-2"},
        ],
    }
    assert (await cc.post("/rosters", body, roles="agent")).status_code == 403
    published = await cc.post("/rosters", body, staff="mgr-1", roles="cc_manager")
    assert published.status_code == 201, published.text
    holiday = await cc.post(
        "/rosters/site-a/2026-04/swaps",
        {
            "requester_date": "2026-04-08",
            "requester_shift": "morning",
            "counterpart": "agent-2",
            "counterpart_date": "2026-04-06",
            "counterpart_shift": "night",
            "reason": "x",
        },
    )
    assert holiday.status_code == 422
    assert holiday.json()["error"]["code"] == "CC-9"
    assert holiday.json()["error"]["field"] == "counterpart_date"
    requested = await cc.post(
        "/rosters/site-a/2026-04/swaps",
        {
            "requester_date": "2026-04-08",
            "requester_shift": "morning",
            "counterpart": "agent-2",
            "counterpart_date": "2026-04-10",
            "counterpart_shift": "morning",
            "reason": "dentist",
        },
    )
    assert requested.status_code == 201, requested.text
    (swap_view,) = requested.json()["swaps"]
    sid = swap_view["swap_id"]
    assert swap_view["requester"] == "agent-1"
    stranger = await cc.post(f"/rosters/site-a/2026-04/swaps/{sid}/agree", staff="agent-3")
    assert stranger.status_code == 403 and stranger.json()["error"]["code"] == "CC-9"
    agreed = await cc.post(f"/rosters/site-a/2026-04/swaps/{sid}/agree", staff="agent-2")
    assert agreed.status_code == 200, agreed.text
    lead = await cc.post(
        f"/rosters/site-a/2026-04/swaps/{sid}/approve", staff="lead-1", roles="shift_lead"
    )
    assert lead.status_code == 403
    approved = await cc.post(
        f"/rosters/site-a/2026-04/swaps/{sid}/approve", staff="mgr-1", roles="cc_manager"
    )
    assert approved.status_code == 200, approved.text
    got = (await cc.get("/rosters/site-a/2026-04")).json()
    assert {(a["date"], a["staff_id"]) for a in got["assignments"] if a["shift"] == "morning"} == {
        ("2026-04-08", "agent-2"),
        ("2026-04-10", "agent-1"),
    }
    bad_month = await cc.get("/rosters/site-a/2026-13")
    assert bad_month.status_code == 422


async def test_cc8_handover_over_http(cc: CallCenter) -> None:
    body = {"site_id": "site-a", "date": "2026-03-13", "shift": "morning", "equipment_state": "ok"}
    nobody = await cc.post("/handovers", body)
    assert nobody.status_code == 422
    assert nobody.json()["error"] == {
        "code": "CC-8",
        "message": "a shift cannot be handed over to nobody",
        "field": "incoming",
    }
    assert await cc.all_events() == []
    done = await cc.post("/handovers", {**body, "incoming": "agent-2", "open_issues": "T-1 waits"})
    assert done.status_code == 201
    (event,) = await cc.all_events()
    assert event.event_type == "ShiftHandedOver" and event.payload["outgoing"] == "agent-1"
