"""Outliers that see the whole company (issue 21 item 8): besides the site's, fences per
model across all sites; season-aware (a summer month against summer fills, never mixed
with winter ones); a small depot falls back to the company's fences."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fleet.domain.outliers import Fill, find_outliers
from fleet.domain.rules import FleetRules

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)
MODELS = FleetRules().models


def run(vehicle: str, litres: list[str], start: datetime = T0, km: int = 400) -> list[Fill]:
    """A full fill to anchor, then one full fill per entry `km` further on, a week apart."""
    fills = [
        Fill(
            f"fp-{vehicle}-0",
            vehicle,
            start,
            start.strftime("%Y-%m"),
            Decimal(1000),
            Decimal(40),
            True,
        )
    ]
    for n, amount in enumerate(litres, 1):
        at = start + timedelta(days=7 * n)
        fills.append(
            Fill(
                f"fp-{vehicle}-{n}",
                vehicle,
                at,
                at.strftime("%Y-%m"),
                Decimal(1000 + km * n),
                Decimal(amount),
                True,
            )
        )
    return fills


def test_item8_a_small_depot_is_judged_by_the_companys_fences() -> None:
    small = run("a-1", ["56.00", "84.00"])  # 14.0 then 21.0 L/100 km: too few to judge alone
    big = [f for n in range(3) for f in run(f"b-{n}", ["56.00", "56.40", "55.60", "56.20"])]
    sites = {"a-1": "site-a", **{f"b-{n}": "site-b" for n in range(3)}}
    models = dict.fromkeys(sites, "soueast")
    found = find_outliers(
        small + big, models, "2026-01", "2026-12", site_of=sites, site="site-a", models=MODELS
    )
    [hit] = found.outliers
    assert (hit.segment.vehicle_id, hit.segment.economy) == ("a-1", Decimal("21.00"))
    assert hit.flags == ["model_high", "company_high"]
    assert hit.vehicle_fence is None and hit.model_fence == hit.company_fence
    assert hit.model_scope == "company"  # the depot's own group is too small


def test_item8_the_company_fence_flags_what_the_sites_own_fleet_hides() -> None:
    # site-a's soueast burns ~18 L/100 km: no outlier against itself, but the rest of
    # the company's run at ~14, and the company's fences say so.
    own = run("a-0", ["72.00", "72.40", "71.60", "72.20"])
    rest = [f for n in range(6) for f in run(f"b-{n}", ["56.00", "56.40", "55.60", "56.20"])]
    sites = {"a-0": "site-a", **{f"b-{n}": "site-b" for n in range(6)}}
    found = find_outliers(
        own + rest,
        dict.fromkeys(sites, "soueast"),
        "2026-01",
        "2026-12",
        site_of=sites,
        site="site-a",
        models=MODELS,
    )
    assert found.outliers and all(o.segment.vehicle_id.startswith("a-") for o in found.outliers)
    assert all(o.flags == ["company_high"] for o in found.outliers)


def test_item8_summer_is_compared_with_summer() -> None:
    winter = run("v-1", ["56.00", "56.40", "55.60", "56.20", "62.00"])  # the last: 15.5
    summer_start = datetime(2026, 7, 6, 2, 0, tzinfo=UTC)
    summer = run("v-2", ["64.00", "64.00", "64.00", "64.00"], start=summer_start)  # 16.0
    soueasts = {"v-1": "soueast", "v-2": "soueast"}
    found = find_outliers(winter + summer, soueasts, "2026-01", "2026-12", models=MODELS)
    # 15.5 L/100 km in February is high for a winter month, though normal for summer:
    # mixed with the summer fills it passes the model's fences.
    assert [(o.segment.month, o.segment.economy, o.flags) for o in found.outliers] == [
        ("2026-02", Decimal("15.50"), ["vehicle_high", "model_high"])
    ]
    mixed = find_outliers(winter + summer, soueasts, "2026-01", "2026-12")
    assert [o.flags for o in mixed.outliers] == [["vehicle_high"]]
