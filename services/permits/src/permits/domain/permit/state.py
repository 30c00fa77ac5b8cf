"""A renovation permit as the deciders see it, from application to refund."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from opsledger.decider import Event, changed
from opsledger_contracts.events import permits as pub

from permits.domain.permit import events as ev
from permits.domain.permit.commands import Fee, Worker

# A permit's stages, in order; `stage` is the latest reached ("rejected" ends it early).
STAGES = (
    "applied",
    "in_review",
    "approved",
    "works",
    "finished",
    "acceptance",
    "accepted",
    "closed",
)
# RP-5/RP-6 "active": approved and not yet accepted (works may not have started yet).
ACTIVE_STAGES = frozenset({"approved", "works", "finished", "acceptance"})


@dataclass(frozen=True)
class Paid:
    kind: str
    amount_fen: int
    receipt_no: str
    paid_by: Literal["owner", "contractor"]


@dataclass(frozen=True)
class ScopeChange:
    change_id: str
    description: str
    change_on: date
    status: Literal["pending", "approved", "refused"] = "pending"


@dataclass(frozen=True)
class PermitState:
    permit_id: str = ""
    site_id: str = ""
    unit_id: str = ""
    applicant_id: str = ""
    contractor: str = ""
    works: str = ""
    structural_change: bool = False
    stage: str = ""
    applied_at: datetime | None = None
    handed_at: datetime | None = None
    review_due_at: datetime | None = None
    review_overdue: bool = False
    decided_at: datetime | None = None
    notified: bool = False
    fees: tuple[Fee, ...] = ()
    paid: tuple[Paid, ...] = ()
    equipment_passed: bool | None = None
    workers: tuple[Worker, ...] = ()
    started_at: datetime | None = None
    scope_changes: tuple[ScopeChange, ...] = ()
    finished_on: date | None = None
    acceptance_applied_at: datetime | None = None
    acceptance_late: bool = False
    inspection_due_at: datetime | None = None
    inspection_overdue: bool = False
    rounds: int = 0
    rectify_by: date | None = None
    certificate_no: str | None = None
    accepted_at: datetime | None = None
    form_signed_at: datetime | None = None
    refund_fen: int = 0
    refund_to: str | None = None
    refund_target_at: datetime | None = None
    refund_limit_at: datetime | None = None
    target_missed: bool = False
    limit_missed: bool = False
    returned_passes: frozenset[str] = frozenset()
    refunded_at: datetime | None = None

    finished_due_on: date | None = None

    def reached(self, stage: str) -> bool:
        """Whether the permit got to `stage` (a rejected one got to none past review)."""
        return self.stage in STAGES and STAGES.index(self.stage) >= STAGES.index(stage)

    @property
    def rejected(self) -> bool:
        return self.stage == "rejected"

    @property
    def active(self) -> bool:
        """RP-5/RP-6: approved and not yet accepted (works started or not)."""
        return self.stage in ACTIVE_STAGES

    @property
    def works_started(self) -> bool:
        return self.started_at is not None

    @property
    def unpaid(self) -> list[str]:
        """Fee kinds set on approval and not paid yet (RP-3)."""
        paid = {p.kind for p in self.paid}
        return [f.kind for f in self.fees if f.kind not in paid]

    def fee(self, kind: str) -> Fee | None:
        return next((f for f in self.fees if f.kind == kind), None)

    def payment(self, kind: str) -> Paid | None:
        return next((p for p in self.paid if p.kind == kind), None)

    def scope_change(self, change_id: str) -> ScopeChange | None:
        return next((s for s in self.scope_changes if s.change_id == change_id), None)

    @property
    def passes_out(self) -> list[str]:
        """Worker passes issued and not yet handed back (RP-11 rev.)."""
        return [w.pass_no for w in self.workers if w.pass_no not in self.returned_passes]


def _scope(state: PermitState, change: ScopeChange) -> tuple[ScopeChange, ...]:
    others = tuple(s for s in state.scope_changes if s.change_id != change.change_id)
    return (*others, change)


def evolve(state: PermitState, event: Event) -> PermitState:
    at = event.occurred_at
    match event.payload:
        case pub.PermitApplied() as e:
            return changed(
                state,
                permit_id=e.permit_id,
                site_id=event.site_id,
                unit_id=e.unit_id,
                structural_change=e.structural_change,
                stage="applied",
                applied_at=at,
            )
        case ev.ApplicationRecorded() as e:
            return changed(
                state, applicant_id=e.applicant_id, contractor=e.contractor, works=e.works
            )
        case ev.PermitHandedToEngineering() as e:
            return changed(state, stage="in_review", handed_at=at, review_due_at=e.review_due_at)
        case pub.PermitReviewOverdue():
            return changed(state, review_overdue=True)
        case pub.PermitApproved():
            return changed(state, stage="approved", decided_at=at)
        case ev.PermitFeesSet() as e:
            return changed(state, fees=tuple(Fee(f.kind, f.amount_fen) for f in e.fees))
        case pub.PermitRejected():
            return changed(state, stage="rejected", decided_at=at)
        case ev.ApplicantNotified():
            return changed(state, notified=True)
        case ev.EquipmentChecked() as e:
            return changed(state, equipment_passed=e.passed)
        case ev.FeePaid() as e:
            paid = Paid(e.kind, e.amount_fen, e.receipt_no, e.paid_by)
            return changed(state, paid=(*state.paid, paid))
        case ev.FeePaymentVoided() as e:
            return changed(state, paid=tuple(p for p in state.paid if p.kind != e.kind))
        case ev.WorkerPassesIssued() as e:
            workers = tuple(Worker(w.pass_no, w.name) for w in e.workers)
            return changed(state, workers=workers)
        case pub.RenovationWorksStarted():
            return changed(state, stage="works", started_at=at)
        case ev.ScopeChangeApplied() as e:
            return changed(
                state,
                scope_changes=_scope(state, ScopeChange(e.change_id, e.description, e.change_on)),
            )
        case ev.ScopeChangeDecided() as e:
            found = state.scope_change(e.change_id)
            if found is None:
                return state
            status: Literal["approved", "refused"] = "approved" if e.approved else "refused"
            return changed(state, scope_changes=_scope(state, changed(found, status=status)))
        case pub.RenovationWorksFinished() as e:
            return changed(
                state,
                stage="finished",
                finished_on=e.finished_on,
                finished_due_on=e.acceptance_due_on,
            )
        case ev.AcceptanceApplied() as e:
            return changed(
                state,
                stage="acceptance",
                acceptance_applied_at=at,
                acceptance_late=e.late,
                inspection_due_at=e.inspection_due_at,
            )
        case ev.AcceptanceInspectionOverdue():
            return changed(state, inspection_overdue=True)
        case ev.AcceptanceInspected() as e:
            return changed(state, rounds=e.round, rectify_by=e.rectify_by)
        case pub.RenovationAccepted() as e:
            return changed(state, stage="accepted", certificate_no=e.certificate_no, accepted_at=at)
        case ev.AcceptanceFormSigned() as e:
            return changed(
                state,
                form_signed_at=at,
                refund_fen=e.refund_fen,
                refund_to=e.refund_to,
                refund_target_at=e.refund_target_at,
                refund_limit_at=e.refund_limit_at,
            )
        case pub.DepositRefundOverdue() as e:
            if e.deadline == "target":
                return changed(state, target_missed=True)
            return changed(state, limit_missed=True)
        case ev.PassesReturned() as e:
            return changed(state, returned_passes=state.returned_passes | frozenset(e.pass_nos))
        case pub.DepositRefunded():
            return changed(state, stage="closed", refunded_at=at)
    return state
