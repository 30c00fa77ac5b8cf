"""Fuel economy outliers (issue #11 item 5): beyond the fixed FL-5 allowance.

Pure functions over a site's fuel purchases (no I/O):

- `segments`: per vehicle, economy between consecutive FULL fills; the litres of the
  partial fills in between count towards the next full fill (so a partial fill never
  distorts the figure). Odometer sanity on every entry: a reading below the previous one
  is `backwards` (its litres count as a partial fill, its reading is not used); a full
  fill with no distance since the last one is `no_distance`.
- `fences`: Tukey's fences Q1 - 1.5·IQR, Q3 + 1.5·IQR with linearly interpolated
  quartiles; `None` below `MIN_SAMPLES` figures (too little history to judge).
- `find_outliers`: each segment in the window against the fences of its vehicle's
  segments, of the same model at the site (`model_*`) and, given every site's fills, of
  the same model across the company (`company_*`). Season-aware: a model with a
  seasonal allowance is judged among segments of its own season only. A site whose
  model group is too small to fence uses the company's fence for `model_*`.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Literal

from fleet.domain.common import q2
from fleet.domain.rules import ModelAllowance

MIN_SAMPLES = 4
WHISKER = Decimal("1.5")


@dataclass(frozen=True)
class Fill:
    purchase_id: str
    vehicle_id: str
    filled_at: datetime
    month: str  # site-local month of the fill
    odometer_km: Decimal
    litres: Decimal
    full_fill: bool


@dataclass(frozen=True)
class Segment:
    """Litres bought from one full fill (excluded) to the next (included), and the km."""

    vehicle_id: str
    from_purchase: str
    to_purchase: str
    month: str
    km: Decimal
    litres: Decimal
    economy: Decimal  # L/100 km


@dataclass(frozen=True)
class OdometerIssue:
    vehicle_id: str
    purchase_id: str
    month: str
    odometer_km: Decimal
    previous_km: Decimal
    problem: Literal["backwards", "no_distance"]


Fence = tuple[Decimal, Decimal]


@dataclass(frozen=True)
class Outlier:
    segment: Segment
    model: str
    flags: list[str]  # vehicle_, model_, company_ + low|high
    vehicle_fence: Fence | None
    model_fence: Fence | None
    company_fence: Fence | None = None
    model_scope: Literal["site", "company"] = "site"  # whose fence `model_fence` is


@dataclass(frozen=True)
class Findings:
    outliers: list[Outlier] = field(default_factory=list)
    odometer: list[OdometerIssue] = field(default_factory=list)


def segments(fills: Iterable[Fill]) -> tuple[list[Segment], list[OdometerIssue]]:
    """One vehicle's (or several vehicles') economy segments and odometer problems."""
    found: list[Segment] = []
    issues: list[OdometerIssue] = []
    by_vehicle: dict[str, list[Fill]] = {}
    for f in fills:
        by_vehicle.setdefault(f.vehicle_id, []).append(f)
    for vehicle_fills in by_vehicle.values():
        anchor: Fill | None = None
        last: Fill | None = None
        pending = Decimal(0)
        for f in sorted(vehicle_fills, key=lambda x: (x.filled_at, x.purchase_id)):
            if last is not None and f.odometer_km < last.odometer_km:
                issues.append(_issue(f, last.odometer_km, "backwards"))
                if anchor is not None:
                    pending += f.litres  # the fuel was bought; its reading is not used
                continue
            last = f
            if anchor is None:
                anchor = f if f.full_fill else None  # litres before the first full fill
                continue
            pending += f.litres
            if not f.full_fill:
                continue
            km = f.odometer_km - anchor.odometer_km
            if km <= 0:
                issues.append(_issue(f, anchor.odometer_km, "no_distance"))
            else:
                economy = q2(pending * 100 / km)
                found.append(
                    Segment(
                        f.vehicle_id,
                        anchor.purchase_id,
                        f.purchase_id,
                        f.month,
                        km,
                        q2(pending),
                        economy,
                    )
                )
            anchor, pending = f, Decimal(0)
    return found, issues


def _issue(
    f: Fill, previous: Decimal, problem: Literal["backwards", "no_distance"]
) -> OdometerIssue:
    return OdometerIssue(f.vehicle_id, f.purchase_id, f.month, f.odometer_km, previous, problem)


def _quantile(ordered: Sequence[Decimal], p: Decimal) -> Decimal:
    position = (len(ordered) - 1) * p
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def fences(values: Sequence[Decimal]) -> Fence | None:
    """Tukey's fences of `values`, or None with fewer than `MIN_SAMPLES`."""
    if len(values) < MIN_SAMPLES:
        return None
    ordered = sorted(values)
    q1 = _quantile(ordered, Decimal("0.25"))
    q3 = _quantile(ordered, Decimal("0.75"))
    iqr = q3 - q1
    return q1 - WHISKER * iqr, q3 + WHISKER * iqr


def _outside(value: Decimal, fence: Fence | None, name: str) -> list[str]:
    if fence is None:
        return []
    if value < fence[0]:
        return [f"{name}_low"]
    return [f"{name}_high"] if value > fence[1] else []


def season(model: ModelAllowance | None, month: str) -> str:
    """`season` for a month with the model's seasonal allowance, else `base`."""
    if model is None or model.seasonal is None:
        return "base"
    return "season" if int(month[5:]) in model.season_months else "base"


def _fenced(groups: Mapping[tuple[str, ...], list[Decimal]]) -> dict[tuple[str, ...], Fence | None]:
    return {key: fences(values) for key, values in groups.items()}


def find_outliers(
    fills: Iterable[Fill],
    model_of: Mapping[str, str],
    since: str,
    until: str,
    *,
    site_of: Mapping[str, str] | None = None,
    site: str | None = None,
    models: Mapping[str, ModelAllowance] | None = None,
) -> Findings:
    """Outliers among the segments of months `since`..`until` (YYYY-MM, inclusive).

    `site_of` (vehicle -> site) makes the fills the company's: the site's own groups
    and the company's per model are fenced, and only `site`'s segments are reported.
    `models` (the allowances) makes every group season-aware.
    """
    all_segments, issues = segments(fills)
    window = [s for s in all_segments if since <= s.month <= until]
    sites = site_of or {}
    groups: dict[str, dict[tuple[str, ...], list[Decimal]]] = {
        "vehicle": {},
        "model": {},
        "company": {},
    }
    keys: dict[int, dict[str, tuple[str, ...]]] = {}
    for i, s in enumerate(window):
        model = model_of.get(s.vehicle_id, "")
        when = season((models or {}).get(model), s.month)
        keys[i] = {
            "vehicle": (s.vehicle_id, when),
            "model": (sites.get(s.vehicle_id, ""), model, when),
            "company": (model, when),
        }
        for group, group_key in keys[i].items():
            groups[group].setdefault(group_key, []).append(s.economy)
    fenced = {group: _fenced(values) for group, values in groups.items()}
    outliers = []
    for i, s in enumerate(window):
        if site_of is not None and site is not None and sites.get(s.vehicle_id) != site:
            continue  # another site's segment: it only shapes the company's fences
        mine = keys[i]
        vf, mf = fenced["vehicle"][mine["vehicle"]], fenced["model"][mine["model"]]
        cf = fenced["company"][mine["company"]] if site_of is not None else None
        scope: Literal["site", "company"] = "site"
        if mf is None and cf is not None:
            mf, scope = cf, "company"  # a small depot: the company's fences
        flags = _outside(s.economy, vf, "vehicle") + _outside(s.economy, mf, "model")
        flags += _outside(s.economy, cf, "company")
        if flags:
            model = model_of.get(s.vehicle_id, "")
            outliers.append(Outlier(s, model, flags, vf, mf, cf, scope))
    odometer = [
        i
        for i in issues
        if since <= i.month <= until
        and (site_of is None or site is None or sites.get(i.vehicle_id) == site)
    ]
    return Findings(outliers, odometer)


def months_back(month: str, count: int) -> str:
    """The month `count` months before `month` (YYYY-MM)."""
    index = int(month[:4]) * 12 + int(month[5:]) - 1 - count
    return f"{index // 12:04d}-{index % 12 + 1:02d}"
