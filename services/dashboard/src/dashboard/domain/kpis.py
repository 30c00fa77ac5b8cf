"""What a KPI is, and the arithmetic every card shares (pure).

A KPI's `rows(record)` gives the rows one record contributes; the card value, the
drill-down list and the CSV are all computed from those rows (`Tally`), so a card always
equals the list behind it.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final, Literal

from dashboard.domain.records import RecordState

Unit = Literal["percent", "count", "fen", "sum"]
Kind = Literal["period", "now"]
Status = Literal["ok", "warn", "bad", "none"]
STATUS_WORDS: Final[Mapping[Status, str]] = {
    "ok": "on target",
    "warn": "near target",
    "bad": "off target",
    "none": "no data",
}


@dataclass(frozen=True)
class KpiRow:
    """One row behind a card: for a percent, a member of the denominator (`counted`:
    of the numerator too); for a count, one counted thing; for money, its amount."""

    key: str  # unique among this KPI's rows of one record
    day: date  # site-local
    at: datetime
    counted: bool = True
    value: float | None = None
    detail: str = ""
    ref: str = ""  # path of the record in the owning service's API
    ends: date | None = None  # a "now" row counts up to this site-local day (inclusive)


@dataclass(frozen=True)
class Kpi:
    """One KPI, defined once: the card, the drill-down list and the CSV all come from it."""

    key: str
    service: str
    title: str
    counts: str  # what it counts or divides, in words
    unit: Unit
    target: float  # default per-site target (OPSLEDGER_DASHBOARD_TARGETS overrides)
    lower_is_better: bool
    warn_band: float  # within this of the target: "near target"
    kind: Kind  # "period": what happened in the period; "now": the current state
    rows: Callable[[RecordState], Sequence[KpiRow]]
    secrecy: bool = False


@dataclass(frozen=True)
class Tally:
    """Rows summed: how many, how many counted, the sum of their values."""

    rows: int = 0
    counted: int = 0
    total: float = 0.0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(self.rows + other.rows, self.counted + other.counted, self.total + other.total)

    @classmethod
    def of(cls, rows: Iterable[KpiRow]) -> "Tally":
        listed = list(rows)
        return cls(
            rows=len(listed),
            counted=sum(1 for r in listed if r.counted),
            total=sum(r.value or 0.0 for r in listed),
        )


@dataclass(frozen=True)
class Figure:
    value: float | None
    numerator: int | None
    denominator: int | None


def figure(kpi: Kpi, tally: Tally) -> Figure:
    """The card's number. A percent's numerator is a subset of its denominator (the rows
    that count); an empty denominator has no value, never 0 %."""
    if kpi.unit == "percent":
        value = round(100.0 * tally.counted / tally.rows, 2) if tally.rows else None
        return Figure(value, tally.counted, tally.rows)
    if kpi.unit in ("fen", "sum"):  # amounts, or counts published as numbers
        return Figure(round(tally.total, 2), None, None)
    return Figure(float(tally.rows), None, None)


def status(kpi: Kpi, value: float | None, target: float) -> Status:
    if value is None:
        return "none"
    gap = (value - target) if kpi.lower_is_better else (target - value)
    if gap <= 0:
        return "ok"
    return "warn" if gap <= kpi.warn_band else "bad"


def delta(kpi: Kpi, value: float | None, previous: float | None) -> float | None:
    """Against the previous period: none when either has no value (never 0), and none
    for a "now" KPI (the current state has no previous period)."""
    if kpi.kind == "now" or value is None or previous is None:
        return None
    return round(value - previous, 2)
