"""§0 rev.2 corrections: a violation, an accident or a deduction a person got wrong is
corrected or withdrawn by a later event naming the original, the reason and who
corrected it; its ledger consequence is reversed by a correcting ledger entry (never an
edit of the first)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fleet.domain.conduct import CONDUCT, RecordAccident, RecordViolation
from fleet.domain.conduct.commands import CorrectRecord, DeductDriverPoints
from opsledger.testing import given
from opsledger_contracts.events.fleet import ConductRecordCorrected, FleetLedgerEntryRecorded

from tests.fleet.conftest import SITE, Fleet

NOW = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
WHEN = NOW - timedelta(hours=2)


def violation() -> RecordViolation:
    return RecordViolation(
        "site-a", "drv-07", "v1", "private_use", "driver", "veh-1", WHEN, "Shopping trip"
    )


def accident() -> RecordAccident:
    return RecordAccident(
        "site-a", "drv-07", "a1", "veh-1", WHEN, True, "main", 500_000, False, False, False
    )


def correction(target: str, target_id: str, action: str = "withdraw", **kw: Any) -> CorrectRecord:
    fields: dict[str, Any] = {
        "site_id": "site-a",
        "person": "drv-07",
        "correction_id": f"c-{target_id}",
        "target": target,
        "target_id": target_id,
        "action": action,
        "reason": "Recorded against the wrong driver",
        "amount_fen": None,
    }
    fields.update(kw)
    return CorrectRecord(**fields)


def test_s0_rev2_a_withdrawn_violation_has_its_fine_and_points_reversed() -> None:
    scenario = given(CONDUCT, at=NOW).record(violation(), actor="dir-01", at=NOW)
    events = scenario.when(correction("violation", "v1"), actor="off-1", at=NOW)
    corrected, reversal = events
    assert isinstance(corrected, ConductRecordCorrected)
    assert (corrected.target, corrected.target_id, corrected.action) == (
        "violation",
        "v1",
        "withdraw",
    )
    assert (corrected.reason, corrected.corrected_by) == (
        "Recorded against the wrong driver",
        "off-1",
    )
    assert isinstance(reversal, FleetLedgerEntryRecorded)
    assert (reversal.amount_fen, reversal.corrects) == (-10000, "violation-site-a-drv-07-v1")
    scenario.given(*events, actor="off-1", at=NOW)
    state = scenario.state
    assert sum(line.amount_fen for line in state.ledger) == 0
    assert state.points("2026-11") == 0  # the FL-10 points go with it
    assert state.incidents("2026-11") == []  # no longer spoils the FL-9 safe month
    again = scenario.refuses(correction("violation", "v1", correction_id="c-2"), "§0", at=NOW)
    assert again.field == "target_id"


def test_s0_rev2_a_corrected_accident_is_charged_the_difference() -> None:
    scenario = given(CONDUCT, at=NOW).record(accident(), at=NOW)  # main: 2000 yuan (capped)
    events = scenario.when(
        correction("accident", "a1", "correct", amount_fen=150_000), actor="off-1", at=NOW
    )
    corrected, difference = events
    assert isinstance(corrected, ConductRecordCorrected)
    assert (corrected.amount_fen_before, corrected.amount_fen_after) == (200_000, 150_000)
    assert isinstance(difference, FleetLedgerEntryRecorded)
    assert (difference.amount_fen, difference.corrects) == (-50_000, "accident-site-a-drv-07-a1")


def test_s0_rev2_a_withdrawn_deduction_gives_the_points_back() -> None:
    deduct = DeductDriverPoints("site-a", "drv-07", "d1", "2026-11", 5, "late", "Log late")
    scenario = given(CONDUCT, at=NOW).record(deduct, at=NOW)
    events = scenario.when(correction("deduction", "d1"), actor="off-1", at=NOW)
    assert [type(e) for e in events] == [ConductRecordCorrected]  # no money involved
    scenario.given(*events, actor="off-1", at=NOW)
    assert scenario.state.points("2026-11") == 0


def test_s0_rev2_what_was_never_recorded_is_not_corrected() -> None:
    scenario = given(CONDUCT, at=NOW).record(violation(), at=NOW)
    missing = scenario.refuses(correction("accident", "a9"), "§0", at=NOW)
    assert missing.field == "target_id"
    no_amount = scenario.refuses(correction("violation", "v1", "correct"), "§0", at=NOW)
    assert no_amount.field == "amount_fen"


async def test_s0_rev2_the_office_withdraws_a_violation_over_http(fleet: Fleet) -> None:
    body = {
        "site_id": SITE,
        "person": "drv-07",
        "violation_id": "v1",
        "kind": "private_use",
        "role": "driver",
        "vehicle_id": "veh-1",
        "occurred_at": (fleet.clock.now() - timedelta(hours=1)).isoformat(),
        "note": "Shopping trip",
    }
    await fleet.post("/violations", body, fleet.director, 201)
    withdraw = {
        "site_id": SITE,
        "person": "drv-07",
        "correction_id": "c1",
        "target": "violation",
        "target_id": "v1",
        "action": "withdraw",
        "reason": "Recorded against the wrong driver",
    }
    driver = await fleet.client.post(
        "/corrections", json=withdraw, headers=fleet.auth("drv-07", "driver")
    )
    assert driver.status_code == 403
    answer = await fleet.post("/corrections", withdraw, fleet.auth("off-1", "fleet_office"), 201)
    assert answer["ledger_fen"] == 0
