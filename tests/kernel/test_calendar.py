"""Site calendars: China's public holidays and make-up working days, time zones."""

from datetime import UTC, date, datetime, timedelta

import pytest
from opsledger.calendar import SiteCalendar, SiteConfig
from pydantic import ValidationError

SHANGHAI = SiteCalendar("site-a", SiteConfig(timezone="Asia/Shanghai", country="CN"))


def test_make_up_saturday_is_a_working_day_and_national_day_is_not() -> None:
    assert SHANGHAI.is_working_day(date(2026, 2, 14))  # Saturday, official make-up day
    assert not SHANGHAI.is_working_day(date(2026, 10, 1))  # National Day
    assert not SHANGHAI.is_working_day(date(2026, 11, 21))  # ordinary Saturday
    assert SHANGHAI.is_working_day(date(2026, 11, 23))


def test_add_working_days_skips_the_golden_week() -> None:
    start = datetime(2026, 9, 30, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai, Wednesday
    due = SHANGHAI.add_working_days(start, 1)
    assert SHANGHAI.local_date(due) > date(2026, 10, 7)  # holidays run to 7 October
    assert SHANGHAI.is_working_day(SHANGHAI.local_date(due))
    assert SHANGHAI.local(due).hour == 10


def test_working_time_does_not_count_the_weekend() -> None:
    friday_evening = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # Fri 20:00 Shanghai
    due = SHANGHAI.add_working_time(friday_evening, timedelta(hours=24))
    assert SHANGHAI.local(due) == datetime(2026, 11, 23, 20, 0, tzinfo=SHANGHAI.zone)
    assert SHANGHAI.working_time_between(friday_evening, due) == timedelta(hours=24)


def test_month_and_end_of_day_are_local_to_the_site() -> None:
    late_utc = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # already 1 December in Shanghai
    assert SHANGHAI.month(late_utc) == "2026-12"
    assert SHANGHAI.end_of_day(date(2026, 11, 23)).hour == 18
    assert "holidays==" in SHANGHAI.calendar_id and ":CN:" in SHANGHAI.calendar_id


def test_unknown_zone_or_country_is_refused_by_name() -> None:
    with pytest.raises(ValidationError, match="unknown IANA time zone"):
        SiteConfig(timezone="Mars/Olympus")
    with pytest.raises(ValidationError, match="no calendar for country"):
        SiteConfig(country="QQ")


def test_public_holidays_of_a_month_come_from_the_holidays_package() -> None:
    october = SHANGHAI.public_holidays(2026, 10)
    assert date(2026, 10, 1) in october
    assert all(d.month == 10 for d in october)
    assert date(2026, 10, 12) not in october
