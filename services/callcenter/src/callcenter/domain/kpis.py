"""CC-6 and CC-11 targets and how a month's figures are judged against them (pure).

The counts are SQL aggregations over the read models (`callcenter.views`); what counts
as what is decided there, with the decisions RULES.md left open written next to it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

# Targets from RULES.md CC-6 / CC-11 (000 第10篇, 002 呼叫中心). *Configurable*.
TARGETS: dict[str, float] = {
    "valid_complaint_closure_rate": 0.96,
    "callback_rate": 1.0,
    "satisfaction_share": 0.90,
    "repair_timeliness": 1.0,
    "first_time_fix_rate": 0.95,
    "answered_call_rate": 0.90,
    # Share of sampled quarter-hours with enough seats online: every one of them.
    "seats_online_peak": 1.0,
    "seats_online_night": 1.0,
}
# CC-11 seats online (002 呼叫中心). *Configurable*; the hours are our decision.
MIN_SEATS_PEAK = 8
MIN_SEATS_NIGHT = 2
PEAK_HOURS = (time(9, 0), time(18, 0))  # site-local
NIGHT_HOURS = (time(22, 0), time(8, 0))  # site-local, across midnight
SEAT_SAMPLE_EVERY = timedelta(minutes=15)
# A breach is an event (CC-3); the target is none at all.
MAX_SLA_BREACHES = 0


@dataclass(frozen=True, slots=True)
class Kpi:
    """One figure: numerator/denominator, the rate, the target and whether it is met.

    `rate` and `met` are None when nothing happened to measure (denominator 0).
    """

    name: str
    numerator: int
    denominator: int
    rate: float | None
    target: float | None
    met: bool | None


@dataclass(frozen=True, slots=True)
class MonthCounts:
    """A site's month in numbers: tickets by month of first contact, calls by ringing."""

    tickets: int = 0
    valid_complaints: int = 0
    closed_valid_complaints: int = 0
    resolved: int = 0
    called_back: int = 0
    rated: int = 0
    satisfied: int = 0
    repairs: int = 0
    repairs_on_time: int = 0
    repairs_first_time: int = 0
    sla_breaches: int = 0
    calls: int = 0
    answered_calls: int = 0


def _ratio(name: str, numerator: int, denominator: int) -> Kpi:
    target = TARGETS[name]
    if denominator == 0:
        return Kpi(name, numerator, denominator, None, target, None)
    rate = numerator / denominator
    return Kpi(name, numerator, denominator, round(rate, 4), target, rate >= target)


def evaluate(n: MonthCounts) -> list[Kpi]:
    """The month's CC-6 and CC-11 call figures, judged against the targets."""
    return [
        _ratio("valid_complaint_closure_rate", n.closed_valid_complaints, n.valid_complaints),
        _ratio("callback_rate", n.called_back, n.resolved),
        _ratio("satisfaction_share", n.satisfied, n.rated),
        _ratio("repair_timeliness", n.repairs_on_time, n.repairs),
        _ratio("first_time_fix_rate", n.repairs_first_time, n.repairs),
        _ratio("answered_call_rate", n.answered_calls, n.calls),
        Kpi(
            "sla_breaches",
            n.sla_breaches,
            n.tickets,
            None,
            None,
            n.sla_breaches <= MAX_SLA_BREACHES,
        ),
    ]


def seat_coverage(
    sessions: Sequence[tuple[datetime, datetime | None]],
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
) -> list[Kpi]:
    """CC-11: sample every quarter-hour in [start, end) and count the seats online.

    `sessions` are (logged in, logged out or None) instants. A peak sample is met with
    MIN_SEATS_PEAK seats, a night sample with MIN_SEATS_NIGHT; other hours have no minimum.
    """
    peak_ok = peak_n = night_ok = night_n = 0
    when = start
    while when < end:
        local = when.astimezone(zone).time()
        online = sum(1 for a, b in sessions if a <= when and (b is None or b > when))
        if PEAK_HOURS[0] <= local < PEAK_HOURS[1]:
            peak_n += 1
            peak_ok += online >= MIN_SEATS_PEAK
        elif local >= NIGHT_HOURS[0] or local < NIGHT_HOURS[1]:
            night_n += 1
            night_ok += online >= MIN_SEATS_NIGHT
        when += SEAT_SAMPLE_EVERY
    return [
        _ratio("seats_online_peak", peak_ok, peak_n),
        _ratio("seats_online_night", night_ok, night_n),
    ]
