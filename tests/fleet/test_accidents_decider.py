"""FL-8 accident liability: shares and caps, private use, engine seizure, repeat, concealment."""

from datetime import UTC, datetime, timedelta

import pytest
from fleet.domain.conduct import CONDUCT, RecordAccident
from opsledger.testing import given, site_calendar
from opsledger_contracts.events.fleet import (
    AccidentRecorded,
    FleetLedgerEntryRecorded,
    PersonFlagged,
)

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)


def accident(aid: str = "a1", **kw: object) -> RecordAccident:
    fields: dict[str, object] = {
        "site_id": "site-a",
        "person": "drv-07",
        "accident_id": aid,
        "vehicle_id": "veh-1",
        "occurred_at": NOW - timedelta(hours=1),
        "on_duty": True,
        "responsibility": "full",
        "cost_fen": 1_000_000,
        "engine_seizure": False,
        "concealed": False,
        "serious": False,
    }
    fields.update(kw)
    return RecordAccident(**fields)  # type: ignore[arg-type]


def liability(command: RecordAccident, **site: object) -> int:
    scenario = given(CONDUCT, at=NOW, site=site_calendar("site-a", {"rules": {"fleet": site}}))
    recorded = scenario.when(command, at=NOW)[0]
    assert isinstance(recorded, AccidentRecorded)
    return recorded.liability_fen


def test_fl8_on_duty_shares_are_capped() -> None:
    assert liability(accident(responsibility="full")) == 300000  # 70% capped at 3000 yuan
    assert liability(accident(responsibility="equal", cost_fen=200000)) == 100000  # 50%
    assert liability(accident(responsibility="minor")) == 100000  # 30% capped at 1000
    assert liability(accident(responsibility="none")) == 0


def test_fl8_main_responsibility_cap_is_a_site_setting() -> None:
    assert liability(accident(responsibility="main")) == 200000
    assert liability(accident(responsibility="main"), liability_main_cap_fen=250000) == 250000


def test_fl8_private_use_accident_is_100_percent_personal() -> None:
    assert liability(accident(on_duty=False)) == 1_000_000


def test_fl8_engine_seizure_from_neglect_is_personal_and_dismissal() -> None:
    events = given(CONDUCT, at=NOW).when(accident(engine_seizure=True), at=NOW)
    assert isinstance(events[1], FleetLedgerEntryRecorded) and events[1].amount_fen == 1_000_000
    assert isinstance(events[-1], PersonFlagged) and events[-1].flag == "dismissal"


def test_fl8_two_main_or_full_accidents_within_12_months_flag_dismissal() -> None:
    first = accident("a1", occurred_at=NOW - timedelta(days=300))
    scenario = given(CONDUCT, at=NOW).record(first, at=NOW)
    events = scenario.when(accident("a2", responsibility="main"), at=NOW)
    assert isinstance(events[-1], PersonFlagged) and events[-1].rule == "FL-8"
    old = given(CONDUCT, at=NOW).record(
        accident("a1", occurred_at=NOW - timedelta(days=400)), at=NOW
    )
    assert not any(isinstance(e, PersonFlagged) for e in old.when(accident("a2"), at=NOW))


def test_fl8_concealed_accident_with_serious_consequences_flags_dismissal() -> None:
    events = given(CONDUCT, at=NOW).when(
        accident(concealed=True, serious=True, responsibility="minor"), at=NOW
    )
    assert isinstance(events[-1], PersonFlagged) and "concealed" in events[-1].reason


def test_fl8_future_accident_is_refused() -> None:
    given(CONDUCT, at=NOW).refuses(accident(occurred_at=NOW + timedelta(days=1)), "FL-8", at=NOW)


@pytest.mark.parametrize(
    ("responsibility", "cost_fen", "share_fen"),
    [
        # well under the cap: the share itself (FL-8: 70 / 60 / 50 / 30 %)
        ("full", 100_000, 70_000),
        ("main", 100_000, 60_000),
        ("equal", 100_000, 50_000),
        ("minor", 100_000, 30_000),
        # a fen under the cap, then exactly at it (the share rounds half-up to the fen)
        ("full", 428_570, 299_999),
        ("full", 428_571, 300_000),
        ("main", 333_332, 199_999),
        ("main", 333_333, 200_000),
        ("equal", 299_998, 149_999),
        ("equal", 300_000, 150_000),
        ("minor", 333_330, 99_999),
        ("minor", 333_333, 100_000),
        # far above: the cap (3000 / 2000 / 1500 / 1000 yuan)
        ("full", 10_000_000, 300_000),
        ("main", 10_000_000, 200_000),
        ("equal", 10_000_000, 150_000),
        ("minor", 10_000_000, 100_000),
    ],
)
def test_fl8_every_share_and_cap_is_pinned(
    responsibility: str, cost_fen: int, share_fen: int
) -> None:
    assert liability(accident(responsibility=responsibility, cost_fen=cost_fen)) == share_fen
