"""FL-7 rev.2: the incidents FL-7 names, recorded by the office with their consequence.

Dismissal is the office's judgement (「情節嚴重的」) or fuel fraud (弄虛作假), never a
number: a serious fuel excess is fined at the closing and flagged only when the office
records it here as `serious_excess`.
"""

from datetime import timedelta
from typing import Final, Literal

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    FleetLedgerEntryRecorded,
    IncidentRecorded,
    PersonFlagged,
)

from fleet.domain.common import conflict, refuse
from fleet.domain.conduct.commands import RecordIncident
from fleet.domain.conduct.state import ConductState

Consequence = Literal["dismissal", "pays_cost", "penalty", "accountable"]
DISMISSAL: Final = frozenset(
    {
        "fuel_fraud",
        "serious_excess",
        "police_fine",
        "police_detention",
        "drinking_with_consequences",
    }
)


def consequence_of(command: RecordIncident) -> Consequence:
    """What follows the incident; refuses what its consequence cannot do without."""
    if command.kind in DISMISSAL:
        if command.kind == "serious_excess" and command.amount_fen:
            refuse("FL-7", "a serious excess is fined when its month is closed", "amount_fen")
        return "dismissal"
    if command.kind == "major_accident":
        if command.role != "director":
            refuse("FL-7", "a major accident makes the director accountable", "role")
        return "accountable"
    # off-site parking with an incident: the driver pays, the director is penalized
    if command.amount_fen <= 0:
        who = "the driver pays" if command.role == "driver" else "the director's penalty"
        refuse("FL-7", f"an off-site parking incident needs the amount {who}", "amount_fen")
    return "pays_cost" if command.role == "driver" else "penalty"


def decide_incident(
    state: ConductState, command: RecordIncident, ctx: DecisionContext
) -> list[EventPayload]:
    if command.occurred_at > ctx.now + timedelta(minutes=5):
        refuse("FL-7", "an incident cannot be in the future", "occurred_at")
    if command.incident_id in state.incident_ids:
        conflict(f"incident {command.incident_id} is already recorded")
    consequence = consequence_of(command)
    month = ctx.site.month(command.occurred_at)
    events: list[EventPayload] = [
        IncidentRecorded(
            person=command.person,
            incident_id=command.incident_id,
            kind=command.kind,
            role=command.role,
            vehicle_id=command.vehicle_id,
            occurred_at=command.occurred_at,
            month=month,
            note=command.note,
            amount_fen=command.amount_fen,
            consequence=consequence,
        )
    ]
    if command.amount_fen:
        events.append(
            FleetLedgerEntryRecorded(
                entry_id=f"incident-{ctx.site.site_id}-{command.person}-{command.incident_id}",
                person=command.person,
                month=month,
                kind="penalty",
                amount_fen=command.amount_fen,
                rule="FL-7",
                reason=f"{command.kind}: {command.note}",
                source=f"incident-{command.incident_id}",
            )
        )
    if consequence == "dismissal":
        events.append(
            PersonFlagged(
                person=command.person,
                flag="dismissal",
                rule="FL-7",
                reason=f"{command.kind}: {command.note}",
            )
        )
    return events
