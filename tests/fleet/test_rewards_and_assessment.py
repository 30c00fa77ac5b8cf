"""FL-9 monthly rewards with sign-off and approval, FL-10 the 100-point assessment."""

from datetime import UTC, datetime
from decimal import Decimal

from fleet.domain.conduct import CONDUCT, RecordViolation
from fleet.domain.conduct.commands import DeductDriverPoints, RecordReward
from fleet.domain.rewards import REWARD_MONTH, monthly_rewards
from fleet.domain.rewards.commands import ApproveRewards, ProposeRewards, SignRewards
from fleet.domain.rules import FleetRules
from fleet.domain.vehicles import VEHICLE
from fleet.domain.vehicles.commands import DeductVehiclePoints
from opsledger.testing import given
from opsledger_contracts.events.fleet import (
    DriverPointsDeducted,
    FleetLedgerEntryRecorded,
    MonthlyRewardsApproved,
    RewardExclusion,
    RewardLine,
    VehiclePointsDeducted,
    VehicleRegistered,
)

NOW = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # December in Asia/Shanghai
NOV = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)
RULES = FleetRules()


def test_fl9_safe_month_and_safe_km_subsidy_counts_whole_100_km_only() -> None:
    lines, excluded = monthly_rewards(
        {"drv-07": Decimal("1999.9"), "drv-08": Decimal("99.9")}, {}, ("lead-1",), RULES
    )
    assert lines == [
        RewardLine(person="drv-07", kind="safe_month_driver", amount_fen=10000),
        RewardLine(person="drv-07", kind="safe_km", amount_fen=76, km=Decimal("1999.9")),
        RewardLine(person="drv-08", kind="safe_month_driver", amount_fen=10000),
        RewardLine(person="lead-1", kind="safe_month_group_lead", amount_fen=15000),
    ]
    assert excluded == []


def test_fl9_an_incident_costs_the_driver_and_the_group_lead_the_reward() -> None:
    incidents = {"drv-08": ["private_use violation v-1"]}
    lines, excluded = monthly_rewards(
        {"drv-07": Decimal("300.0"), "drv-08": Decimal("500.0")}, incidents, ("lead-1",), RULES
    )
    assert [(x.person, x.kind, x.amount_fen) for x in lines] == [
        ("drv-07", "safe_month_driver", 10000),
        ("drv-07", "safe_km", 12),
    ]
    assert excluded == [
        RewardExclusion(person="drv-08", reason="private_use violation v-1"),
        RewardExclusion(person="lead-1", reason="an incident in the group: drv-08"),
    ]


def test_fl9_no_driver_drove_no_group_lead_reward() -> None:
    assert monthly_rewards({}, {}, ("lead-1",), RULES) == ([], [])


def proposal() -> ProposeRewards:
    lines = (RewardLine(person="drv-07", kind="safe_month_driver", amount_fen=10000),)
    return ProposeRewards("site-a", "2026-11", lines, ())


def test_fl9_rewards_are_proposed_only_for_a_month_that_is_over() -> None:
    given(REWARD_MONTH, at=NOW).refuses(proposal(), "FL-9", at=NOV)


def test_fl9_fleet_signs_before_the_manager_approves() -> None:
    scenario = given(REWARD_MONTH, at=NOW).record(proposal(), at=NOW)
    scenario.refuses(ApproveRewards("site-a", "2026-11"), "FL-9", at=NOW)
    scenario.record(SignRewards("site-a", "2026-11"), at=NOW, actor="cap-01")
    scenario.refuses(proposal(), "FL-9", at=NOW)  # signed: no recomputation
    events = scenario.when(ApproveRewards("site-a", "2026-11"), at=NOW, actor="mgr-01")
    assert events == [MonthlyRewardsApproved(month="2026-11", revision=1, total_fen=10000)]


def test_fl9_an_approved_reward_is_a_ledger_entry_once() -> None:
    reward = RecordReward(
        "site-a",
        "drv-07",
        "reward-site-a-2026-11-drv-07-safe_km",
        "2026-11",
        76,
        "Safe-km subsidy",
        "rewards-site-a-2026-11",
    )
    scenario = given(CONDUCT, at=NOW).record(reward, at=NOW)
    assert scenario.history[0].payload == FleetLedgerEntryRecorded(
        entry_id="reward-site-a-2026-11-drv-07-safe_km",
        person="drv-07",
        month="2026-11",
        kind="reward",
        amount_fen=76,
        rule="FL-9",
        reason="Safe-km subsidy",
        source="rewards-site-a-2026-11",
    )
    assert scenario.when(reward, at=NOW) == []


def test_fl9_incidents_of_a_month_come_from_the_conduct_record() -> None:
    violation = RecordViolation(
        "site-a", "drv-07", "v-1", "overnight_away", "driver", "veh-1", NOV, "Home"
    )
    state = given(CONDUCT, at=NOW).record(violation, at=NOW).state
    assert state.incidents("2026-11") and not state.incidents("2026-10")


# -- FL-10 ----------------------------------------------------------------------------------


def test_fl10_private_use_deducts_assessment_points() -> None:
    violation = RecordViolation(
        "site-a", "drv-07", "v-1", "private_use", "driver", "veh-1", NOV, "Took it shopping"
    )
    events = given(CONDUCT, at=NOW).when(violation, at=NOW)
    assert events[-1] == DriverPointsDeducted(
        person="drv-07",
        deduction_id="violation-v-1",
        month="2026-11",
        points=RULES.private_use_points,
        item="private_use",
        rule="FL-7",
        note="Took it shopping",
    )


def test_fl10_deductions_are_itemized_and_not_for_a_future_month() -> None:
    deduct = DeductDriverPoints("site-a", "drv-07", "chk-1", "2026-11", 5, "inspection", "Tyres")
    scenario = given(CONDUCT, at=NOW).record(deduct, at=NOW)
    assert scenario.state.points("2026-11") == 5
    later = DeductDriverPoints("site-a", "drv-07", "chk-2", "2027-01", 5, "inspection", "x")
    scenario.refuses(later, "FL-10", at=NOW)


def test_fl10_vehicle_deductions_are_itemized() -> None:
    registered = VehicleRegistered(
        vehicle_id="veh-1",
        plate="X",
        model="soueast",
        unit="cs",
        parking_place="bay",
        odometer_km=Decimal(0),
    )
    scenario = given(VEHICLE, registered, at=NOW)
    deduct = DeductVehiclePoints("veh-1", "chk-1", "2026-11", 3, "maintenance", "Oil low")
    assert scenario.when(deduct, at=NOW) == [
        VehiclePointsDeducted(
            vehicle_id="veh-1",
            deduction_id="chk-1",
            month="2026-11",
            points=3,
            item="maintenance",
            rule="FL-10",
            note="Oil low",
        )
    ]
    scenario.record(deduct, at=NOW)
    scenario.refuses(DeductVehiclePoints("veh-1", "chk-2", "2027-02", 3, "x", "y"), "FL-10", at=NOW)
