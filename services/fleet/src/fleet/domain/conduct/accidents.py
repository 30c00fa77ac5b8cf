"""FL-8 accident liability: the person's share, and when it flags dismissal."""

from datetime import timedelta
from decimal import Decimal

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    AccidentRecorded,
    FleetLedgerEntryRecorded,
    PersonFlagged,
)

from fleet.domain.common import conflict, fen, refuse
from fleet.domain.conduct.commands import RecordAccident
from fleet.domain.conduct.state import ConductState
from fleet.domain.rules import FleetRules

YEAR = timedelta(days=365)


def liability_fen(command: RecordAccident, rules: FleetRules) -> int:
    """Private use or engine seizure: all of it; on duty: the share, capped (FL-8)."""
    if not command.on_duty or command.engine_seizure:
        return command.cost_fen
    if command.responsibility == "none":
        return 0
    pct: int = getattr(rules, f"liability_{command.responsibility}_pct")
    cap: int = getattr(rules, f"liability_{command.responsibility}_cap_fen")
    return min(fen(Decimal(command.cost_fen * pct) / 100), cap)


def decide_accident(
    state: ConductState, command: RecordAccident, ctx: DecisionContext
) -> list[EventPayload]:
    if command.occurred_at > ctx.now + timedelta(minutes=5):
        refuse("FL-8", "an accident cannot be in the future", "occurred_at")
    if any(a[0] == command.accident_id for a in state.accidents):
        conflict(f"accident {command.accident_id} is already recorded")
    month = ctx.site.month(command.occurred_at)
    amount = liability_fen(command, ctx.rules(FleetRules))
    events: list[EventPayload] = [
        AccidentRecorded(
            person=command.person,
            accident_id=command.accident_id,
            vehicle_id=command.vehicle_id,
            occurred_at=command.occurred_at,
            month=month,
            on_duty=command.on_duty,
            responsibility=command.responsibility,
            cost_fen=command.cost_fen,
            liability_fen=amount,
            engine_seizure=command.engine_seizure,
            concealed=command.concealed,
            serious=command.serious,
        )
    ]
    if amount:
        why = "private use: 100% personal" if not command.on_duty else command.responsibility
        events.append(
            FleetLedgerEntryRecorded(
                entry_id=f"accident-{ctx.site.site_id}-{command.person}-{command.accident_id}",
                person=command.person,
                month=month,
                kind="penalty",
                amount_fen=amount,
                rule="FL-8",
                reason=f"Accident {command.accident_id} ({why}): share of the cost",
                source=f"accident-{command.accident_id}",
            )
        )
    for reason in _dismissal_reasons(state, command):
        events.append(
            PersonFlagged(person=command.person, flag="dismissal", rule="FL-8", reason=reason)
        )
    return events


def _dismissal_reasons(state: ConductState, command: RecordAccident) -> list[str]:
    reasons = []
    if command.engine_seizure:
        reasons.append("Engine seizure from neglected oil or coolant")
    if command.concealed and command.serious:
        reasons.append("Accident with serious consequences concealed")
    if command.responsibility in ("full", "main") and command.on_duty:
        since = command.occurred_at - YEAR
        earlier = [a for a in state.accidents if a[2] in ("full", "main") and since <= a[1]]
        if earlier:
            reasons.append(
                f"Second main-or-full responsibility accident within 12 months "
                f"(after {earlier[-1][0]})"
            )
    return reasons
