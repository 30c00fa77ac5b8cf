"""CC-6 and CC-11 figures of a site's month judged against the site's targets (pure).

The counts are SQL aggregations over the read models (`callcenter.views`); what counts
as what is decided there, with the decisions RULES.md left open written next to it. The
targets are per-site settings (`CallcenterRules.kpi_targets`, defaults RULES.md's).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from callcenter.domain.rules import CallcenterRules, KpiTargets

# CC-11 seats online (002 呼叫中心). *Configurable*; the hours are our decision.
MIN_SEATS_PEAK = 8
MIN_SEATS_NIGHT = 2
PEAK_HOURS = (time(9, 0), time(18, 0))  # site-local
NIGHT_HOURS = (time(22, 0), time(8, 0))  # site-local, across midnight
SEAT_SAMPLE_EVERY = timedelta(minutes=15)


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
    # CC-6 (rev.): repairs judged for timeliness (completed, or overdue), per class, and
    # those completed by their reply-by time.
    urgent_repairs: int = 0
    urgent_on_time: int = 0
    minor_repairs: int = 0
    minor_on_time: int = 0
    unclassed_repairs: int = 0
    unclassed_on_time: int = 0
    repairs: int = 0
    repairs_first_time: int = 0
    surveys: int = 0
    surveys_satisfied: int = 0
    sla_breaches: int = 0
    calls: int = 0
    answered_calls: int = 0


def _ratio(name: str, numerator: int, denominator: int, targets: KpiTargets) -> Kpi:
    target = float(getattr(targets, name))
    if denominator == 0:
        return Kpi(name, numerator, denominator, None, target, None)
    rate = numerator / denominator
    return Kpi(name, numerator, denominator, round(rate, 4), target, rate >= target)


def evaluate(n: MonthCounts, rules: CallcenterRules) -> list[Kpi]:
    """The month's CC-6 and CC-11 call figures, judged against the site's targets."""
    targets = rules.kpi_targets
    return [
        _ratio(
            "valid_complaint_closure_rate",
            n.closed_valid_complaints,
            n.valid_complaints,
            targets,
        ),
        _ratio("callback_rate", n.called_back, n.resolved, targets),
        _ratio("satisfaction_share", n.satisfied, n.rated, targets),
        _ratio("repair_timeliness_urgent", n.urgent_on_time, n.urgent_repairs, targets),
        _ratio("repair_timeliness_minor", n.minor_on_time, n.minor_repairs, targets),
        _ratio("repair_timeliness_unclassed", n.unclassed_on_time, n.unclassed_repairs, targets),
        _ratio("first_time_fix_rate", n.repairs_first_time, n.repairs, targets),
        _ratio("surveyed_satisfaction", n.surveys_satisfied, n.surveys, targets),
        _ratio("answered_call_rate", n.answered_calls, n.calls, targets),
        Kpi(
            "sla_breaches",
            n.sla_breaches,
            n.tickets,
            None,
            targets.max_sla_breaches,
            n.sla_breaches <= targets.max_sla_breaches,
        ),
    ]


def seat_coverage(
    sessions: Sequence[tuple[datetime, datetime | None]],
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    rules: CallcenterRules | None = None,
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
    targets = (rules or CallcenterRules()).kpi_targets
    return [
        _ratio("seats_online_peak", peak_ok, peak_n, targets),
        _ratio("seats_online_night", night_ok, night_n, targets),
    ]
