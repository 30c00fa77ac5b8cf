"""A permit's works record: patrol days, checks, the violation ladder, complaints."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from opsledger.decider import Event, changed
from opsledger_contracts.events.permits_conduct import (
    InspectionFindingRecorded,
    PatrolMissed,
    PatrolRecorded,
    RectificationChecked,
    RenovationComplaintLinked,
    WorksCheckRecorded,
    WorksRequestApproved,
    WorksViolationRecorded,
    WorksViolationWithdrawn,
)

from permits.domain.conduct.events import PatrolDayClosed, WorksClosed, WorksOpened
from permits.domain.conduct.ladder_events import (
    ContractorReadmitted,
    OwnerNotifiedOfViolation,
    RectificationNoticeIssued,
    VerbalWarningGiven,
    WorksForciblyStopped,
)


@dataclass(frozen=True)
class PatrolDay:
    """RP-5 coverage of one site-local day: patrols recorded, and whether it was missed."""

    local_date: date
    patrols: int = 0
    missed: bool = False
    closed: bool = False


@dataclass(frozen=True)
class Violation:
    """One rung-bearing violation (RP-6) and the steps taken on it."""

    violation_id: str
    number: int
    serious: bool
    occurred_at: datetime
    department: str
    inspector: str
    description: str
    inspection_id: str | None = None
    warned: bool = False
    noticed: bool = False
    owner_notified: bool = False
    withdrawn: bool = False


@dataclass(frozen=True)
class ConductState:
    permit_id: str = ""
    unit_id: str = ""
    site_id: str = ""
    contractor: str = ""
    open: bool = False
    closed: bool = False
    days: tuple[PatrolDay, ...] = ()
    checks: int = 0
    violations: tuple[Violation, ...] = ()
    notice_at: datetime | None = None  # the latest written rectification notice
    persists_after_notice: bool = False
    complaints: tuple[tuple[str, datetime], ...] = ()  # (ticket_id, linked at)
    complaints_at_notice: int = 0  # how many were linked before the latest notice
    inspections: tuple[str, ...] = ()  # inspections whose finding is recorded
    stopped: str | None = None  # the final step's measure, until re-entry
    approvals: tuple[str, ...] = ()

    def rungs(self) -> int:
        """Violations that count on the ladder (withdrawn ones do not, §0 rev.2)."""
        return sum(1 for v in self.violations if not v.withdrawn)

    def violation(self, violation_id: str) -> Violation | None:
        return next((v for v in self.violations if v.violation_id == violation_id), None)

    def day(self, local_date: date) -> PatrolDay:
        return next((d for d in self.days if d.local_date == local_date), PatrolDay(local_date))

    def complaints_since_notice(self) -> int:
        """Complaints linked after the latest written notice (in the stream's order)."""
        return 0 if self.notice_at is None else len(self.complaints) - self.complaints_at_notice

    def ever_warned(self) -> bool:
        return any(v.warned for v in self.violations)


def _with_day(state: ConductState, day: PatrolDay) -> tuple[PatrolDay, ...]:
    others = tuple(d for d in state.days if d.local_date != day.local_date)
    return tuple(sorted((*others, day), key=lambda d: d.local_date))


def _with_violation(state: ConductState, violation: Violation) -> tuple[Violation, ...]:
    return tuple(
        violation if v.violation_id == violation.violation_id else v for v in state.violations
    )


def evolve(state: ConductState, event: Event) -> ConductState:
    state = changed(state, site_id=state.site_id or event.site_id)
    match event.payload:
        case WorksOpened() as e:
            return changed(
                state,
                permit_id=e.permit_id,
                unit_id=e.unit_id,
                contractor=e.contractor,
                open=True,
                days=(PatrolDay(e.first_day),),
            )
        case WorksClosed():
            # A running day without a patrol when the works ended is not a patrol day.
            days = tuple(d for d in state.days if d.closed or d.patrols)
            return changed(state, open=False, closed=True, days=days)
        case PatrolRecorded() as e:
            day = state.day(e.local_date)
            return changed(state, days=_with_day(state, changed(day, patrols=day.patrols + 1)))
        case PatrolDayClosed() as e:
            days = _with_day(state, changed(state.day(e.local_date), closed=True))
            return changed(state, days=(*days, PatrolDay(e.next_day)))
        case PatrolMissed() as e:
            return changed(
                state, days=_with_day(state, changed(state.day(e.local_date), missed=True))
            )
        case WorksCheckRecorded():
            return changed(state, checks=state.checks + 1)
        case WorksViolationRecorded() as e:
            violation = Violation(
                e.violation_id,
                e.number,
                e.serious,
                e.occurred_at,
                e.department,
                e.inspector,
                e.description,
                e.inspection_id,
            )
            persists = state.persists_after_notice or state.notice_at is not None
            return changed(
                state, violations=(*state.violations, violation), persists_after_notice=persists
            )
        case WorksViolationWithdrawn() as e:
            return _step(state, e.violation_id, lambda v: changed(v, withdrawn=True))
        case VerbalWarningGiven() as e:
            return _step(state, e.violation_id, lambda v: changed(v, warned=True))
        case RectificationNoticeIssued() as e:
            state = _step(state, e.violation_id, lambda v: changed(v, noticed=True))
            return changed(
                state,
                notice_at=event.occurred_at,
                persists_after_notice=False,
                complaints_at_notice=len(state.complaints),
            )
        case OwnerNotifiedOfViolation() as e:
            return _step(state, e.violation_id, lambda v: changed(v, owner_notified=True))
        case RectificationChecked() as e:
            return changed(state, persists_after_notice=not e.rectified)
        case WorksForciblyStopped() as e:
            return changed(state, stopped=e.measure)
        case ContractorReadmitted():
            return changed(state, stopped=None)
        case WorksRequestApproved() as e:
            return changed(state, approvals=(*state.approvals, e.approval_id))
        case RenovationComplaintLinked() as e:
            return changed(state, complaints=(*state.complaints, (e.ticket_id, event.occurred_at)))
        case InspectionFindingRecorded() as e:
            return changed(state, inspections=(*state.inspections, e.inspection_id))
    return state


def _step(
    state: ConductState, violation_id: str, step: Callable[[Violation], Violation]
) -> ConductState:
    found = state.violation(violation_id)
    if found is None:
        return state
    return changed(state, violations=_with_violation(state, step(found)))
