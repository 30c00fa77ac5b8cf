"""Deciders of a permit from the end of works to the refund (RP-11 rev.2)."""

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.permits import (
    DepositRefunded,
    DepositRefundOverdue,
    RenovationAccepted,
    RenovationWorksFinished,
)

from permits.domain.common import conflict, refuse, refuse_all
from permits.domain.permit import events as ev
from permits.domain.permit.commands import (
    ApplyForAcceptance,
    FinishWorks,
    InspectAcceptance,
    MarkInspectionOverdue,
    MarkRefundOverdue,
    RefundDeposit,
    ReturnPasses,
    SignAcceptanceForm,
)
from permits.domain.permit.decide import ids, working_days_after
from permits.domain.permit.state import PermitState
from permits.domain.rules import DEPOSIT, PASS_DEPOSIT, PermitRules

AS_BUILT_COPIES = 2


def finish(state: PermitState, command: FinishWorks, ctx: DecisionContext) -> list[EventPayload]:
    if state.stage != "works":
        refuse("RP-11", f"works under {state.permit_id} are not under way")
    today = ctx.site.local_date(ctx.now)
    assert state.started_at is not None
    if command.finished_on > today or command.finished_on < ctx.site.local_date(state.started_at):
        refuse("RP-11", "the works finish between their start and today", "finished_on")
    days = ctx.rules(PermitRules).acceptance_application_working_days
    due = working_days_after(ctx, command.finished_on, days)
    return [
        RenovationWorksFinished(
            **ids(state), finished_on=command.finished_on, acceptance_due_on=due
        )
    ]


def apply(
    state: PermitState, command: ApplyForAcceptance, ctx: DecisionContext
) -> list[EventPayload]:
    """Two as-built copies and a copy of the deposit receipt; late is recorded, not refused
    (the deposit is still owed back)."""
    if state.stage != "finished":
        refuse("RP-11", f"works under {state.permit_id} are not recorded as finished")
    missing = []
    if command.as_built_copies < AS_BUILT_COPIES:
        missing.append("as_built_copies")
    if not command.deposit_receipt_copy:
        missing.append("deposit_receipt_copy")
    if missing:
        refuse_all("RP-11", "the acceptance application is missing", missing)
    rules = ctx.rules(PermitRules)
    assert state.finished_due_on is not None
    last_day = state.finished_due_on
    due = ctx.site.add_working_days(ctx.now, rules.acceptance_inspection_working_days)
    return [
        ev.AcceptanceApplied(
            **ids(state),
            as_built_copies=command.as_built_copies,
            late=ctx.site.local_date(ctx.now) > last_day,
            inspection_due_at=due,
        )
    ]


def inspection_overdue(
    state: PermitState, command: MarkInspectionOverdue, ctx: DecisionContext
) -> list[EventPayload]:
    if state.stage != "acceptance" or state.rounds or state.inspection_overdue:
        return []  # inspected in time
    return [ev.AcceptanceInspectionOverdue(**ids(state), due_at=command.due_at)]


def inspect(
    state: PermitState, command: InspectAcceptance, ctx: DecisionContext
) -> list[EventPayload]:
    """Joint (engineering with a customer-service inspector), as many rounds as it takes."""
    if state.stage != "acceptance":
        refuse("RP-11", f"permit {state.permit_id} has no acceptance application pending")
    if command.customer_service_inspector == ctx.actor:
        refuse(
            "RP-11",
            "engineering inspects together with another person from customer service",
            "customer_service_inspector",
        )
    facts = {
        **ids(state),
        "round": state.rounds + 1,
        "customer_service_inspector": command.customer_service_inspector,
        "passed": command.passed,
    }
    if command.passed:
        if not command.certificate_no:
            refuse("RP-11", "a pass issues the acceptance certificate", "certificate_no")
        return [
            ev.AcceptanceInspected(**facts, certificate_no=command.certificate_no),
            RenovationAccepted(
                **ids(state), certificate_no=command.certificate_no, rounds=state.rounds + 1
            ),
        ]
    missing = [] if command.defects else ["defects"]
    if command.rectify_by is None:
        missing.append("rectify_by")
    if missing:
        refuse_all("RP-11", "a failed inspection gives a rectification notice with", missing)
    assert command.rectify_by is not None
    if command.rectify_by <= ctx.site.local_date(ctx.now):
        refuse("RP-11", "the rectification deadline is a later day", "rectify_by")
    return [ev.AcceptanceInspected(**facts, defects=command.defects, rectify_by=command.rectify_by)]


def sign_form(
    state: PermitState, command: SignAcceptanceForm, ctx: DecisionContext
) -> list[EventPayload]:
    if state.stage != "accepted":
        refuse("RP-11", f"permit {state.permit_id} has not passed acceptance")
    if state.form_signed_at is not None:
        conflict(f"the acceptance form of {state.permit_id} is already signed")
    rules = ctx.rules(PermitRules)
    deposit = state.payment(DEPOSIT)
    assert deposit is not None  # works started only with every fee paid
    passes = state.payment(PASS_DEPOSIT)
    return [
        ev.AcceptanceFormSigned(
            **ids(state),
            refund_fen=deposit.amount_fen + (passes.amount_fen if passes else 0),
            refund_to=deposit.paid_by,
            refund_target_at=ctx.site.add_working_days(ctx.now, rules.refund_target_working_days),
            refund_limit_at=ctx.site.add_working_days(ctx.now, rules.refund_limit_working_days),
            calendar_id=ctx.site.calendar_id,
        )
    ]


def return_passes(
    state: PermitState, command: ReturnPasses, ctx: DecisionContext
) -> list[EventPayload]:
    if not state.reached("works") or state.stage == "closed":
        refuse("RP-11", f"permit {state.permit_id} has no passes out")
    out = state.passes_out
    wrong = [n for n in command.pass_nos if n not in out]
    if wrong:
        refuse("RP-11", f"not a pass of this permit still out: {', '.join(wrong)}", "pass_nos")
    return [ev.PassesReturned(**ids(state), pass_nos=list(dict.fromkeys(command.pass_nos)))]


def refund(state: PermitState, command: RefundDeposit, ctx: DecisionContext) -> list[EventPayload]:
    if state.form_signed_at is None:
        refuse("RP-11", "the refund follows the acceptance form engineering signs to finance")
    if state.stage == "closed":
        conflict(f"the deposit of {state.permit_id} is already refunded")
    if state.passes_out:
        refuse_all(
            "RP-11",
            "passes are returned before the pass deposit is refunded; still out",
            [f"passes.{n}" for n in state.passes_out],
            "not returned",
        )
    assert state.refund_target_at is not None and state.refund_limit_at is not None
    assert state.refund_to in ("owner", "contractor")
    return [
        ev.DepositRefundPaid(
            **ids(state),
            amount_fen=state.refund_fen,
            paid_to="owner" if state.refund_to == "owner" else "contractor",
            reference=command.reference,
        ),
        DepositRefunded(
            **ids(state),
            within_target=ctx.now <= state.refund_target_at,
            within_limit=ctx.now <= state.refund_limit_at,
        ),
    ]


def refund_overdue(
    state: PermitState, command: MarkRefundOverdue, ctx: DecisionContext
) -> list[EventPayload]:
    missed = state.target_missed if command.deadline == "target" else state.limit_missed
    if state.stage == "closed" or missed:
        return []
    return [DepositRefundOverdue(**ids(state), deadline=command.deadline, due_at=command.due_at)]
