"""What a permit waits for next, by when, and who owes it (the site's permit board)."""

from dataclasses import dataclass
from datetime import date, datetime

from permits.domain.permit.state import PermitState


@dataclass(frozen=True)
class NextStep:
    """`due_at` for deadlines counted in working time, `due_on` for site-local days."""

    what: str
    owed_by: str
    due_at: datetime | None = None
    due_on: date | None = None


def _before_works(s: PermitState) -> NextStep:
    if not s.notified:
        return NextStep("notify the applicant and ask for the fees", "customer_service")
    if s.unpaid:
        return NextStep(f"pay fees: {', '.join(s.unpaid)}", "applicant")
    if s.equipment_passed is not True:
        return NextStep("pre-works equipment check", "engineering")
    return NextStep("issue passes and hand over the permit", "customer_service")


def _acceptance(s: PermitState) -> NextStep:
    if s.rounds == 0:
        return NextStep("joint acceptance inspection", "engineering", due_at=s.inspection_due_at)
    return NextStep("rectify, then re-inspection", "contractor", due_on=s.rectify_by)


def _refund(s: PermitState) -> NextStep:
    if s.form_signed_at is None:
        return NextStep("sign the acceptance form to finance", "engineering")
    if s.passes_out:
        return NextStep("return the worker passes", "contractor")
    due = s.refund_limit_at if s.target_missed else s.refund_target_at
    return NextStep("refund the deposit and pass deposit", "finance", due_at=due)


def next_step(s: PermitState) -> NextStep | None:
    """None once the permit is closed, or rejected and the applicant told."""
    match s.stage:
        case "applied":
            return NextStep("hand the file to engineering", "customer_service")
        case "in_review":
            return NextStep("review", "engineering", due_at=s.review_due_at)
        case "rejected":
            return None if s.notified else NextStep("notify the applicant", "customer_service")
        case "approved":
            return _before_works(s)
        case "works":
            pending = [c for c in s.scope_changes if c.status == "pending"]
            if pending:
                return NextStep(f"decide scope change {pending[0].change_id}", "manager")
            return NextStep("finish the works", "contractor")
        case "finished":
            return NextStep("apply for acceptance", "owner", due_on=s.finished_due_on)
        case "acceptance":
            return _acceptance(s)
        case "accepted":
            return _refund(s)
    return None
