"""CC-6 and CC-11 figures of a site's month judged against the site's targets (pure).

The counts are SQL aggregations over the read models (`callcenter.views`); what counts
as what is decided there, with the decisions RULES.md left open written next to it. The
targets are per-site settings (`CallcenterRules.kpi_targets`, defaults RULES.md's).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from opsledger.readmodels.kpis import Kpi as Kpi  # re-exported: the shape every /kpis answers

from callcenter.domain.calls.staffing import BandCoverage
from callcenter.domain.rules import CallcenterRules, KpiTargets


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
    return Kpi.ratio(name, numerator, denominator, float(getattr(targets, name)))


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


def judge_coverage(coverage: Sequence[BandCoverage], rules: CallcenterRules) -> list[Kpi]:
    """CC-11 (rev.) seats online per band (`calls.staffing`), against the site's targets:
    the share of sampled quarter-hours that had the band's minimum online."""
    return [_ratio(band.name, band.met, band.samples, rules.kpi_targets) for band in coverage]
