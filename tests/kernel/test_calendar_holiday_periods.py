"""Official holiday periods (CC-9 rev.): every day of a break, its weekend days included,
derived from the holidays package's calendar (never a hand-written list in the code)."""

from datetime import date, timedelta

from opsledger.calendar import SiteCalendar, SiteConfig

SHANGHAI = SiteCalendar("site-a", SiteConfig(timezone="Asia/Shanghai", country="CN"))

# The State Council's published 2026 arrangement, written out here for the test only.
PERIODS_2026 = [
    (date(2026, 1, 1), date(2026, 1, 3)),
    (date(2026, 2, 15), date(2026, 2, 23)),
    (date(2026, 4, 4), date(2026, 4, 6)),
    (date(2026, 5, 1), date(2026, 5, 5)),
    (date(2026, 6, 19), date(2026, 6, 21)),
    (date(2026, 9, 25), date(2026, 9, 27)),
    (date(2026, 10, 1), date(2026, 10, 7)),
]


def test_cc9_every_day_of_the_2026_official_holiday_periods_and_no_other() -> None:
    expected = {
        first + timedelta(days=i)
        for first, last in PERIODS_2026
        for i in range((last - first).days + 1)
    }
    year = [date(2026, 1, 1) + timedelta(days=i) for i in range(365)]
    assert {d for d in year if SHANGHAI.in_official_holiday_period(d)} == expected


def test_cc9_a_period_is_named_by_its_first_and_last_day() -> None:
    assert SHANGHAI.official_holiday_period(date(2026, 10, 4)) == PERIODS_2026[-1]
    assert SHANGHAI.official_holiday_period(date(2026, 2, 15)) == PERIODS_2026[1]
    assert SHANGHAI.official_holiday_period(date(2026, 2, 14)) is None  # make-up Saturday
    assert SHANGHAI.official_holiday_period(date(2026, 10, 17)) is None  # ordinary Saturday
    assert SHANGHAI.official_holiday_period(date(2026, 10, 8)) is None
