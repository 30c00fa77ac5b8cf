"""The works-record decider: patrols and checks (RP-5), RP-10 approvals, flow 2; the
ladder's steps are in `ladder.py`."""

from typing import assert_never

from opsledger.decider import DecisionContext
from opsledger_contracts import EventPayload
from opsledger_contracts.events.permits_conduct import (
    InspectionFindingRecorded,
    PatrolMissed,
    PatrolRecorded,
    RenovationComplaintLinked,
    SeriousViolationReported,
    WorksCheckRecorded,
    WorksRequestApproved,
)

from permits.domain.common import conflict, refuse
from permits.domain.conduct import ladder
from permits.domain.conduct.calendar import day_ends
from permits.domain.conduct.commands import (
    ApproveWorksRequest,
    CheckRectification,
    ClosePatrolDay,
    CloseWorks,
    ConductCommand,
    GiveVerbalWarning,
    IssueRectificationNotice,
    LinkComplaint,
    NotifyOwner,
    OpenWorks,
    ReadmitContractor,
    RecordInspectionFinding,
    RecordPatrol,
    RecordWorksCheck,
    RecordWorksViolation,
    StopWorksByForce,
    WithdrawWorksViolation,
)
from permits.domain.conduct.events import PatrolDayClosed, WorksClosed, WorksOpened
from permits.domain.conduct.state import ConductState
from permits.domain.roles import CONCIERGE, ENGINEERING

# RP-5: which department runs which check.
CHECK_ROLES = {"conformance": ENGINEERING, "safety": CONCIERGE}
# Flow 2: dispatch's assignee roles that are engineering's; the rest inspect for
# customer service (property assistants, supervisors), RULES.md §4 RP-6 rev.2.
ENGINEERING_ASSIGNEES = frozenset({"engineer", "maintenance_worker", "repair_supervisor"})


def department(roles: frozenset[str]) -> str:
    """The inspector's department (RP-6 rev.2), from the token's roles."""
    if roles & ENGINEERING:
        return "engineering"
    if roles & CONCIERGE:
        return "concierge"
    return "customer_service"


def decide(
    state: ConductState, command: ConductCommand, ctx: DecisionContext
) -> list[EventPayload]:
    match command:
        case OpenWorks():
            return _open(state, command, ctx)
        case CloseWorks():
            return (
                []
                if state.closed
                else [WorksClosed(permit_id=state.permit_id, reason=command.reason)]
            )
        case RecordPatrol():
            return _patrol(state, command, ctx)
        case ClosePatrolDay():
            return _close_day(state, command, ctx)
        case RecordWorksCheck():
            return _check(state, command, ctx)
        case RecordWorksViolation():
            ladder.not_future(ctx, command.occurred_at, "occurred_at")
            return [
                ladder.new_violation(
                    state,
                    violation_id=command.violation_id,
                    occurred_at=command.occurred_at,
                    inspector=ctx.actor,
                    department=department(ctx.roles),
                    description=command.description,
                    serious=command.serious,
                )
            ]
        case WithdrawWorksViolation():
            return ladder.withdraw(state, command, ctx)
        case GiveVerbalWarning():
            return ladder.warn(state, command, ctx)
        case IssueRectificationNotice():
            return ladder.notice(state, command, ctx)
        case NotifyOwner():
            return ladder.notify_owner(state, command, ctx)
        case CheckRectification():
            return ladder.check_rectification(state, command, ctx)
        case StopWorksByForce():
            return ladder.stop_by_force(state, command, ctx)
        case ReadmitContractor():
            return ladder.readmit(state, command, ctx)
        case ApproveWorksRequest():
            return _approve(state, command, ctx)
        case LinkComplaint():
            if any(ticket == command.ticket_id for ticket, _ in state.complaints):
                return []  # a redelivered complaint
            return [
                RenovationComplaintLinked(
                    permit_id=state.permit_id,
                    ticket_id=command.ticket_id,
                    unit_id=command.unit_id,
                    inspection_id=command.inspection_id,
                )
            ]
        case RecordInspectionFinding():
            return _finding(state, command)
        case _:
            assert_never(command)


def _open(state: ConductState, command: OpenWorks, ctx: DecisionContext) -> list[EventPayload]:
    if state.open or state.closed:
        return []  # a redelivered start of works
    first = ctx.site.local_date(command.started_at)
    return [
        WorksOpened(
            permit_id=command.permit_id,
            unit_id=command.unit_id,
            contractor=command.contractor,
            first_day=first,
            first_day_ends=day_ends(ctx.site, first),
        )
    ]


def _patrol(state: ConductState, command: RecordPatrol, ctx: DecisionContext) -> list[EventPayload]:
    findings = ladder.need(command.findings, "findings", "what the patrol saw", "RP-5")
    today = ctx.site.local_date(ctx.now)
    events: list[EventPayload] = [
        PatrolRecorded(
            permit_id=state.permit_id,
            local_date=today,
            patrolled_at=ctx.now,
            patrolled_by=ctx.actor,
            findings=findings,
            serious=command.serious,
        )
    ]
    if command.serious:
        # RP-5 rev.2: reported at once, to all three, with a proposed remedy.
        if ladder.blank(command.proposed_remedy):
            refuse(
                "RP-5", "a serious violation is reported with a proposed remedy", "proposed_remedy"
            )
        events.append(
            SeriousViolationReported(
                permit_id=state.permit_id,
                local_date=today,
                reported_by=ctx.actor,
                finding=findings,
                proposed_remedy=str(command.proposed_remedy).strip(),
                reported_to=["engineering", "concierge", "customer_service_director"],
            )
        )
    return events


def _close_day(
    state: ConductState, command: ClosePatrolDay, ctx: DecisionContext
) -> list[EventPayload]:
    day = state.day(command.day)
    if day.closed or not state.open:
        return []
    following = command.day.fromordinal(command.day.toordinal() + 1)
    events: list[EventPayload] = []
    if day.patrols == 0:
        events.append(
            PatrolMissed(
                permit_id=state.permit_id, local_date=command.day, end_of_day=command.day_ends
            )
        )
    events.append(
        PatrolDayClosed(
            permit_id=state.permit_id,
            local_date=command.day,
            patrols=day.patrols,
            next_day=following,
            next_day_ends=day_ends(ctx.site, following),
        )
    )
    return events


def _check(
    state: ConductState, command: RecordWorksCheck, ctx: DecisionContext
) -> list[EventPayload]:
    if not ctx.roles & CHECK_ROLES[command.check]:
        who = "engineering" if command.check == "conformance" else "the concierge"
        refuse("RP-5", f"the {command.check} check is {who}'s", "check")
    return [
        WorksCheckRecorded(
            permit_id=state.permit_id,
            check=command.check,
            checked_by=ctx.actor,
            checked_at=ctx.now,
            passed=command.passed,
            findings=ladder.need(command.findings, "findings", "the check's findings", "RP-5"),
        )
    ]


def _approve(
    state: ConductState, command: ApproveWorksRequest, ctx: DecisionContext
) -> list[EventPayload]:
    if command.approval_id in state.approvals:
        conflict(f"approval {command.approval_id} is already recorded")
    if command.ends_at <= command.starts_at:
        refuse("RP-10", "the approved window ends after it starts", "ends_at")
    if command.ends_at <= ctx.now:
        refuse("RP-10", "the approved window is already over", "ends_at")
    if ladder.blank(command.description):
        refuse("RP-10", "what is approved must be described", "description")
    return [
        WorksRequestApproved(
            permit_id=state.permit_id,
            approval_id=command.approval_id,
            kind=command.kind,
            approved_by=ctx.actor,
            starts_at=command.starts_at,
            ends_at=command.ends_at,
            description=command.description.strip(),
        )
    ]


def _finding(state: ConductState, command: RecordInspectionFinding) -> list[EventPayload]:
    if command.inspection_id in state.inspections:
        return []  # a redelivered finding
    events: list[EventPayload] = [
        InspectionFindingRecorded(
            permit_id=state.permit_id,
            inspection_id=command.inspection_id,
            work_order_id=command.work_order_id,
            inspector=command.inspector,
            violation_found=command.violation_found,
            serious=command.serious,
            finding=command.finding,
        )
    ]
    if command.violation_found:  # RP-12 rev.2: only a recorded finding climbs the ladder
        dept = (
            "engineering" if command.inspector_role in ENGINEERING_ASSIGNEES else "customer_service"
        )
        events.append(
            ladder.new_violation(
                state,
                violation_id=command.inspection_id,
                occurred_at=command.inspected_at,
                inspector=command.inspector,
                department=dept,
                description=command.finding,
                serious=command.serious,
                inspection_id=command.inspection_id,
            )
        )
    return events
