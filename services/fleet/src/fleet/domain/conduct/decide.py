"""The conduct decider: violations with their penalties, fines and flags (FL-3, FL-7)."""

from datetime import timedelta
from typing import assert_never

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    DriverPointsDeducted,
    FleetLedgerEntryRecorded,
    PersonFlagged,
    ViolationRecorded,
)

from fleet.domain.common import check_deduction, conflict, refuse
from fleet.domain.conduct.accidents import decide_accident
from fleet.domain.conduct.commands import (
    ConductCommand,
    CorrectRecord,
    DeductDriverPoints,
    RecordAccident,
    RecordFuelFine,
    RecordIncident,
    RecordReward,
    RecordViolation,
)
from fleet.domain.conduct.corrections import decide_correction
from fleet.domain.conduct.incidents import decide_incident
from fleet.domain.conduct.state import ConductState
from fleet.domain.rules import FleetRules

RULE_OF = {
    "overnight_away": "FL-3",
    "private_use": "FL-7",
    "drink_driving": "FL-7",
    "other_driver": "FL-2",
}
WHAT = {
    "overnight_away": "Vehicle taken home / parked away overnight",
    "private_use": "Private use of a vehicle",
    "drink_driving": "Drinking on duty or drunk driving",
    "other_driver": "Vehicle handed to someone not named on the trip",
}


def decide(
    state: ConductState, command: ConductCommand, ctx: DecisionContext
) -> list[EventPayload]:
    match command:
        case RecordViolation():
            return _violation(state, command, ctx)
        case RecordAccident():
            return decide_accident(state, command, ctx)
        case RecordIncident():
            return decide_incident(state, command, ctx)
        case CorrectRecord():
            return decide_correction(state, command, ctx)
        case RecordFuelFine():
            if state.has_entry(command.entry_id):
                return []  # already recorded (a retried closing)
            return _fine(command)
        case DeductDriverPoints():
            return _deduct(state, command, ctx)
        case RecordReward():
            if state.has_entry(command.entry_id):
                return []  # already recorded (a retried approval)
            return [
                FleetLedgerEntryRecorded(
                    entry_id=command.entry_id,
                    person=command.person,
                    month=command.month,
                    kind="reward",
                    amount_fen=command.amount_fen,
                    rule="FL-9",
                    reason=command.reason,
                    source=command.source,
                )
            ]
        case _:
            assert_never(command)


def penalty_fen(kind: str, role: str, rules: FleetRules) -> int:
    """FL-3 / FL-7 amounts; other_driver has no amount in the rules (recorded, 0)."""
    if kind == "overnight_away":
        return rules.overnight_parking_fen
    if kind == "private_use":
        return (
            rules.private_use_director_fen if role == "director" else rules.private_use_driver_fen
        )
    if kind == "drink_driving":
        return rules.drink_driving_fen
    return 0


def _violation(
    state: ConductState, command: RecordViolation, ctx: DecisionContext
) -> list[EventPayload]:
    if command.occurred_at > ctx.now + timedelta(minutes=5):
        refuse(RULE_OF[command.kind], "a violation cannot be in the future", "occurred_at")
    if any(v.violation_id == command.violation_id for v in state.violations):
        conflict(f"violation {command.violation_id} is already recorded")
    rule = RULE_OF[command.kind]
    amount = penalty_fen(command.kind, command.role, ctx.rules(FleetRules))
    month = ctx.site.month(command.occurred_at)
    count = state.count(command.kind) + 1
    events: list[EventPayload] = [
        ViolationRecorded(
            person=command.person,
            violation_id=command.violation_id,
            kind=command.kind,
            role=command.role,
            vehicle_id=command.vehicle_id,
            occurred_at=command.occurred_at,
            month=month,
            note=command.note,
            penalty_fen=amount,
            count=count,
        )
    ]
    if amount:
        events.append(
            FleetLedgerEntryRecorded(
                entry_id=f"violation-{ctx.site.site_id}-{command.person}-{command.violation_id}",
                person=command.person,
                month=month,
                kind="penalty",
                amount_fen=amount,
                rule=rule,
                reason=f"{WHAT[command.kind]}: {command.note}",
                source=f"violation-{command.violation_id}",
            )
        )
    points = _violation_points(command, ctx.rules(FleetRules))
    if points:  # FL-7 rev.: the fine and the assessment points (FL-10)
        events.append(
            DriverPointsDeducted(
                person=command.person,
                deduction_id=f"violation-{command.violation_id}",
                month=month,
                points=points,
                item=command.kind,
                rule=rule,
                note=command.note,
            )
        )
    if command.kind == "overnight_away" and count >= 2:
        # FL-3: repeat offenders — directors removed from post, drivers dismissed.
        flag = "removal" if command.role == "director" else "dismissal"
        events.append(
            PersonFlagged(
                person=command.person,
                flag=flag,
                rule="FL-3",
                reason=f"Overnight parking away from the designated place, {count} times",
            )
        )
    return events


def _fine(command: RecordFuelFine) -> list[EventPayload]:
    """FL-7 rev.2: every serious excess is fined; dismissal is the office's judgement
    (`RecordIncident`), never raised by the number alone."""
    if command.amount_fen == 0:
        return []
    return [
        FleetLedgerEntryRecorded(
            entry_id=command.entry_id,
            person=command.person,
            month=command.month,
            kind="penalty",
            amount_fen=command.amount_fen,
            rule="FL-7",
            reason=command.reason,
            source=command.source,
            corrects=command.corrects,
        )
    ]


def _violation_points(command: RecordViolation, rules: FleetRules) -> int:
    """FL-10 points a driver loses with the fine (directors are not assessed)."""
    if command.role != "driver":
        return 0
    if command.kind == "private_use":
        return rules.private_use_points
    if command.kind == "drink_driving":
        return rules.drink_driving_points
    return 0


def _deduct(
    state: ConductState, command: DeductDriverPoints, ctx: DecisionContext
) -> list[EventPayload]:
    facts = check_deduction(command, state.has_deduction(command.deduction_id), ctx)
    return [DriverPointsDeducted(person=command.person, **facts)]
