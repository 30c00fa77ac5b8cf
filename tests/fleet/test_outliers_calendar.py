"""Item 8 (company outliers): the month arithmetic, the season a month falls in and the
quartiles the fences are drawn from, to the letter (survivors of `make mutation`)."""

from decimal import Decimal

from fleet.domain.outliers import _quantile, months_back, season
from fleet.domain.rules import ModelAllowance


def test_item8_months_back_crosses_the_years_both_ways() -> None:
    assert months_back("2026-03", 0) == "2026-03"
    assert months_back("2026-03", 3) == "2025-12"
    assert months_back("2026-12", 1) == "2026-11"
    assert months_back("2027-01", 13) == "2025-12"
    assert months_back("2026-11", 10) == "2026-01"


def test_item8_a_month_is_in_season_by_the_models_own_months() -> None:
    soueast = ModelAllowance(base=Decimal("14.0"), seasonal=Decimal("16.0"))
    assert [season(soueast, m) for m in ("2026-06", "2026-07", "2026-09", "2026-10")] == [
        "base",
        "season",
        "season",
        "base",
    ]
    winter = ModelAllowance(
        base=Decimal("10.0"), seasonal=Decimal("12.0"), season_months=frozenset({1, 2})
    )
    assert [season(winter, m) for m in ("2026-01", "2026-11", "2026-12")] == [
        "season",
        "base",
        "base",
    ]
    assert season(ModelAllowance(base=Decimal("10.0")), "2026-07") == "base"
    assert season(None, "2026-07") == "base"


def test_item8_quartiles_interpolate_between_the_ordered_values() -> None:
    values = [Decimal(1), Decimal(2), Decimal(3), Decimal(5)]
    assert _quantile(values, Decimal("0.75")) == Decimal("3.5")
    assert _quantile(values, Decimal("0.25")) == Decimal("1.75")
    assert _quantile(values, Decimal(1)) == Decimal(5)
