"""FL-3, FL-7, FL-10 on violations and fuel fines: what each records to the letter, the
points only drivers lose, the repeat-offender flag by role, the clock-skew edge
(survivors of `make mutation SERVICES=fleet`)."""

from datetime import timedelta

from fleet.domain.conduct import CONDUCT, RecordViolation
from fleet.domain.conduct.commands import DeductDriverPoints, RecordFuelFine, RecordReward
from fleet.domain.conduct.decide import penalty_fen
from fleet.domain.rules import FleetRules
from opsledger.testing import given
from opsledger_contracts.events.fleet import (
    DriverPointsDeducted,
    FleetLedgerEntryRecorded,
    PersonFlagged,
    ViolationRecorded,
)

from tests.fleet.test_fuel_and_conduct_decider import NOW, violation


def at(command: RecordViolation, when: object) -> RecordViolation:
    fields = {**command.__dict__, "occurred_at": when}
    return RecordViolation(**fields)


def test_fl7_a_violation_up_to_five_minutes_ahead_is_taken_beyond_refused() -> None:
    assert given(CONDUCT, at=NOW).when(at(violation("v1"), NOW + timedelta(minutes=5)), at=NOW)
    late = at(violation("v1", "private_use"), NOW + timedelta(minutes=5, microseconds=1))
    error = given(CONDUCT, at=NOW).refuses(late, "FL-7", at=NOW)
    assert (error.field, error.message) == ("occurred_at", "a violation cannot be in the future")
    scenario = given(CONDUCT, at=NOW).record(violation("v1"), at=NOW)
    error = scenario.refuses(violation("v1"), "CONFLICT", at=NOW)
    assert error.message == "violation v1 is already recorded"


def test_fl7_a_driver_loses_points_with_the_fine_a_director_none() -> None:
    [_, _, points] = given(CONDUCT, at=NOW).when(violation("v1", "private_use"), at=NOW)
    assert points == DriverPointsDeducted(
        person="drv-07",
        deduction_id="violation-v1",
        month="2026-12",
        points=10,
        item="private_use",
        rule="FL-7",
        note="At home",
    )
    drink = given(CONDUCT, at=NOW).when(violation("v2", "drink_driving"), at=NOW)
    assert isinstance(drink[-1], DriverPointsDeducted) and drink[-1].points == 10
    director = given(CONDUCT, at=NOW).when(violation("v3", "private_use", "director"), at=NOW)
    assert [type(e) for e in director] == [ViolationRecorded, FleetLedgerEntryRecorded]
    overnight = given(CONDUCT, at=NOW).when(violation("v4"), at=NOW)
    assert [type(e) for e in overnight] == [ViolationRecorded, FleetLedgerEntryRecorded]


def test_fl7_another_driver_at_the_wheel_is_recorded_with_no_fine_nor_points() -> None:
    assert penalty_fen("other_driver", "driver", FleetRules()) == 0
    events = given(CONDUCT, at=NOW).when(violation("v1", "other_driver"), at=NOW)
    assert [type(e) for e in events] == [ViolationRecorded]


def test_fl3_a_repeat_director_is_flagged_for_removal_and_only_overnight_counts() -> None:
    scenario = given(CONDUCT, at=NOW).record(violation("v1", role="director"), at=NOW)
    flagged = scenario.when(violation("v2", role="director"), at=NOW)[-1]
    assert isinstance(flagged, PersonFlagged) and flagged.flag == "removal"
    twice = given(CONDUCT, at=NOW).record(violation("v1", "private_use"), at=NOW)
    assert not any(
        isinstance(e, PersonFlagged) for e in twice.when(violation("v2", "private_use"), at=NOW)
    )


def test_fl7_a_fuel_fine_of_one_fen_is_recorded_with_its_correction_link() -> None:
    fine = RecordFuelFine("site-a", "drv-07", "fuel-1", "2026-11", 1, "excess", "fuel-veh-1", "x")
    [entry] = given(CONDUCT, at=NOW).when(fine, at=NOW)
    assert isinstance(entry, FleetLedgerEntryRecorded)
    assert (entry.amount_fen, entry.corrects, entry.rule) == (1, "x", "FL-7")
    assert given(CONDUCT, at=NOW).record(fine, at=NOW).when(fine, at=NOW) == []  # retried
    none = RecordFuelFine("site-a", "drv-07", "fuel-2", "2026-11", 0, "none", "fuel-veh-1", None)
    assert given(CONDUCT, at=NOW).when(none, at=NOW) == []


def test_fl9_a_reward_is_a_ledger_line_recorded_once() -> None:
    reward = RecordReward("site-a", "drv-07", "reward-1", "2026-11", 10000, "safe month", "fl9")
    events = given(CONDUCT, at=NOW).when(reward, at=NOW)
    assert events == [
        FleetLedgerEntryRecorded(
            entry_id="reward-1",
            person="drv-07",
            month="2026-11",
            kind="reward",
            amount_fen=10000,
            rule="FL-9",
            reason="safe month",
            source="fl9",
        )
    ]
    assert given(CONDUCT, at=NOW).record(reward, at=NOW).when(reward, at=NOW) == []


def test_fl10_a_drivers_deduction_is_itemized_and_recorded_once() -> None:
    deduct = DeductDriverPoints("site-a", "drv-07", "d-1", "2026-11", 5, "late log", "twice")
    events = given(CONDUCT, at=NOW).when(deduct, at=NOW)
    assert events == [
        DriverPointsDeducted(
            person="drv-07",
            deduction_id="d-1",
            month="2026-11",
            points=5,
            item="late log",
            rule="FL-10",
            note="twice",
        )
    ]
    again = given(CONDUCT, at=NOW).record(deduct, at=NOW)
    assert again.refuses(deduct, "CONFLICT", at=NOW).message == "deduction d-1 is already recorded"
