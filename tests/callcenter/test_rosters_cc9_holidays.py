"""CC-9 (rev.): no swaps or leave on any day of an official holiday period, the weekend
days inside it included (001 七 「節假日當班人員不允許換班或請假」)."""

from datetime import UTC, date, datetime
from typing import Any

import pytest
from callcenter.domain.rosters import ROSTER, RosterState
from callcenter.domain.rosters import commands as r
from opsledger.errors import DomainError
from opsledger.testing import Scenario, given, site_calendar

SITE = "site-a"
# Before every 2026 roster month, more than a week ahead of every holiday period.
T0 = datetime(2025, 12, 1, 1, 0, tzinfo=UTC)
MANAGER = ("mgr-1", frozenset({"cc_manager"}))
LEAD = ("lead-1", frozenset({"shift_lead"}))

Run = Scenario[RosterState, Any]

# Weekend days the holidays package does not list as holidays, inside official periods:
# National Day 10-01..10-07, Spring Festival 02-15..02-23, Qingming 04-04..04-06.
WEEKEND_DAYS_INSIDE_A_PERIOD = [
    date(2026, 10, 4),
    date(2026, 2, 15),
    date(2026, 2, 21),
    date(2026, 2, 22),
    date(2026, 4, 4),
]


def act(run: Run, command: Any, by: tuple[str, frozenset[str]] | str) -> None:
    staff, roles = (by, frozenset({"agent"})) if isinstance(by, str) else by
    decided = run.when(command, at=T0, actor=staff, roles=roles)
    run.given(*decided, at=T0, actor=staff)


def refusal(run: Run, command: Any, by: tuple[str, frozenset[str]] | str) -> DomainError:
    before = list(run.history)
    with pytest.raises(DomainError) as info:
        act(run, command, by)
    assert run.history == before
    return info.value


def month_roster(month: str, *entries: tuple[date, str, str]) -> Run:
    run: Run = given(ROSTER, at=T0)
    assignments = tuple(r.Assignment(day, shift, who) for day, shift, who in entries)
    act(run, r.PublishRoster(SITE, month, assignments), MANAGER)
    return run


def swap_request(month: str, mine: r.Slot, other: str, theirs: r.Slot) -> r.RecordSwapRequest:
    asked = r.RequestSwap(SITE, month, mine, other, theirs, "family", swap_id="S1")
    return r.RecordSwapRequest(asked, r.NextDoor())


@pytest.mark.parametrize("day", WEEKEND_DAYS_INSIDE_A_PERIOD, ids=str)
def test_cc9_no_swap_on_a_weekend_day_inside_an_official_holiday_period(day: date) -> None:
    month = day.strftime("%Y-%m")
    ordinary = date(day.year, day.month, 12 if day.day < 10 else 28)
    run = month_roster(month, (day, "morning", "agent-1"), (ordinary, "morning", "agent-2"))
    err = refusal(
        run, swap_request(month, (day, "morning"), "agent-2", (ordinary, "morning")), "agent-1"
    )
    assert (err.code, err.field) == ("CC-9", "requester_date")
    assert str(day) in err.message
    # The counterpart's side of the same swap, asked the other way round.
    err = refusal(
        run, swap_request(month, (ordinary, "morning"), "agent-1", (day, "morning")), "agent-2"
    )
    assert (err.code, err.field) == ("CC-9", "counterpart_date")


@pytest.mark.parametrize("day", WEEKEND_DAYS_INSIDE_A_PERIOD, ids=str)
def test_cc9_no_leave_on_a_weekend_day_inside_an_official_holiday_period(day: date) -> None:
    month = day.strftime("%Y-%m")
    run = month_roster(month, (day, "night", "agent-1"))
    err = refusal(run, r.GrantLeave(SITE, month, "agent-1", day, "night", "wedding"), LEAD)
    assert (err.code, err.field) == ("CC-9", "date")
    assert "public holiday" in err.message


def test_cc9_an_ordinary_weekend_and_a_make_up_working_day_are_not_holidays() -> None:
    # 2026-10-10 is an official make-up working Saturday, 10-17/10-18 an ordinary weekend,
    # 10-08 the first working day after National Day.
    days = [date(2026, 10, 10), date(2026, 10, 17), date(2026, 10, 18), date(2026, 10, 8)]
    run = month_roster("2026-10", *((d, "morning", "agent-1") for d in days))
    for d in days:
        act(run, r.GrantLeave(SITE, "2026-10", "agent-1", d, "morning", "exam"), LEAD)
    assert {d for d, _, _ in run.state.leaves} == set(days)


def test_cc9_a_holiday_on_the_first_or_last_day_of_a_roster_month() -> None:
    # National Day opens October; a US site's Memorial Day period (29-31 May 2027, the
    # weekend included) closes May: the site's country decides.
    run = month_roster("2026-10", (date(2026, 10, 1), "night", "agent-1"))
    err = refusal(
        run, r.GrantLeave(SITE, "2026-10", "agent-1", date(2026, 10, 1), "night", "x"), LEAD
    )
    assert (err.code, err.field) == ("CC-9", "date")
    us = site_calendar("site-us", {"country": "US", "timezone": "America/New_York"})
    for day in (date(2027, 5, 29), date(2027, 5, 31)):
        run = given(ROSTER, at=T0, site=us)
        entries = (r.Assignment(day, "night", "agent-1"),)
        act(run, r.PublishRoster("site-us", "2027-05", entries), MANAGER)
        leave = r.GrantLeave("site-us", "2027-05", "agent-1", day, "night", "x")
        assert refusal(run, leave, LEAD).field == "date"
