"""CC-11 (rev.) seats online (002 呼叫中心 五): per-site minimums by band of the day — peak
8, night (20:00-08:00) 2, and every hour at least one seat (7x24)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from callcenter.domain.calls.staffing import BandCoverage, seat_coverage
from callcenter.domain.rules import CallcenterRules, Staffing
from opsledger.testing import site_calendar
from pydantic import ValidationError

from tests.callcenter.conftest import CallCenter

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = datetime(2026, 11, 10, tzinfo=SHANGHAI)  # a Tuesday, site-local midnight


def at(hour: int, minute: int = 0) -> datetime:
    return (DAY + timedelta(hours=hour, minutes=minute)).astimezone(UTC)


def test_cc11_default_bands_and_minimums_at_their_boundaries() -> None:
    staffing = CallcenterRules().staffing
    assert staffing.band_of(time(7, 59)) == ("night", 2)
    assert staffing.band_of(time(8, 0)) == ("day", 1)
    assert staffing.band_of(time(8, 59)) == ("day", 1)
    assert staffing.band_of(time(9, 0)) == ("peak", 8)
    assert staffing.band_of(time(17, 59)) == ("peak", 8)
    assert staffing.band_of(time(18, 0)) == ("day", 1)
    assert staffing.band_of(time(19, 59)) == ("day", 1)
    assert staffing.band_of(time(20, 0)) == ("night", 2)
    assert staffing.band_of(time(0, 0)) == ("night", 2)


def test_cc11_seat_minimums_and_hours_are_per_site_settings() -> None:
    site = site_calendar(
        "site-b",
        {
            "rules": {
                "callcenter": {
                    "staffing": {
                        "night_hours": {"start": "22:00", "end": "07:00"},
                        "peak_hours": {"start": "10:00", "end": "16:00"},
                        "min_seats_night": 3,
                        "min_seats_peak": 5,
                        "min_seats_every_hour": 2,
                    }
                }
            }
        },
    )
    staffing = site.rules(CallcenterRules).staffing
    assert staffing.band_of(time(21, 59)) == ("day", 2)
    assert staffing.band_of(time(22, 0)) == ("night", 3)
    assert staffing.band_of(time(7, 0)) == ("day", 2)
    assert staffing.band_of(time(10, 0)) == ("peak", 5)
    assert staffing.band_of(time(16, 0)) == ("day", 2)
    with pytest.raises(ValidationError):
        Staffing.model_validate({"min_seats_every_hour": 0})


def test_cc11_every_quarter_hour_judged_against_its_band() -> None:
    # Two seats all day, except one of them away 20:00-20:15 and 07:45-08:15, and nobody
    # at all 12:00-12:15.
    sessions = [
        (at(0), at(7, 45)),  # seat A
        (at(8, 15), at(12)),
        (at(12, 15), at(20)),
        (at(20, 15), None),
        (at(0), at(12)),  # seat B
        (at(12, 15), None),
    ]
    figures = {
        f.name: f
        for f in seat_coverage(sessions, at(0), at(24), SHANGHAI, CallcenterRules().staffing)
    }
    night = figures["seats_online_night"]
    # 48 night samples (20:00-08:00); 20:00 and 07:45 have one seat of the two needed.
    assert (night.band, night.minimum, night.samples, night.met, night.lowest) == (
        "night",
        2,
        48,
        46,
        1,
    )
    peak = figures["seats_online_peak"]
    assert (peak.minimum, peak.samples, peak.met, peak.lowest) == (8, 36, 0, 0)
    every = figures["seats_online_every_hour"]
    # 96 samples: only 12:00 had no seat (8:00 still has the other one).
    assert (every.minimum, every.samples, every.met, every.lowest) == (1, 96, 95, 0)
    assert list(figures) == [
        "seats_online_peak",
        "seats_online_night",
        "seats_online_every_hour",
    ]


def test_cc11_nothing_to_judge_before_the_period_starts() -> None:
    figures = seat_coverage([], at(5), at(5), SHANGHAI, CallcenterRules().staffing)
    assert [(f.samples, f.met, f.lowest) for f in figures] == [(0, 0, None)] * 3
    assert all(isinstance(f, BandCoverage) for f in figures)


async def test_cc11_seat_coverage_of_a_month_through_views(cc: CallCenter) -> None:
    from callcenter.views import desk as views

    # 2026-03-13 09:00 Shanghai: agent-1 logs in; two hours later we ask.
    login = await cc.post("/seats/login", {"site_id": "site-a", "seat_id": "S-1"})
    assert login.status_code == 201, login.text
    cc.clock.advance(timedelta(hours=2))
    await cc.service.read_models.catch_up()
    site = cc.service.runtime.sites.calendar("site-a")
    async with cc.service.runtime.engine.connect() as conn:
        figures = await views.seat_coverage(conn, "site-a", "2026-03", cc.clock.now(), site)
    every = {f.name: f for f in figures}["seats_online_every_hour"]
    # 1 March 00:00 to 13 March 11:00 local: 12 days and 11 hours of quarter-hours, of
    # which the last 2 hours (8 samples) had agent-1's seat.
    assert (every.samples, every.met) == ((12 * 24 + 11) * 4, 8)
