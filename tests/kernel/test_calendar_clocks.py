"""Site calendars by purpose: deadlines counted 24/7 or in working-day time (CC-3 rev.)."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from opsledger.calendar import SiteCalendar, SiteConfig

SHANGHAI = SiteCalendar("site-a", SiteConfig(timezone="Asia/Shanghai", country="CN"))
CST = ZoneInfo("Asia/Shanghai")


def test_24x7_counts_every_hour_through_golden_week() -> None:
    clock = SHANGHAI.clock("24x7")
    start = datetime(2026, 9, 30, 10, 0, tzinfo=CST)
    assert clock.continuous is True
    assert clock.add(start, timedelta(hours=24)) == datetime(2026, 10, 1, 10, 0, tzinfo=CST)
    assert clock.add(start, timedelta(hours=24)).tzinfo is CST
    utc_start = start.astimezone(UTC)
    assert clock.add(utc_start, timedelta(minutes=15)) == utc_start + timedelta(minutes=15)
    assert clock.between(start, start + timedelta(days=8)) == timedelta(days=8)
    assert clock.between(start, start - timedelta(hours=1)) == timedelta(0)
    assert clock.calendar_id == "24x7:Asia/Shanghai"
    with pytest.raises(ValueError, match="duration"):
        clock.add(start, timedelta(seconds=-1))


def test_working_days_skip_golden_week_and_count_the_make_up_saturday() -> None:
    clock = SHANGHAI.clock("working_days")
    assert clock.continuous is False and clock.calendar_id == SHANGHAI.calendar_id
    start = datetime(2026, 9, 30, 10, 0, tzinfo=CST)
    assert clock.add(start, timedelta(hours=24)) == datetime(2026, 10, 8, 10, 0, tzinfo=CST)
    friday = datetime(2026, 10, 9, 10, 0, tzinfo=CST)  # Saturday 10-10 is a working day
    monday = datetime(2026, 10, 12, 10, 0, tzinfo=CST)
    assert clock.add(friday, timedelta(hours=48)) == monday
    assert clock.between(friday, monday) == timedelta(hours=48)
    assert clock.between(start, datetime(2026, 10, 8, 0, 0, tzinfo=CST)) == timedelta(hours=14)


def test_add_working_days_lands_exactly_on_the_first_day_after_golden_week() -> None:
    start = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, Wednesday
    assert SHANGHAI.local(SHANGHAI.add_working_days(start, 1)) == datetime(
        2026, 10, 8, 10, 0, tzinfo=CST
    )
    # Thursday 10-08 + 2 working days: Friday 10-09, then the make-up Saturday 10-10.
    thursday = datetime(2026, 10, 8, 2, 0, tzinfo=UTC)
    assert SHANGHAI.local(SHANGHAI.add_working_days(thursday, 2)) == datetime(
        2026, 10, 10, 10, 0, tzinfo=CST
    )
