"""§0 rev.2: a recorded fact a person got wrong is corrected or withdrawn by a later event.

The correction names the original, the reason and who corrected it; the money the
original moved is put right by a ledger entry that `corrects` the original's entry (the
difference), never by changing it.
"""

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import ConductRecordCorrected, FleetLedgerEntryRecorded

from fleet.domain.common import refuse
from fleet.domain.conduct.commands import CorrectRecord
from fleet.domain.conduct.state import ConductState, LedgerLine

RULE = "§0"


def _recorded(state: ConductState, command: CorrectRecord) -> str | None:
    """The month of the original record, if the person has it (and it stands)."""
    if f"{command.target}:{command.target_id}" in state.withdrawn:
        refuse(RULE, f"{command.target} {command.target_id} is already withdrawn", "target_id")
    if command.target == "violation":
        return next(
            (v.month for v in state.violations if v.violation_id == command.target_id), None
        )
    if command.target == "accident":
        return next((a[3] for a in state.accidents if a[0] == command.target_id), None)
    return next((d[1] for d in state.deductions if d[0] == command.target_id), None)


def _entry(state: ConductState, command: CorrectRecord) -> LedgerLine | None:
    """The original's ledger entry (a penalty it charged), if any."""
    entry_id = f"{command.target}-{state.site_id}-{command.person}-{command.target_id}"
    return next((line for line in state.ledger if line.entry_id == entry_id), None)


def decide_correction(
    state: ConductState, command: CorrectRecord, ctx: DecisionContext
) -> list[EventPayload]:
    month = _recorded(state, command)
    if month is None:
        refuse(RULE, f"{command.person} has no {command.target} {command.target_id}", "target_id")
    if command.action == "correct" and (
        command.target == "deduction" or command.amount_fen is None
    ):
        if command.target == "deduction":
            refuse(RULE, "a deduction is withdrawn and recorded anew", "action")
        refuse(RULE, "a correction names the corrected amount", "amount_fen")
    entry = _entry(state, command) if command.target != "deduction" else None
    before = (
        None
        if entry is None
        else sum(
            line.amount_fen
            for line in state.ledger
            if entry.entry_id in (line.entry_id, line.corrects)
        )
    )
    after = 0 if command.action == "withdraw" else command.amount_fen
    if command.target == "deduction":
        before = after = None
    events: list[EventPayload] = [
        ConductRecordCorrected(
            person=command.person,
            correction_id=command.correction_id,
            target=command.target,
            target_id=command.target_id,
            action=command.action,
            reason=command.reason,
            corrected_by=ctx.actor,
            amount_fen_before=before,
            amount_fen_after=after,
        )
    ]
    difference = (after or 0) - (before or 0)
    if difference:
        assert entry is not None or before is None
        events.append(
            FleetLedgerEntryRecorded(
                entry_id=f"correction-{ctx.site.site_id}-{command.person}-{command.correction_id}",
                person=command.person,
                month=entry.month if entry is not None else month,
                kind="penalty",
                amount_fen=difference,
                rule=entry.rule if entry is not None else RULE,
                reason=f"Correction of {command.target} {command.target_id}: {command.reason}",
                source=f"correction-{command.correction_id}",
                corrects=entry.entry_id if entry is not None else None,
            )
        )
    return events
