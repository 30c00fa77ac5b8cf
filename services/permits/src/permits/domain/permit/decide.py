"""Deciders of a permit up to the works: application (RP-1), review (RP-2), fees and start
(RP-3, RP-4) and scope changes (RP-9). Acceptance and refunds: `acceptance.py`."""

from datetime import date, datetime, time

from opsledger.decider import DecisionContext
from opsledger.errors import AlreadyExistsError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.permits import (
    PermitApplied,
    PermitApproved,
    PermitRejected,
    PermitReviewOverdue,
    RenovationWorksStarted,
)

from permits.domain.common import conflict, refuse, refuse_all
from permits.domain.permit import events as ev
from permits.domain.permit.commands import (
    ApplyScopeChange,
    ApprovePermit,
    DecideScopeChange,
    HandToEngineering,
    MarkReviewOverdue,
    NotifyApplicant,
    OpenPermit,
    PayFee,
    RecordEquipmentCheck,
    RejectPermit,
    StartWorks,
    VoidFeePayment,
    permit_stream,
)
from permits.domain.permit.state import PermitState
from permits.domain.rules import PermitRules


def ids(state: PermitState) -> dict[str, str]:
    return {"permit_id": state.permit_id, "unit_id": state.unit_id}


def working_days_after(ctx: DecisionContext, day: date, days: int) -> date:
    """The site-local day `days` working days after `day` (make-up days count)."""
    noon = datetime.combine(day, time(12), ctx.site.zone)
    return ctx.site.local_date(ctx.site.add_working_days(noon, days))


def open_permit(
    state: PermitState, command: OpenPermit, ctx: DecisionContext
) -> list[EventPayload]:
    """RP-1 rev.2: identity and ownership first, then every missing item named at once."""
    if state.permit_id:
        raise AlreadyExistsError("Permit", permit_stream(command.permit_id))
    app = command.application
    if not app.identity_verified:
        refuse(
            "RP-1",
            "the applicant's identity is verified before the form is given",
            "identity_verified",
        )
    if app.applicant_id not in command.unit_owners:
        refuse(
            "RP-1",
            f"{app.applicant_id} is not an owner of unit {app.unit_id} in the register",
            "applicant_id",
        )
    rules = ctx.rules(PermitRules)
    missing = [] if app.form else ["form"]
    drawn = {d.kind: d for d in app.drawings}
    for kind in rules.drawing_kinds:
        drawing = drawn.get(kind)
        if drawing is None or drawing.copies < rules.drawing_copies:
            missing.append(f"drawings.{kind}")
        elif not drawing.construction_notes:
            missing.append(f"drawings.{kind}.construction_notes")
    if not app.pledge:
        missing.append("pledge")
    if not app.handbook_issued and not command.handbook_signed_at_handover:
        missing.append("handbook_issued")
    if missing:
        refuse_all("RP-1", "the application is missing", missing)
    handbook = "issued" if app.handbook_issued else "signed_at_handover"
    keys = {"permit_id": app.permit_id, "unit_id": app.unit_id}
    return [
        PermitApplied(**keys, structural_change=app.structural_change),
        ev.ApplicationRecorded(
            **keys,
            applicant_id=app.applicant_id,
            contractor=app.contractor,
            works=app.works,
            drawings=[ev.DrawingEntry(kind=d.kind, copies=d.copies) for d in app.drawings],
            handbook=handbook,
        ),
    ]


def hand_to_engineering(
    state: PermitState, command: HandToEngineering, ctx: DecisionContext
) -> list[EventPayload]:
    if state.reached("in_review"):
        conflict(f"permit {state.permit_id} is already with engineering")
    days = ctx.rules(PermitRules).review_working_days
    due = ctx.site.add_working_days(ctx.now, days)
    return [
        ev.PermitHandedToEngineering(
            **ids(state), review_due_at=due, calendar_id=ctx.site.calendar_id
        )
    ]


def _in_review(state: PermitState) -> None:
    if state.rejected or state.reached("approved"):
        conflict(f"permit {state.permit_id} is already decided")
    if not state.reached("in_review"):
        refuse("RP-2", "customer service hands the application to engineering first")


def approve(state: PermitState, command: ApprovePermit, ctx: DecisionContext) -> list[EventPayload]:
    _in_review(state)
    if state.structural_change and not command.structural_approval:
        refuse(
            "RP-2",
            "a structural change needs engineering's explicit structural approval",
            "structural_approval",
        )
    kinds = ctx.rules(PermitRules).fee_kinds
    given = [f.kind for f in command.fees]
    unknown = [k for k in given if k not in kinds]
    if unknown:
        refuse("RP-3", f"not a fee kind of this site: {', '.join(unknown)}", "fees")
    twice = sorted({k for k in given if given.count(k) > 1})
    if twice:
        refuse("RP-3", f"fee set twice: {', '.join(twice)}", "fees")
    missing = [f"fees.{k}" for k in kinds if k not in given]
    if missing:
        refuse_all("RP-3", "engineering sets every fee of the site on approval", missing)
    return [
        PermitApproved(**ids(state), structural_approval=command.structural_approval),
        ev.PermitFeesSet(
            **ids(state),
            fees=[ev.FeeEntry(kind=f.kind, amount_fen=f.amount_fen) for f in command.fees],
        ),
    ]


def reject(state: PermitState, command: RejectPermit, ctx: DecisionContext) -> list[EventPayload]:
    _in_review(state)
    return [PermitRejected(**ids(state), reason=command.reason)]


def review_overdue(
    state: PermitState, command: MarkReviewOverdue, ctx: DecisionContext
) -> list[EventPayload]:
    if state.rejected or state.reached("approved") or state.review_overdue:
        return []  # decided in time (the timer was cancelled too late): nothing is overdue
    return [PermitReviewOverdue(**ids(state), due_at=command.due_at)]


def notify(
    state: PermitState, command: NotifyApplicant, ctx: DecisionContext
) -> list[EventPayload]:
    if not state.rejected and not state.reached("approved"):
        refuse("RP-2", "the applicant is notified of engineering's decision, once made")
    if state.notified:
        conflict(f"the applicant of {state.permit_id} is already notified")
    decision = "rejected" if state.rejected else "approved"
    return [ev.ApplicantNotified(**ids(state), decision=decision, note=command.note)]


def _approved_not_started(state: PermitState, rule: str) -> None:
    if state.rejected or not state.reached("approved"):
        refuse(rule, f"permit {state.permit_id} is not approved")
    if state.reached("works"):
        conflict(f"works under {state.permit_id} have started")


def equipment_check(
    state: PermitState, command: RecordEquipmentCheck, ctx: DecisionContext
) -> list[EventPayload]:
    _approved_not_started(state, "RP-2")
    return [ev.EquipmentChecked(**ids(state), passed=command.passed, findings=command.findings)]


def pay_fee(state: PermitState, command: PayFee, ctx: DecisionContext) -> list[EventPayload]:
    _approved_not_started(state, "RP-3")
    if not state.notified:
        refuse("RP-3", "customer service notifies the applicant and asks for the fees first")
    fee = state.fee(command.kind)
    if fee is None:
        refuse("RP-3", f"no fee {command.kind!r} was set on this permit", "kind")
    if state.payment(command.kind) is not None:
        conflict(f"the {command.kind} of {state.permit_id} is already paid")
    if command.amount_fen != fee.amount_fen:
        refuse("RP-3", f"the {command.kind} set is {fee.amount_fen} fen", "amount_fen")
    return [
        ev.FeePaid(
            **ids(state),
            kind=command.kind,
            amount_fen=command.amount_fen,
            receipt_no=command.receipt_no,
            paid_by=command.paid_by,
        )
    ]


def void_fee(
    state: PermitState, command: VoidFeePayment, ctx: DecisionContext
) -> list[EventPayload]:
    _approved_not_started(state, "RP-3")
    paid = state.payment(command.kind)
    if paid is None:
        refuse("RP-3", f"no {command.kind} payment to void on {state.permit_id}", "kind")
    return [
        ev.FeePaymentVoided(
            **ids(state), kind=paid.kind, receipt_no=paid.receipt_no, reason=command.reason
        )
    ]


def start_works(
    state: PermitState, command: StartWorks, ctx: DecisionContext
) -> list[EventPayload]:
    _approved_not_started(state, "RP-3")
    if state.unpaid:
        refuse_all(
            "RP-3",
            "works start only when every fee is paid; unpaid",
            [f"fees.{k}" for k in state.unpaid],
            "unpaid",
        )
    if state.equipment_passed is not True:
        refuse("RP-2", "engineering's pre-works equipment check is recorded as passed first")
    if not command.extinguishers_on_site:
        refuse("RP-4", "works start with extinguishers on site", "extinguishers_on_site")
    numbers = [w.pass_no for w in command.workers]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    if not numbers or twice:
        refuse("RP-3", "every worker gets one numbered pass", "workers")
    workers = [ev.WorkerEntry(pass_no=w.pass_no, name=w.name) for w in command.workers]
    return [
        ev.WorkerPassesIssued(**ids(state), workers=workers, handed_to=state.applicant_id),
        RenovationWorksStarted(**ids(state), passes=len(workers)),
    ]


def apply_scope_change(
    state: PermitState, command: ApplyScopeChange, ctx: DecisionContext
) -> list[EventPayload]:
    """RP-9: at least N working days (of the site's calendar) before the change."""
    if not state.active:
        refuse("RP-9", f"permit {state.permit_id} is not active")
    if state.scope_change(command.change_id) is not None:
        conflict(f"scope change {command.change_id} is already applied for")
    days = ctx.rules(PermitRules).scope_change_notice_working_days
    earliest = working_days_after(ctx, ctx.site.local_date(ctx.now), days)
    if command.change_on < earliest:
        refuse(
            "RP-9",
            f"a scope change is applied for {days} working days ahead: {earliest} at the earliest",
            "change_on",
        )
    return [
        ev.ScopeChangeApplied(
            **ids(state),
            change_id=command.change_id,
            description=command.description,
            change_on=command.change_on,
        )
    ]


def decide_scope_change(
    state: PermitState, command: DecideScopeChange, ctx: DecisionContext
) -> list[EventPayload]:
    change = state.scope_change(command.change_id)
    if change is None:
        refuse("RP-9", f"no scope change {command.change_id} on {state.permit_id}", "change_id")
    if change.status != "pending":
        conflict(f"scope change {command.change_id} is already {change.status}")
    return [
        ev.ScopeChangeDecided(
            **ids(state), change_id=change.change_id, approved=command.approve, note=command.note
        )
    ]
