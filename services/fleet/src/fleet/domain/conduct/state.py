"""A person's fleet conduct record: violations, ledger entries, flags."""

from dataclasses import dataclass
from datetime import datetime

from opsledger.decider import Event, changed
from opsledger_contracts.events.fleet import (
    AccidentRecorded,
    ConductRecordCorrected,
    DriverPointsDeducted,
    FleetLedgerEntryRecorded,
    IncidentRecorded,
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
    # (id, occurred_at, responsibility, month)
    accidents: tuple[tuple[str, datetime, str, str], ...] = ()
    withdrawn: frozenset[str] = frozenset()  # §0 rev.2: "<target>:<id>" withdrawn
    incident_ids: frozenset[str] = frozenset()  # FL-7 rev.2 incidents recorded
    # FL-9: what spoils a month, as (month, description).
    incident_log: tuple[tuple[str, str], ...] = ()
    # FL-10: itemized deductions (deduction_id, month, points, item, rule, note).
    deductions: tuple[tuple[str, str, int, str, str, str], ...] = ()

    def count(self, kind: str) -> int:
        return sum(1 for v in self.violations if v.kind == kind)

    def has_entry(self, entry_id: str) -> bool:
        return any(line.entry_id == entry_id for line in self.ledger)

    def incidents(self, month: str) -> list[str]:
        """FL-9: the incidents of a site-local month (none: a safe month)."""
        return [what for m, what in self.incident_log if m == month]

    def points(self, month: str) -> int:
        """FL-10: points deducted in the month."""
        return sum(d[2] for d in self.deductions if d[1] == month)

    def has_deduction(self, deduction_id: str) -> bool:
        return any(d[0] == deduction_id for d in self.deductions)


def _incident(state: ConductState, month: str, what: str) -> tuple[tuple[str, str], ...]:
    return (*state.incident_log, (month, what))


def evolve(state: ConductState, event: Event) -> ConductState:
    state = changed(state, site_id=state.site_id or event.site_id)
    match event.payload:
        case ViolationRecorded() as e:
            violation = Violation(
                e.violation_id, e.kind, e.vehicle_id, e.occurred_at, e.month, e.penalty_fen
            )
            log = _incident(state, e.month, f"{e.kind} violation {e.violation_id}")
            return changed(
                state, person=e.person, violations=(*state.violations, violation), incident_log=log
            )
        case FleetLedgerEntryRecorded() as e:
            line = LedgerLine(
                e.entry_id, e.month, e.kind, e.amount_fen, e.rule, e.reason, e.source, e.corrects
            )
            log = state.incident_log
            fuel = e.source.startswith("fuel-")  # a fuel fine (violations log themselves)
            if fuel and e.kind == "penalty" and e.corrects is None and e.amount_fen > 0:
                log = _incident(state, e.month, f"fuel fine {e.entry_id}")
            return changed(state, person=e.person, ledger=(*state.ledger, line), incident_log=log)
        case AccidentRecorded() as e:
            accident = (e.accident_id, e.occurred_at, e.responsibility, e.month)
            log = state.incident_log
            if not e.on_duty or e.responsibility != "none" or e.engine_seizure or e.concealed:
                log = _incident(state, e.month, f"accident {e.accident_id}")
            return changed(
                state, person=e.person, accidents=(*state.accidents, accident), incident_log=log
            )
        case IncidentRecorded() as e:
            log = _incident(state, e.month, f"{e.kind} incident {e.incident_id}")
            ids = state.incident_ids | {e.incident_id}
            return changed(state, person=e.person, incident_ids=ids, incident_log=log)
        case ConductRecordCorrected() as e:
            return _corrected(state, e)
        case DriverPointsDeducted() as e:
            item = (e.deduction_id, e.month, e.points, e.item, e.rule, e.note)
            return changed(state, person=e.person, deductions=(*state.deductions, item))
        case PersonFlagged() as e:
            return changed(state, person=e.person, flags=(*state.flags, (e.flag, e.rule, e.reason)))
    return state


def _corrected(state: ConductState, e: ConductRecordCorrected) -> ConductState:
    """§0 rev.2: a withdrawn record no longer counts (repeats, FL-9 months, FL-10 points);
    its money is put right by the correcting ledger entry, folded on its own."""
    if e.action != "withdraw":
        return state
    gone = e.target_id
    names = {"violation": f"violation {gone}", "accident": f"accident {gone}"}.get(e.target)
    points_id = f"violation-{gone}" if e.target == "violation" else gone
    return changed(
        state,
        withdrawn=state.withdrawn | {f"{e.target}:{gone}"},
        violations=tuple(
            v for v in state.violations if e.target != "violation" or v.violation_id != gone
        ),
        accidents=tuple(a for a in state.accidents if e.target != "accident" or a[0] != gone),
        incident_log=tuple(
            item for item in state.incident_log if names is None or not item[1].endswith(names)
        ),
        deductions=tuple(
            d for d in state.deductions if e.target == "accident" or d[0] != points_id
        ),
    )
