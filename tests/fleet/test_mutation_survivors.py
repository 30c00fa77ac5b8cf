"""Survivors of `make mutation SERVICES=fleet` (issue 21 item 10) killed by a test."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from fleet.domain.common import fen, q2
from fleet.domain.outliers import Fill, segments


def test_money_rounds_half_up_to_the_fen_not_to_even() -> None:
    # ROUND_HALF_EVEN (Decimal's default) would give 0, 2 and 2.
    assert [fen(Decimal(v)) for v in ("0.5", "1.5", "2.5")] == [1, 2, 3]
    assert q2(Decimal("0.125")) == Decimal("0.13")


def test_item5_a_backwards_reading_names_the_reading_it_went_below() -> None:
    t0 = datetime(2026, 1, 5, 2, 0, tzinfo=UTC)

    def fill(n: int, odo: str, litres: str, full: bool = True) -> Fill:
        at = t0 + timedelta(days=n)
        return Fill(f"fp-{n}", "veh-1", at, "2026-01", Decimal(odo), Decimal(litres), full)

    found, [issue] = segments(
        [
            fill(0, "1000.0", "30.00"),
            fill(1, "1100.0", "5.00"),
            fill(2, "990.0", "7.00"),
            fill(3, "1500.0", "50.00"),
        ]
    )
    assert (issue.purchase_id, issue.previous_km, issue.problem) == (
        "fp-2",
        Decimal("1100.0"),
        "backwards",
    )
    # The backwards fill's litres still count towards the next full fill: 5 + 7 + 50.
    assert [(s.km, s.litres) for s in found] == [
        (Decimal("100.0"), Decimal("5.00")),
        (Decimal("400.0"), Decimal("57.00")),
    ]
