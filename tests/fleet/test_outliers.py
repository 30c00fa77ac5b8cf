"""Issue #11 item 5: fuel economy between full fills, IQR fences per vehicle and per model
at the site, odometer sanity on every entry (pure functions)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fleet.domain.outliers import Fill, fences, find_outliers, segments

from tests.fleet.conftest import SITE, START, Fleet

T0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)


def fill(
    n: int, odo: str, litres: str, full: bool = True, vehicle: str = "veh-1", month: str = ""
) -> Fill:
    at = T0 + timedelta(days=7 * n)
    return Fill(
        purchase_id=f"fp-{vehicle}-{n}",
        vehicle_id=vehicle,
        filled_at=at,
        month=month or at.strftime("%Y-%m"),
        odometer_km=Decimal(odo),
        litres=Decimal(litres),
        full_fill=full,
    )


def test_item5_partial_fills_accumulate_into_the_next_full_fill() -> None:
    found, issues = segments(
        [
            fill(0, "1000.0", "30.00"),  # the first full fill only anchors
            fill(1, "1200.0", "10.00", full=False),
            fill(2, "1400.0", "46.00"),
        ]
    )
    assert issues == []
    assert [(s.from_purchase, s.to_purchase, s.km, s.litres, s.economy) for s in found] == [
        ("fp-veh-1-0", "fp-veh-1-2", Decimal("400.0"), Decimal("56.00"), Decimal("14.00"))
    ]


def test_item5_odometer_sanity_on_every_entry() -> None:
    found, issues = segments(
        [
            fill(0, "1000.0", "30.00"),
            fill(1, "990.0", "10.00"),  # backwards: flagged, left out of the economy
            fill(2, "1500.0", "70.00"),
            fill(3, "1500.0", "5.00"),  # full fill with no distance since the last one
        ]
    )
    assert [(i.purchase_id, i.problem) for i in issues] == [
        ("fp-veh-1-1", "backwards"),
        ("fp-veh-1-3", "no_distance"),
    ]
    assert [(s.km, s.litres) for s in found] == [(Decimal("500.0"), Decimal("80.00"))]


def test_item5_fences_are_tukeys_with_linear_quartiles_and_need_four_samples() -> None:
    values = [Decimal(v) for v in ("10", "11", "12", "13", "14")]
    assert fences(values) == (Decimal("8.0"), Decimal("16.0"))  # Q1 11, Q3 13, IQR 2
    assert fences(values[:3]) is None


def test_item5_outliers_against_the_vehicle_and_the_model() -> None:
    normal = ["1400.0", "1800.0", "2200.0", "2600.0", "3000.0"]
    fills = [fill(0, "1000.0", "40.00")]
    fills += [fill(i + 1, odo, "56.00") for i, odo in enumerate(normal)]  # 14.0 L/100 km
    fills.append(fill(6, "3400.0", "84.00"))  # 21.0 L/100 km
    other = [fill(0, "500.0", "40.00", vehicle="veh-2")]
    other += [fill(i + 1, f"{900 + 400 * i}.0", "52.00", vehicle="veh-2") for i in range(5)]
    found = find_outliers(
        fills + other, {"veh-1": "soueast", "veh-2": "soueast"}, since="2026-01", until="2026-12"
    )
    assert len(found.outliers) == 1
    hit = found.outliers[0]
    assert hit.segment.to_purchase == "fp-veh-1-6" and hit.segment.economy == Decimal("21.00")
    assert hit.flags == ["vehicle_high", "model_high"]
    assert hit.vehicle_fence is not None and hit.model_fence is not None


def test_item5_only_the_window_counts() -> None:
    fills = [fill(i, f"{1000 + 400 * i}.0", "56.00") for i in range(6)]
    fills.append(fill(6, "3400.0", "84.00"))
    found = find_outliers(fills, {"veh-1": "soueast"}, since="2027-01", until="2027-12")
    assert found.outliers == [] and found.odometer == []


async def test_item5_outlier_list_over_http(fleet: Fleet) -> None:
    await fleet.vehicle()
    readings = [("1000.0", "30.00"), ("1100.0", "14.00"), ("1200.0", "14.00")]
    readings += [("1300.0", "14.00"), ("1400.0", "14.00"), ("1500.0", "21.00")]
    for n, (odo, litres) in enumerate(readings):
        body = {
            "site_id": SITE,
            "vehicle_id": "veh-1",
            "litres": litres,
            "amount_fen": 10000,
            "station": "Sinopec",
            "odometer_km": odo,
            "full_fill": True,
            "invoice_no": f"INV-{n}",
            "filled_at": (START - timedelta(days=10 - n)).isoformat(),
        }
        await fleet.post("/fuel-purchases", body, fleet.director, 201)
    report = await fleet.get(
        "/fuel/outliers", fleet.auth("aud-1", "auditor"), site_id=SITE, month="2026-11"
    )
    assert report["since"] == "2025-12" and report["odometer"] == []
    assert [(o["to_purchase"], o["economy"], o["flags"]) for o in report["outliers"]] == [
        ("fp-site-a-000006", "21.00", ["vehicle_high", "model_high", "company_high"])
    ]
    answer = await fleet.client.get(
        "/fuel/outliers", params={"site_id": SITE}, headers=fleet.auth("drv-07", "driver")
    )
    assert answer.status_code == 403
