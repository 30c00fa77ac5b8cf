"""A person's fleet conduct record: violations, ledger entries, flags."""

from dataclasses import dataclass, replace
from datetime import datetime

from opsledger.decider import Event
from opsledger_contracts.events.fleet import (
    AccidentRecorded,
    FleetLedgerEntryRecorded,
    PersonFlagged,
    ViolationRecorded,
)


@dataclass(frozen=True)
class Violation:
    violation_id: str
    kind: str
    vehicle_id: str
    occurred_at: datetime
    month: str
    penalty_fen: int


@dataclass(frozen=True)
class LedgerLine:
    entry_id: str
    month: str
    kind: str
    amount_fen: int
    rule: str
    reason: str
    source: str
    corrects: str | None


@dataclass(frozen=True)
class ConductState:
    person: str = ""
    site_id: str = ""
    violations: tuple[Violation, ...] = ()
    ledger: tuple[LedgerLine, ...] = ()
    flags: tuple[tuple[str, str, str], ...] = ()  # (flag, rule, reason)
    accidents: tuple[tuple[str, datetime, str], ...] = ()  # (id, occurred_at, responsibility)

    def count(self, kind: str) -> int:
        return sum(1 for v in self.violations if v.kind == kind)

    def has_entry(self, entry_id: str) -> bool:
        return any(line.entry_id == entry_id for line in self.ledger)


def evolve(state: ConductState, event: Event) -> ConductState:
    state = replace(state, site_id=state.site_id or event.site_id)
    match event.payload:
        case ViolationRecorded() as e:
            violation = Violation(
                e.violation_id, e.kind, e.vehicle_id, e.occurred_at, e.month, e.penalty_fen
            )
            return replace(state, person=e.person, violations=(*state.violations, violation))
        case FleetLedgerEntryRecorded() as e:
            line = LedgerLine(
                e.entry_id, e.month, e.kind, e.amount_fen, e.rule, e.reason, e.source, e.corrects
            )
            return replace(state, person=e.person, ledger=(*state.ledger, line))
        case AccidentRecorded() as e:
            accident = (e.accident_id, e.occurred_at, e.responsibility)
            return replace(state, person=e.person, accidents=(*state.accidents, accident))
        case PersonFlagged() as e:
            return replace(state, person=e.person, flags=(*state.flags, (e.flag, e.rule, e.reason)))
    return state
