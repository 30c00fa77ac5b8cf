"""RP-6 (rev.2) the violation ladder: each step only in its order and with its conditions.

1st recorded violation: stop it, verbal warning (time, inspector), the contractor signs.
Repeatedly ignored (the `ladder_notice_at`-th, after a warning): written rectification
notice to the applicant/occupant. Serious (marked, or the `ladder_serious_at`-th): the
owner notified. Final: the violation persists after the notice AND other residents'
complaints continued (`final_step_complaints` since the notice): customer service with
security, with the owner's consent, cuts power or clears the site; re-entry only after
the contractor's admission and undertaking.
"""

from datetime import datetime, timedelta

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.permits_conduct import (
    RectificationChecked,
    WorksViolationRecorded,
    WorksViolationWithdrawn,
)

from permits.domain.common import conflict, refuse
from permits.domain.conduct.commands import (
    CheckRectification,
    GiveVerbalWarning,
    IssueRectificationNotice,
    NotifyOwner,
    ReadmitContractor,
    StopWorksByForce,
    WithdrawWorksViolation,
)
from permits.domain.conduct.ladder_events import (
    ContractorReadmitted,
    OwnerNotifiedOfViolation,
    RectificationNoticeIssued,
    VerbalWarningGiven,
    WorksForciblyStopped,
)
from permits.domain.conduct.state import ConductState, Violation
from permits.domain.rules import PermitRules

RULE = "RP-6"
SLACK = timedelta(minutes=5)  # clocks of handhelds and the server differ a little


def blank(text: str | None) -> bool:
    return text is None or not text.strip()


def need(text: str, field: str, what: str, rule: str = RULE) -> str:
    if blank(text):
        refuse(rule, f"{what} is required", field)
    return text.strip()


def not_future(ctx: DecisionContext, when: datetime, field: str) -> None:
    if when > ctx.now + SLACK:
        refuse(RULE, f"{field} cannot be in the future", field)


def recorded(state: ConductState, violation_id: str) -> Violation:
    found = state.violation(violation_id)
    if found is None or found.withdrawn:
        refuse(RULE, f"no violation {violation_id} is recorded on this permit", "violation_id")
    return found


def withdraw(
    state: ConductState, cmd: WithdrawWorksViolation, ctx: DecisionContext
) -> list[EventPayload]:
    """§0 rev.2: withdrawn by a later event naming it, the reason and who; a violation
    the written notice was issued on stays (the notice went out on it)."""
    violation = recorded(state, cmd.violation_id)
    if violation.noticed:
        refuse(RULE, "a written notice was issued on this violation: it stays", "violation_id")
    return [
        WorksViolationWithdrawn(
            permit_id=state.permit_id,
            violation_id=cmd.violation_id,
            withdrawn_by=ctx.actor,
            reason=need(cmd.reason, "reason", "why it was wrong"),
        )
    ]


def new_violation(
    state: ConductState,
    *,
    violation_id: str,
    occurred_at: datetime,
    inspector: str,
    department: str,
    description: str,
    serious: bool,
    inspection_id: str | None = None,
) -> WorksViolationRecorded:
    """The next rung: numbered on the permit (the Nth recorded violation)."""
    if state.violation(violation_id) is not None:
        conflict(f"violation {violation_id} is already recorded")
    return WorksViolationRecorded(
        permit_id=state.permit_id,
        violation_id=violation_id,
        number=state.rungs() + 1,
        occurred_at=occurred_at,
        inspector=inspector,
        department=department,
        description=need(description, "description", "what the violation is"),
        serious=serious,
        inspection_id=inspection_id,
    )


def warn(state: ConductState, cmd: GiveVerbalWarning, ctx: DecisionContext) -> list[EventPayload]:
    violation = recorded(state, cmd.violation_id)
    if violation.warned:
        conflict(f"violation {cmd.violation_id} was already warned")
    not_future(ctx, cmd.warned_at, "warned_at")
    if cmd.warned_at < violation.occurred_at:
        refuse(RULE, "the warning cannot come before the violation", "warned_at")
    signed = need(cmd.contractor_signed_by, "contractor_signed_by", "the contractor's signature")
    return [
        VerbalWarningGiven(
            permit_id=state.permit_id,
            violation_id=cmd.violation_id,
            warned_at=cmd.warned_at,
            inspector=ctx.actor,
            contractor_signed_by=signed,
        )
    ]


def notice(
    state: ConductState, cmd: IssueRectificationNotice, ctx: DecisionContext
) -> list[EventPayload]:
    violation = recorded(state, cmd.violation_id)
    at = ctx.rules(PermitRules).ladder_notice_at
    if violation.noticed:
        conflict(f"violation {cmd.violation_id} already has a written notice")
    if violation.number < at:
        refuse(
            RULE,
            f"a written rectification notice comes at recorded violation no. {at}; "
            f"this is no. {violation.number}: stop it with a verbal warning",
            "violation_id",
        )
    if not state.ever_warned():
        refuse(RULE, "no verbal warning was given yet: warnings come first", "violation_id")
    if cmd.rectify_by <= ctx.now:
        refuse(RULE, "the rectification deadline must be ahead", "rectify_by")
    return [
        RectificationNoticeIssued(
            permit_id=state.permit_id,
            violation_id=cmd.violation_id,
            issued_by=ctx.actor,
            issued_to=need(cmd.issued_to, "issued_to", "the applicant/occupant"),
            issued_at=ctx.now,
            rectify_by=cmd.rectify_by,
            notice=need(cmd.notice, "notice", "the notice's text"),
        )
    ]


def notify_owner(state: ConductState, cmd: NotifyOwner, ctx: DecisionContext) -> list[EventPayload]:
    violation = recorded(state, cmd.violation_id)
    at = ctx.rules(PermitRules).ladder_serious_at
    if violation.owner_notified:
        conflict(f"the owner was already notified of {cmd.violation_id}")
    if not violation.serious and violation.number < at:
        refuse(
            RULE,
            f"the owner is notified of a serious case: one marked serious or recorded "
            f"violation no. {at} (this is no. {violation.number}, not marked)",
            "violation_id",
        )
    return [
        OwnerNotifiedOfViolation(
            permit_id=state.permit_id,
            violation_id=cmd.violation_id,
            notified_by=ctx.actor,
            owner=need(cmd.owner, "owner", "the owner notified"),
            notified_at=ctx.now,
            how=need(cmd.how, "how", "how the owner was notified"),
        )
    ]


def check_rectification(
    state: ConductState, cmd: CheckRectification, ctx: DecisionContext
) -> list[EventPayload]:
    violation = recorded(state, cmd.violation_id)
    if not violation.noticed:
        refuse(RULE, f"violation {cmd.violation_id} has no written notice to check", "violation_id")
    return [
        RectificationChecked(
            permit_id=state.permit_id,
            violation_id=cmd.violation_id,
            checked_by=ctx.actor,
            checked_at=ctx.now,
            rectified=cmd.rectified,
        )
    ]


def stop_by_force(
    state: ConductState, cmd: StopWorksByForce, ctx: DecisionContext
) -> list[EventPayload]:
    if state.stopped is not None:
        conflict(f"the works are already stopped ({state.stopped})")
    if state.notice_at is None:
        refuse(RULE, "the final step needs a written rectification notice first", "measure")
    if not state.persists_after_notice:
        refuse(
            RULE,
            "the final step needs the violation to persist after the notice "
            "(a failed rectification check or a new violation since)",
            "measure",
        )
    needed = ctx.rules(PermitRules).final_step_complaints
    complaints = state.complaints_since_notice()
    if complaints < needed:
        refuse(
            RULE,
            f"the final step needs other residents' complaints to continue: {needed} since "
            f"the notice, {complaints} linked",
            "measure",
        )
    officer = need(cmd.security_officer, "security_officer", "security's officer (會同保安部)")
    if officer == ctx.actor:
        refuse(
            RULE, "security's officer is another person than customer service", "security_officer"
        )
    return [
        WorksForciblyStopped(
            permit_id=state.permit_id,
            measure=cmd.measure,
            done_by=ctx.actor,
            security_officer=officer,
            owner_consent=need(cmd.owner_consent, "owner_consent", "the owner's consent"),
            complaints_since_notice=complaints,
            stopped_at=ctx.now,
        )
    ]


def readmit(
    state: ConductState, cmd: ReadmitContractor, ctx: DecisionContext
) -> list[EventPayload]:
    if state.stopped is None:
        refuse(RULE, "the works were not stopped: nothing to re-enter", "contractor_signed_by")
    return [
        ContractorReadmitted(
            permit_id=state.permit_id,
            readmitted_by=ctx.actor,
            contractor_signed_by=need(
                cmd.contractor_signed_by, "contractor_signed_by", "the contractor's signature"
            ),
            undertaking=need(cmd.undertaking, "undertaking", "the admission and undertaking"),
            readmitted_at=ctx.now,
        )
    ]
