"""CC-3 (rev.): the first response is due 24 h ON THE CLOCK (the call center works 7x24);
a site may put a non-urgent kind on the working-day calendar (holidays and make-up days
from the `holidays` package). Exact due instants across Golden Week 2026 and the make-up
Saturday 2026-10-10; each deadline records the calendar it was counted on.

China 2026 (holidays 0.109): 10-01 … 10-07 are days off, Saturday 10-10 is a make-up
working day (the substitute for 10-07), Sunday 10-11 is off.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from callcenter.domain.rules import CallcenterRules
from callcenter.domain.tickets import TICKET, TicketState
from callcenter.domain.tickets import commands as t
from opsledger.calendar import SiteCalendar
from opsledger.testing import Scenario, given, site_calendar
from pydantic import ValidationError

CST = ZoneInfo("Asia/Shanghai")
T = "T-1"
DEFAULT = site_calendar("site-a")
# A site that answers service requests in working time (48 h of it) and inquiries too.
WORKING = site_calendar(
    "site-b",
    {
        "rules": {
            "callcenter": {
                "sla_calendars": {"service_request": "working_days", "inquiry": "working_days"},
                "first_response_hours": {"service_request": 48},
            }
        }
    },
)

Run = Scenario[TicketState, Any]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CST).astimezone(UTC)


def opened(kind: str, now: datetime, site: SiteCalendar = DEFAULT, **fields: Any) -> Run:
    run: Run = given(TICKET, at=now, site=site)
    contact = t.OpenTicket(site.site_id, kind, "phone", "subject", **fields)
    decided = run.when(t.StartTicket(T, contact), at=now, actor="agent-1", roles={"agent"})
    return run.given(*decided, at=now, actor="agent-1")


def test_the_2026_calendar_has_golden_week_and_the_make_up_saturday() -> None:
    assert not DEFAULT.is_working_day(date(2026, 10, 7))
    assert DEFAULT.is_working_day(date(2026, 10, 10))  # Saturday, make-up working day
    assert not DEFAULT.is_working_day(date(2026, 10, 11))


def test_cc3_first_response_is_24h_on_the_clock_across_golden_week() -> None:
    for kind, level in (
        ("repair", None),
        ("complaint", 1),
        ("inquiry", None),
        ("service_request", None),
    ):
        run = opened(kind, at(date(2026, 9, 30), 10), complaint_level=level)
        assert run.state.sla_due_at == at(date(2026, 10, 1), 10), kind  # not 10-08
        assert run.state.sla_continuous is True
        assert run.state.calendar_id == "24x7:Asia/Shanghai"
    # Over the make-up Saturday and the Sunday after it: plain hours as well.
    run = opened("repair", at(date(2026, 10, 9), 10))
    assert run.state.sla_due_at == at(date(2026, 10, 10), 10)
    run = opened("repair", at(date(2026, 10, 10), 23, 30))
    assert run.state.sla_due_at == at(date(2026, 10, 11), 23, 30)


def test_cc3_emergency_first_response_is_15_minutes_on_a_holiday() -> None:
    run = opened("emergency", at(date(2026, 10, 3), 23, 50), site=WORKING)
    assert run.state.sla_due_at == at(date(2026, 10, 4), 0, 5)
    assert run.state.calendar_id == "24x7:Asia/Shanghai"


def test_cc3_a_level_3_complaint_is_due_in_4_hours_on_the_clock() -> None:
    run = opened("complaint", at(date(2026, 10, 1), 22), complaint_level=3)
    assert run.state.sla_due_at == at(date(2026, 10, 2), 2)


def test_cc3_a_site_puts_a_non_urgent_kind_on_the_working_day_calendar() -> None:
    # Working hours 08:00-18:00: 8 h on Wednesday 09-30, 10-01 … 10-07 off, 10 h on
    # Thursday 10-08, 6 h on Friday 10-09.
    inquiry = opened("inquiry", at(date(2026, 9, 30), 10), site=WORKING)
    assert inquiry.state.sla_due_at == at(date(2026, 10, 9), 14)
    assert inquiry.state.sla_continuous is False
    assert inquiry.state.calendar_id == WORKING.calendar_id
    assert inquiry.state.calendar_id.startswith("holidays==")
    # 48 working hours from Friday 10-09 10:00: 8 h Friday, 10 h on the make-up
    # Saturday 10-10, Sunday off, 10 h each Monday to Wednesday: Wednesday 10-14 18:00.
    request = opened("service_request", at(date(2026, 10, 9), 10), site=WORKING)
    assert request.state.sla_due_at == at(date(2026, 10, 14), 18)
    # The other kinds at that site stay on the clock.
    repair = opened("repair", at(date(2026, 9, 30), 10), site=WORKING)
    assert repair.state.sla_due_at == at(date(2026, 10, 1), 10)
    assert repair.state.calendar_id == "24x7:Asia/Shanghai"


def test_cc3_pause_and_resume_count_on_the_tickets_own_calendar() -> None:
    # On the clock: paused on 09-30 12:00 with 22 h left, resumed on 10-03 09:00.
    clock = opened("repair", at(date(2026, 9, 30), 10))
    clock.record(t.PauseSla(T, "photos", "customer"), at=at(date(2026, 9, 30), 12), actor="agent-1")
    assert clock.state.sla_remaining == timedelta(hours=22)
    clock.record(t.ResumeSla(T), at=at(date(2026, 10, 3), 9), actor="agent-1")
    assert clock.state.sla_due_at == at(date(2026, 10, 4), 7)
    assert clock.state.calendar_id == "24x7:Asia/Shanghai"
    # Working hours: paused on 09-30 12:00 with 22 h left, resumed on holiday 10-03 09:00:
    # nothing counts until 10-08 08:00; 10 h on 10-08, 10 h on 10-09, 2 h on the make-up
    # Saturday 10-10: due 10:00.
    work = opened("inquiry", at(date(2026, 9, 30), 10), site=WORKING)
    work.record(t.PauseSla(T, "photos", "customer"), at=at(date(2026, 9, 30), 12), actor="agent-1")
    assert work.state.sla_remaining == timedelta(hours=22)
    work.record(t.ResumeSla(T), at=at(date(2026, 10, 3), 9), actor="agent-1")
    assert work.state.sla_due_at == at(date(2026, 10, 10), 10)
    assert work.state.calendar_id == WORKING.calendar_id
    # Resumed on the make-up Saturday 10:00 with 42 h left: 8 h Saturday, Sunday off,
    # 10 h each Monday to Wednesday, 4 h Thursday.
    late = opened("service_request", at(date(2026, 10, 9), 10), site=WORKING)
    late.record(
        t.PauseSla(T, "parts", "third_party"), at=at(date(2026, 10, 9), 16), actor="agent-1"
    )
    assert late.state.sla_remaining == timedelta(hours=42)
    late.record(t.ResumeSla(T), at=at(date(2026, 10, 10), 10), actor="agent-1")
    assert late.state.sla_due_at == at(date(2026, 10, 15), 12)


def test_cc3_an_emergency_is_never_on_a_working_day_calendar() -> None:
    with pytest.raises(ValidationError, match="emergency"):
        CallcenterRules.model_validate({"sla_calendars": {"emergency": "working_days"}})
    with pytest.raises(ValidationError):
        CallcenterRules.model_validate({"sla_calendars": {"repair": "office_hours"}})
    assert CallcenterRules().sla_calendar("repair") == "24x7"


def test_cc3_a_working_day_counts_the_sites_working_hours_not_24() -> None:
    # 24 working hours (08:00-18:00 by default) from Wednesday 09-30 10:00: 8 h that day,
    # Golden Week off, 10 h on Thursday 10-08, 6 h on Friday 10-09: Friday 14:00.
    inquiry = opened("inquiry", at(date(2026, 9, 30), 10), site=WORKING)
    assert inquiry.state.sla_due_at == at(date(2026, 10, 9), 14)
    # Opened in the evening of a working day: counting starts the next working morning.
    evening = opened("inquiry", at(date(2026, 10, 8), 20), site=WORKING)
    # 10 h Friday, 10 h on the make-up Saturday, Sunday off, 4 h Monday: 12:00.
    assert evening.state.sla_due_at == at(date(2026, 10, 12), 12)
    # The hours are a site setting.
    short = site_calendar(
        "site-c",
        {
            "rules": {
                "callcenter": {
                    "sla_calendars": {"inquiry": "working_days"},
                    "working_hours": {"start": "09:00", "end": "17:00"},
                }
            }
        },
    )
    late = opened("inquiry", at(date(2026, 10, 8), 16), site=short)
    # 1 h Thursday, 8 h Friday, 8 h make-up Saturday, Sunday off, 7 h Monday: 16:00.
    assert late.state.sla_due_at == at(date(2026, 10, 12), 16)
