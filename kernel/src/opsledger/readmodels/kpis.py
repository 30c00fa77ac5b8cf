"""A figure of a site's month judged against its target: the shape every `/kpis` answers."""

from dataclasses import dataclass
from typing import Self

__all__ = ["Kpi"]


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

    @classmethod
    def ratio(cls, name: str, numerator: int, denominator: int, target: float) -> Self:
        """The rate `numerator / denominator` (4 places), met when it reaches `target`."""
        if denominator == 0:
            return cls(name, numerator, denominator, None, target, None)
        rate = numerator / denominator
        return cls(name, numerator, denominator, round(rate, 4), target, rate >= target)
