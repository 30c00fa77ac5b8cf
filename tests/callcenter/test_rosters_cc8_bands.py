"""CC-8 (rev.) shift bands as per-site settings (002 呼叫中心 五.2: 8:00-20:00, 9:00-21:00,
20:00-次日8:00) and CC-9 (rev.) back to back by those bands, across month boundaries."""

from datetime import UTC, date, datetime, time
from typing import Any

import pytest
from callcenter.domain.rosters import ROSTER, RosterState
from callcenter.domain.rosters import commands as r
from callcenter.domain.rules import CallcenterRules, TimeBand
from opsledger.errors import DomainError
from opsledger.testing import Scenario, given, site_calendar
from pydantic import ValidationError

from tests.callcenter.conftest import CallCenter

T0 = datetime(2026, 2, 2, 1, 0, tzinfo=UTC)
SITE = "site-a"
MANAGER = ("mgr-1", frozenset({"cc_manager"}))
Run = Scenario[RosterState, Any]
# Late bands: night 21:00-09:00, so a night is followed back to back by a 09:00 start.
EIGHT_HOUR_BANDS = {
    "night": {"start": "00:00", "end": "08:00"},
    "morning": {"start": "08:00", "end": "16:00"},
    "afternoon": {"start": "16:00", "end": "00:00"},
}
LATE_BANDS = {
    "morning": {"start": "09:00", "end": "21:00"},
    "afternoon": {"start": "10:00", "end": "22:00"},
    "night": {"start": "21:00", "end": "09:00"},
}


def band(start: str, end: str) -> TimeBand:
    return TimeBand(start=time.fromisoformat(start), end=time.fromisoformat(end))


def test_cc8_default_shift_bands_are_the_sources_three_bands() -> None:
    assert CallcenterRules().shift_bands == {
        "morning": band("08:00", "20:00"),
        "afternoon": band("09:00", "21:00"),
        "night": band("20:00", "08:00"),
    }
    night = CallcenterRules().shift_bands["night"]
    # The night of 31 March runs to 08:00 on 1 April (site-local).
    assert night.on(date(2026, 3, 31)) == (
        datetime(2026, 3, 31, 20, 0),
        datetime(2026, 4, 1, 8, 0),
    )


def test_cc8_shift_bands_are_a_per_site_setting() -> None:
    site = site_calendar(SITE, {"rules": {"callcenter": {"shift_bands": LATE_BANDS}}})
    assert site.rules(CallcenterRules).shift_bands["night"] == band("21:00", "09:00")


@pytest.mark.parametrize(
    "bands",
    [
        # 22:00-23:00 has no band: the call center works 7x24 (CC-11).
        {**LATE_BANDS, "night": {"start": "23:00", "end": "09:00"}},
        # every shift needs a band
        {"morning": LATE_BANDS["morning"], "night": LATE_BANDS["night"]},
        # a band of no length
        {**LATE_BANDS, "afternoon": {"start": "10:00", "end": "10:00"}},
    ],
)
def test_cc8_shift_bands_that_leave_an_hour_uncovered_are_refused(bands: Any) -> None:
    with pytest.raises(ValidationError):
        CallcenterRules.model_validate({"shift_bands": bands})


def roster(month: str, *entries: tuple[date, str, str], config: Any = None) -> Run:
    run: Run = given(ROSTER, at=T0, site=site_calendar(SITE, config) if config else None)
    assignments = tuple(r.Assignment(day, shift, who) for day, shift, who in entries)
    decided = run.when(r.PublishRoster(SITE, month, assignments), at=T0, actor="mgr-1")
    return run.given(*decided, at=T0, actor="mgr-1")


def ask(
    month: str, mine: r.Slot, other: str, theirs: r.Slot, *entries: tuple[date, str, str]
) -> r.RecordSwapRequest:
    """agent-1's request, with the neighbouring months' shifts the workflow read."""
    request = r.RequestSwap(SITE, month, mine, other, theirs, "family", swap_id="S1")
    return r.RecordSwapRequest(request, r.NextDoor(shifts=frozenset(entries)))


def refusal(run: Run, command: Any, actor: str = "agent-1") -> DomainError:
    with pytest.raises(DomainError) as info:
        run.when(command, at=T0, actor=actor, roles={"agent"})
    return info.value


def test_cc9_night_of_31_march_then_morning_of_1_april_is_back_to_back() -> None:
    april = roster(
        "2026-04",
        (date(2026, 4, 1), "morning", "agent-2"),
        (date(2026, 4, 9), "morning", "agent-1"),
    )
    march_night = (date(2026, 3, 31), "night", "agent-1")
    command = ask(
        "2026-04",
        (date(2026, 4, 9), "morning"),
        "agent-2",
        (date(2026, 4, 1), "morning"),
        march_night,
    )
    err = refusal(april, command)
    assert (err.code, err.field) == ("CC-9", "requester")
    assert "back to back (2026-03-31 night and 2026-04-01 morning)" in err.message
    # Without that March night the same swap is fine.
    free = ask("2026-04", (date(2026, 4, 9), "morning"), "agent-2", (date(2026, 4, 1), "morning"))
    assert april.when(free, at=T0, actor="agent-1")


def test_cc9_taking_the_night_of_31_march_before_an_april_morning_is_back_to_back() -> None:
    march = roster(
        "2026-03", (date(2026, 3, 31), "night", "agent-2"), (date(2026, 3, 9), "morning", "agent-1")
    )
    april_morning = (date(2026, 4, 1), "morning", "agent-1")
    command = ask(
        "2026-03",
        (date(2026, 3, 9), "morning"),
        "agent-2",
        (date(2026, 3, 31), "night"),
        april_morning,
    )
    err = refusal(march, command)
    assert (err.code, err.field) == ("CC-9", "requester")
    # The counterpart's side: agent-2 would take the night of 31 March before their 1 April.
    march = roster(
        "2026-03", (date(2026, 3, 31), "night", "agent-1"), (date(2026, 3, 9), "morning", "agent-2")
    )
    command = ask(
        "2026-03",
        (date(2026, 3, 31), "night"),
        "agent-2",
        (date(2026, 3, 9), "morning"),
        (date(2026, 4, 1), "morning", "agent-2"),
    )
    err = refusal(march, command)
    assert (err.code, err.field) == ("CC-9", "counterpart")


def test_cc9_back_to_back_follows_the_default_bands() -> None:
    d = date(2026, 4, 14)
    nxt = date(2026, 4, 15)
    # morning 08-20 then night 20-08: touching at 20:00.
    run = roster(
        "2026-04",
        (d, "morning", "agent-1"),
        (d, "night", "agent-2"),
        (date(2026, 4, 22), "night", "agent-1"),
    )
    err = refusal(run, ask("2026-04", (date(2026, 4, 22), "night"), "agent-2", (d, "night")))
    assert "back to back" in err.message
    # night 20-08 then the next afternoon 09-21: an hour apart, not back to back.
    run = roster(
        "2026-04",
        (d, "night", "agent-1"),
        (nxt, "afternoon", "agent-2"),
        (date(2026, 4, 22), "afternoon", "agent-1"),
    )
    assert run.when(
        ask("2026-04", (date(2026, 4, 22), "afternoon"), "agent-2", (nxt, "afternoon")),
        at=T0,
        actor="agent-1",
    )


def test_cc9_back_to_back_follows_the_sites_own_bands() -> None:
    # The old 8-hour three shifts: night 00-08, morning 08-16, afternoon 16-24.
    d, nxt, far = date(2026, 4, 14), date(2026, 4, 15), date(2026, 4, 22)
    config = {"rules": {"callcenter": {"shift_bands": EIGHT_HOUR_BANDS}}}
    entries = ((d, "afternoon", "agent-1"), (nxt, "night", "agent-2"), (far, "night", "agent-1"))
    command = ask("2026-04", (far, "night"), "agent-2", (nxt, "night"))
    # There, the afternoon of the 14th (to 24:00) touches the night of the 15th (from 00:00).
    err = refusal(roster("2026-04", *entries, config=config), command)
    assert (err.code, err.field) == ("CC-9", "requester")
    # With the default bands the night of the 15th starts at 20:00 on the 15th: a day apart.
    assert roster("2026-04", *entries).when(command, at=T0, actor="agent-1")


async def test_cc9_back_to_back_across_months_over_http(cc: CallCenter) -> None:
    async def publish(month: str, *entries: tuple[str, str, str]) -> None:
        body = {
            "site_id": SITE,
            "month": month,
            "assignments": [{"date": d, "shift": s, "staff_id": w} for d, s, w in entries],
        }
        answer = await cc.post("/rosters", body, staff="mgr-1", roles="cc_manager")
        assert answer.status_code == 201, answer.text

    await publish(
        "2026-05", ("2026-05-31", "night", "agent-1"), ("2026-05-20", "morning", "agent-3")
    )
    await publish(
        "2026-06",
        ("2026-06-01", "morning", "agent-2"),
        ("2026-06-10", "morning", "agent-1"),
        ("2026-06-01", "morning", "agent-3"),
        ("2026-06-12", "morning", "agent-4"),
    )
    swap = {
        "requester_date": "2026-06-10",
        "requester_shift": "morning",
        "counterpart": "agent-2",
        "counterpart_date": "2026-06-01",
        "counterpart_shift": "morning",
        "reason": "x",
    }
    refused = await cc.post("/rosters/site-a/2026-06/swaps", swap)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "CC-9"
    assert "2026-05-31 night" in refused.json()["error"]["message"]
    # agent-4 asks agent-3 for the 1st's morning; then May changes: agent-4 gets the night
    # of 31 May, so the approval (which reads May again) refuses.
    other = {**swap, "requester_date": "2026-06-12", "counterpart": "agent-3"}
    asked = await cc.post("/rosters/site-a/2026-06/swaps", other, staff="agent-4")
    assert asked.status_code == 201, asked.text
    sid = asked.json()["swaps"][0]["swap_id"]
    assert (
        await cc.post(f"/rosters/site-a/2026-06/swaps/{sid}/agree", staff="agent-3")
    ).status_code == 200
    change = {"date": "2026-05-31", "shift": "night", "add_staff_id": "agent-4", "reason": "cover"}
    changed = await cc.post(
        "/rosters/site-a/2026-05/changes", change, staff="lead-1", roles="shift_lead"
    )
    assert changed.status_code == 200, changed.text
    approve = await cc.post(
        f"/rosters/site-a/2026-06/swaps/{sid}/approve", staff="mgr-1", roles="cc_manager"
    )
    assert approve.status_code == 422, approve.text
    assert "agent-4 would work two shifts back to back" in approve.json()["error"]["message"]
    # Roles still hold for the workflow commands.
    lead = await cc.post(
        f"/rosters/site-a/2026-06/swaps/{sid}/approve", staff="lead-1", roles="shift_lead"
    )
    assert lead.status_code == 403
    missing = await cc.post("/rosters/site-a/2026-07/swaps", swap)
    assert missing.status_code == 404


def publish_at(month: str, when: datetime) -> list[Any]:
    run: Run = given(ROSTER, at=when)
    entry = r.Assignment(date.fromisoformat(f"{month}-02"), "morning", "agent-1")
    command = r.PublishRoster(SITE, month, (entry,))
    return run.when(command, at=when, actor="mgr-1", roles={"cc_manager"})


def test_cc8_a_holiday_roster_is_published_at_least_a_week_ahead() -> None:
    # National Day's period starts 2026-10-01: the October roster is out by 24 September.
    in_time = datetime(2026, 9, 24, 15, 59, tzinfo=UTC)  # 23:59 on the 24th in Shanghai
    assert publish_at("2026-10", in_time)
    late = datetime(2026, 9, 24, 16, 0, tzinfo=UTC)  # 00:00 on the 25th in Shanghai
    with pytest.raises(DomainError) as info:
        publish_at("2026-10", late)
    assert (info.value.code, info.value.field) == ("CC-8", "month")
    assert "2026-10-01" in info.value.message and "2026-09-24" in info.value.message
    # A month without an official holiday period only needs to be out before it starts.
    assert publish_at("2026-11", datetime(2026, 10, 31, 15, 0, tzinfo=UTC))


def test_cc9_consecutive_swaps_across_the_month_boundary() -> None:
    april = roster(
        "2026-04",
        (date(2026, 4, 1), "morning", "agent-1"),
        (date(2026, 4, 20), "morning", "agent-2"),
    )
    march_swap = r.NextDoor(swap_days=frozenset({("agent-1", date(2026, 3, 31), "S-march")}))
    asked = r.RequestSwap(
        SITE,
        "2026-04",
        (date(2026, 4, 1), "morning"),
        "agent-2",
        (date(2026, 4, 20), "morning"),
        "x",
    )
    err = refusal(april, r.RecordSwapRequest(asked, march_swap))
    assert (err.code, err.field) == ("CC-9", "requester")
    assert "consecutive days (swap S-march)" in err.message
    # The counterpart's March swap counts for the counterpart only.
    theirs = r.NextDoor(swap_days=frozenset({("agent-2", date(2026, 3, 31), "S-march")}))
    err = refusal(april, r.RecordSwapRequest(asked, theirs))
    assert (err.code, err.field) == ("CC-9", "counterpart")


def test_cc9_the_neighbouring_months_of_a_roster() -> None:
    assert r.neighbouring_months("2026-04") == ("2026-03", "2026-05")
    assert r.neighbouring_months("2026-01") == ("2025-12", "2026-02")
    assert r.neighbouring_months("2026-12") == ("2026-11", "2027-01")


def test_cc9_a_month_tells_its_neighbours_its_shifts_and_approved_swap_days_only() -> None:
    run = roster(
        "2026-03",
        (date(2026, 3, 9), "morning", "agent-1"),
        (date(2026, 3, 11), "morning", "agent-2"),
        (date(2026, 3, 23), "morning", "agent-3"),
        (date(2026, 3, 25), "morning", "agent-4"),
    )
    for sid, a, a_day, b, b_day, approve in (
        ("S1", "agent-1", 9, "agent-2", 11, True),
        ("S2", "agent-3", 23, "agent-4", 25, False),
    ):
        asked = r.RequestSwap(
            SITE,
            "2026-03",
            (date(2026, 3, a_day), "morning"),
            b,
            (date(2026, 3, b_day), "morning"),
            "x",
            swap_id=sid,
        )
        run.record(r.RecordSwapRequest(asked, r.NextDoor()), at=T0, actor=a)
        if approve:
            run.record(r.AgreeSwap(SITE, "2026-03", sid), at=T0, actor=b)
            approval = r.RecordSwapApproval(r.ApproveSwap(SITE, "2026-03", sid), r.NextDoor())
            run.record(approval, at=T0, actor="mgr-1", roles={"cc_manager"})
    told = run.state.next_door
    assert told.shifts == run.state.assignments
    assert told.swap_days == {
        ("agent-1", date(2026, 3, 9), "S1"),
        ("agent-1", date(2026, 3, 11), "S1"),
        ("agent-2", date(2026, 3, 9), "S1"),
        ("agent-2", date(2026, 3, 11), "S1"),
    }
    joined = r.NextDoor.join(told, r.NextDoor(shifts=frozenset({(date(2026, 5, 1), "night", "x")})))
    assert joined.swap_days == told.swap_days
    assert joined.shifts == told.shifts | {(date(2026, 5, 1), "night", "x")}
