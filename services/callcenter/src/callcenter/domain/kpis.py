"""CC-6 and CC-11 targets and how a month's figures are judged against them (pure)."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
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


@dataclass(frozen=True)
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


def _ratio(name: str, numerator: int, denominator: int) -> Kpi:
    target = TARGETS[name]
    if denominator == 0:
        return Kpi(name, numerator, denominator, None, target, None)
    rate = numerator / denominator
    return Kpi(name, numerator, denominator, round(rate, 4), target, rate >= target)


def evaluate(ticket_rows: Iterable[Mapping[str, Any]], call_outcomes: Iterable[str]) -> list[Kpi]:
    """The month's KPIs from its tickets (by month of first contact) and its calls.

    Decisions where RULES.md is silent:
    - valid complaints are complaints not ruled invalid by a supervisor; closed ones count;
    - callback rate: resolved complaints and repairs with a confirmed callback, or closed
      `callback_unreachable` after the configured attempts;
    - satisfaction share: reached callbacks rating 4 or 5;
    - repair timeliness: repair tickets whose work order never went overdue (WO-5);
    - first-time fix: repair tickets with a work order not flagged a repeat (WO-10).
    """
    rows = list(ticket_rows)
    complaints = [
        r for r in rows if r["kind"] == "complaint" and r["closed_outcome"] != "invalid_complaint"
    ]
    closed_complaints = [r for r in complaints if r["closed_outcome"] is not None]
    resolved = [r for r in rows if r["kind"] in ("complaint", "repair") and r["ever_resolved"]]
    called_back = [
        r
        for r in resolved
        if r["callback_reached"] or r["closed_outcome"] == "callback_unreachable"
    ]
    rated = [r for r in rows if r["satisfaction"] is not None]
    satisfied = [r for r in rated if r["satisfaction"] >= 4]
    repairs = [r for r in rows if r["kind"] == "repair" and r["work_order_id"] is not None]
    on_time = [r for r in repairs if not r["work_order_overdue"]]
    first_time = [r for r in repairs if not r["repeat_repair"]]
    outcomes = list(call_outcomes)
    answered = [o for o in outcomes if o == "answered"]
    breaches = sum(1 for r in rows if r["sla_breached"])
    return [
        _ratio("valid_complaint_closure_rate", len(closed_complaints), len(complaints)),
        _ratio("callback_rate", len(called_back), len(resolved)),
        _ratio("satisfaction_share", len(satisfied), len(rated)),
        _ratio("repair_timeliness", len(on_time), len(repairs)),
        _ratio("first_time_fix_rate", len(first_time), len(repairs)),
        _ratio("answered_call_rate", len(answered), len(outcomes)),
        Kpi("sla_breaches", breaches, len(rows), None, None, breaches <= MAX_SLA_BREACHES),
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
