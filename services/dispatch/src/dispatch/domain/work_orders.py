"""The work order aggregate (WO-1 … WO-10): commands, state and a pure decider.

Stream `work-order-<id>`, stream type "WorkOrder". The decider is pure: the time comes
in as `now`, the site calendar (a pure function of the date) only names months.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Final

from opsledger.calendar import SiteCalendar
from opsledger.errors import DomainError
from opsledger.eventstore import RecordedEvent
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import (
    PenaltyRecorded,
    RepeatRepairFlagged,
    WorkOrderAccepted,
    WorkOrderArchived,
    WorkOrderCallbackRecorded,
    WorkOrderCompleted,
    WorkOrderEscalated,
    WorkOrderIssued,
    WorkOrderJudgedUnreasonable,
    WorkOrderOverdue,
    WorkOrderProgressReported,
    WorkOrderRefusalRecorded,
    WorkOrderSignedOff,
)

from dispatch.domain.rules import DispatchRules

STREAM_TYPE: Final = "WorkOrder"

# WO-2: who may issue, and the roles an order may be assigned to (000 第11篇 第四条).
ISSUER_ROLES: Final = frozenset({"dispatcher", "dispatch_lead", "dept_head"})
ASSIGNEE_ROLES: Final = frozenset(
    {
        "dept_head",
        "supervisor",
        "property_assistant",
        "engineer",
        "maintenance_worker",
        "repair_supervisor",
        "consultant",
        "assignee",
    }
)
DISPATCH_ROLES: Final = frozenset({"dispatcher", "dispatch_lead"})
JUDGE_ROLES: Final = frozenset({"dispatch_lead"})

# Penalty ledger amounts in fen (000 第11篇 附則).
REFUSAL_PENALTY_FEN: Final = 10_000  # WO-4: 100 yuan
OVERDUE_PENALTY_FEN: Final = 3_000  # WO-5: 30 yuan
UNREASONABLE_PENALTY_FEN: Final = 3_000  # WO-9: 30 yuan


# Lifecycle statuses. "overdue" is a flag on top of them (see WorkOrderState.overdue).
ISSUED: Final = "issued"
ESCALATED: Final = "escalated"  # handed to the superior, awaiting their acceptance
ACCEPTED: Final = "accepted"
COMPLETED: Final = "completed"
SIGNED_OFF: Final = "signed_off"
CALLED_BACK: Final = "called_back"
ARCHIVED: Final = "archived"
OPEN_STATUSES: Final = frozenset({ISSUED, ESCALATED, ACCEPTED})
STATUSES: Final = (ISSUED, ESCALATED, ACCEPTED, COMPLETED, SIGNED_OFF, CALLED_BACK, ARCHIVED)


def stream_id(work_order_id: str) -> str:
    return f"work-order-{work_order_id}"


def work_order_id(site_id: str, serial_no: int) -> str:
    """`WO-<site>-<serial:06d>` (WO-8)."""
    return f"WO-{site_id}-{serial_no:06d}"


def site_of(work_order_id: str) -> str | None:
    """The site encoded in a work order id, or None when it is not one of ours."""
    if not work_order_id.startswith("WO-"):
        return None
    site, sep, serial = work_order_id[3:].rpartition("-")
    return site if sep and site and serial.isdigit() else None


def blank(value: str | None) -> bool:
    return value is None or not value.strip()


# -- commands ---------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueWorkOrder:
    """WO-1/WO-2 input; the optional fields are checked here so all gaps are named at once."""

    issuer: str
    location: str | None
    content: str | None
    requirements: str | None
    reply_by: datetime | None
    assignee: str | None
    assignee_role: str | None
    ticket_id: str | None = None
    asset_id: str | None = None
    fault_code: str | None = None


@dataclass(frozen=True)
class NumberedIssue:
    """An issue command after validation, with the serial number taken for it (WO-8)."""

    command: IssueWorkOrder
    work_order_id: str
    serial_no: int
    previous_work_order_id: str | None = None  # WO-10: an earlier order for the same fault


@dataclass(frozen=True)
class AcceptWorkOrder:
    actor: str


@dataclass(frozen=True)
class EscalateWorkOrder:
    actor: str
    escalated_to: str
    reason: str


@dataclass(frozen=True)
class RecordRefusal:
    actor: str
    reason: str


@dataclass(frozen=True)
class ReportProgress:
    actor: str
    note: str
    expected_by: datetime | None = None


@dataclass(frozen=True)
class CompleteWorkOrder:
    actor: str
    process: str
    result: str


@dataclass(frozen=True)
class SignOffWorkOrder:
    actor: str
    signed_by: str
    actor_is_dispatcher: bool = False


@dataclass(frozen=True)
class RecordCallback:
    actor: str
    confirmed: bool
    note: str = ""


@dataclass(frozen=True)
class ArchiveWorkOrder:
    actor: str


@dataclass(frozen=True)
class JudgeUnreasonable:
    actor: str
    reason: str


@dataclass(frozen=True)
class MarkOverdue:
    """From the overdue timer: the deadline it was scheduled for (WO-5)."""

    deadline: datetime


Command = (
    NumberedIssue
    | AcceptWorkOrder
    | EscalateWorkOrder
    | RecordRefusal
    | ReportProgress
    | CompleteWorkOrder
    | SignOffWorkOrder
    | RecordCallback
    | ArchiveWorkOrder
    | JudgeUnreasonable
    | MarkOverdue
)


# -- state ------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkOrderState:
    """What the rules need to know about one order."""

    exists: bool = False
    work_order_id: str = ""
    serial_no: int = 0
    ticket_id: str | None = None
    site_id: str = ""
    issuer: str = ""
    assignee: str = ""
    assignee_role: str | None = None
    location: str = ""
    content: str = ""
    requirements: str = ""
    reply_by: datetime | None = None
    asset_id: str | None = None
    fault_code: str | None = None
    issued_at: datetime | None = None
    status: str = ""
    accepted_at: datetime | None = None
    deadline: datetime | None = None  # reply_by, or the expected time of the last report
    reported_before_deadline: bool = False
    overdue: bool = False
    escalated: bool = False
    escalated_by: str | None = None
    judged_unreasonable: bool = False
    refusals_by: frozenset[str] = frozenset()
    signed_off: bool = False
    called_back: bool = False
    repeat_of: str | None = None
    penalties_fen: int = 0

    @property
    def completed(self) -> bool:
        return self.status in (COMPLETED, SIGNED_OFF, CALLED_BACK, ARCHIVED)


def evolve(state: WorkOrderState, event: RecordedEvent) -> WorkOrderState:
    """Fold one recorded event into the state."""
    payload = event.decode()
    match payload:
        case WorkOrderIssued():
            return WorkOrderState(
                exists=True,
                work_order_id=payload.work_order_id,
                serial_no=payload.serial_no,
                ticket_id=payload.ticket_id,
                site_id=event.site_id,
                issuer=payload.issuer,
                assignee=payload.assignee,
                assignee_role=payload.assignee_role,
                location=payload.location,
                content=payload.content,
                requirements=payload.requirements,
                reply_by=payload.reply_by,
                asset_id=payload.asset_id,
                fault_code=payload.fault_code,
                issued_at=event.occurred_at,
                status=ISSUED,
                deadline=payload.reply_by,
            )
        case RepeatRepairFlagged():
            return replace(state, repeat_of=payload.previous_work_order_id)
        case WorkOrderAccepted():
            return replace(state, status=ACCEPTED, accepted_at=payload.accepted_at)
        case WorkOrderEscalated():
            return replace(
                state,
                status=ESCALATED,
                assignee=payload.escalated_to,
                accepted_at=None,
                escalated=True,
                escalated_by=payload.escalated_by,
            )
        case WorkOrderRefusalRecorded():
            return replace(state, refusals_by=state.refusals_by | {payload.assignee})
        case WorkOrderProgressReported():
            if payload.expected_by is not None:
                return replace(state, deadline=payload.expected_by, reported_before_deadline=False)
            return replace(state, reported_before_deadline=True)
        case WorkOrderOverdue():
            return replace(state, overdue=True)
        case WorkOrderCompleted():
            return replace(state, status=COMPLETED, signed_off=False, called_back=False)
        case WorkOrderSignedOff():
            return replace(state, status=SIGNED_OFF, signed_off=True)
        case WorkOrderCallbackRecorded():
            if payload.confirmed:
                return replace(state, status=CALLED_BACK, called_back=True)
            # The customer does not confirm: the work is reopened for the assignee.
            return replace(state, status=ACCEPTED, signed_off=False, called_back=False)
        case WorkOrderArchived():
            return replace(state, status=ARCHIVED)
        case WorkOrderJudgedUnreasonable():
            return replace(state, judged_unreasonable=True)
        case PenaltyRecorded():
            return replace(state, penalties_fen=state.penalties_fen + payload.amount_fen)
    return state


def fold(history: Sequence[RecordedEvent]) -> WorkOrderState:
    """The state after a stream's events."""
    state = WorkOrderState()
    for event in history:
        state = evolve(state, event)
    return state


# -- validation of an issue (before a serial number is taken) ---------------------------


def validate_issue(command: IssueWorkOrder, now: datetime) -> None:
    """WO-1 and WO-2 checks that need no stored state; raises DomainError.

    Runs before the serial number is taken, so a refused order never consumes one.
    """
    mandatory = {
        "location": command.location,
        "content": command.content,
        "requirements": command.requirements,
        "issuer": command.issuer,
    }
    missing = [name for name, value in mandatory.items() if blank(value)]
    if command.reply_by is None:
        missing.insert(3, "reply_by")
    if missing:
        raise DomainError(
            "WO-1",
            f"a work order cannot be issued without: {', '.join(missing)} (missing or blank)",
            field=",".join(missing),
        )
    assert command.reply_by is not None
    if command.reply_by.tzinfo is None:
        raise DomainError("WO-1", "reply_by needs a time zone (e.g. ...Z)", field="reply_by")
    if command.reply_by <= now:
        raise DomainError(
            "WO-1",
            f"reply_by {command.reply_by.isoformat()} is not in the future",
            field="reply_by",
        )
    wo2_missing = [
        name
        for name, value in (
            ("assignee", command.assignee),
            ("assignee_role", command.assignee_role),
        )
        if blank(value)
    ]
    if wo2_missing:
        raise DomainError(
            "WO-2",
            f"a work order names its assignee: missing or blank: {', '.join(wo2_missing)}",
            field=",".join(wo2_missing),
        )
    if command.assignee_role not in ASSIGNEE_ROLES:
        raise DomainError(
            "WO-2",
            f"assignee_role {command.assignee_role!r} may not receive work orders; one of: "
            f"{', '.join(sorted(ASSIGNEE_ROLES))}",
            field="assignee_role",
        )


def truncate_to_minute(when: datetime) -> datetime:
    return when.replace(second=0, microsecond=0)


# -- the decider ------------------------------------------------------------------------


class WorkOrderDecider:
    """Pure decisions over one order; `calendar` only turns instants into site months."""

    stream_type = STREAM_TYPE

    def __init__(self, calendar: SiteCalendar) -> None:
        self._calendar = calendar

    def initial_state(self) -> WorkOrderState:
        return WorkOrderState()

    def evolve(self, state: WorkOrderState, event: RecordedEvent) -> WorkOrderState:
        return evolve(state, event)

    def decide(
        self, state: WorkOrderState, command: Command, now: datetime
    ) -> Sequence[EventPayload]:
        if isinstance(command, NumberedIssue):
            return self._issue(state, command, now)
        if not state.exists:
            raise DomainError("NOT_FOUND", "work order does not exist", status=404)
        match command:
            case AcceptWorkOrder():
                return self._accept(state, command, now)
            case EscalateWorkOrder():
                return self._escalate(state, command)
            case RecordRefusal():
                return self._refusal(state, command, now)
            case ReportProgress():
                return self._progress(state, command, now)
            case CompleteWorkOrder():
                return self._complete(state, command)
            case SignOffWorkOrder():
                return self._sign_off(state, command)
            case RecordCallback():
                return self._callback(state, command)
            case ArchiveWorkOrder():
                return self._archive(state, command)
            case JudgeUnreasonable():
                return self._unreasonable(state, command, now)
            case MarkOverdue():
                return self._overdue(state, command)
        raise TypeError(f"unknown command {command!r}")

    def _penalty(
        self, state: WorkOrderState, person: str, amount: int, rule: str, reason: str, at: datetime
    ) -> PenaltyRecorded:
        return PenaltyRecorded(
            work_order_id=state.work_order_id,
            serial_no=state.serial_no,
            ticket_id=state.ticket_id,
            person=person,
            amount_fen=amount,
            rule=rule,
            reason=reason,
            month=self._calendar.month(at),
        )

    def _issue(
        self, state: WorkOrderState, numbered: NumberedIssue, now: datetime
    ) -> list[EventPayload]:
        if state.exists:
            raise DomainError("WO-8", f"work order {numbered.work_order_id} exists already")
        command = numbered.command
        validate_issue(command, now)
        assert command.reply_by is not None and command.assignee and command.assignee_role
        issued = WorkOrderIssued(
            work_order_id=numbered.work_order_id,
            serial_no=numbered.serial_no,
            ticket_id=command.ticket_id,
            issuer=command.issuer,
            location=(command.location or "").strip(),
            content=(command.content or "").strip(),
            requirements=(command.requirements or "").strip(),
            reply_by=command.reply_by.astimezone(UTC),
            assignee=command.assignee.strip(),
            assignee_role=command.assignee_role,
            asset_id=command.asset_id,
            fault_code=command.fault_code,
        )
        events: list[EventPayload] = [issued]
        if numbered.previous_work_order_id is not None:
            events.append(
                RepeatRepairFlagged(
                    work_order_id=numbered.work_order_id,
                    serial_no=numbered.serial_no,
                    ticket_id=command.ticket_id,
                    previous_work_order_id=numbered.previous_work_order_id,
                    window_days=self._calendar.rules(DispatchRules).repeat_repair_window_days,
                )
            )
        return events

    @staticmethod
    def _must_be_assignee(state: WorkOrderState, actor: str, rule: str, what: str) -> None:
        if actor != state.assignee:
            raise DomainError(
                rule,
                f"only the assignee {state.assignee} may {what} work order {state.work_order_id}",
                status=403,
            )

    @staticmethod
    def _must_be_open(state: WorkOrderState, rule: str, what: str) -> None:
        if state.status not in OPEN_STATUSES:
            raise DomainError(
                rule, f"cannot {what} work order {state.work_order_id}: it is {state.status}"
            )

    def _accept(
        self, state: WorkOrderState, command: AcceptWorkOrder, now: datetime
    ) -> list[EventPayload]:
        self._must_be_assignee(state, command.actor, "WO-3", "accept")
        if state.status == ACCEPTED:
            raise DomainError("WO-3", f"work order {state.work_order_id} is accepted already")
        self._must_be_open(state, "WO-3", "accept")
        return [
            WorkOrderAccepted(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                assignee=command.actor,
                accepted_at=truncate_to_minute(now),
            )
        ]

    def _escalate(self, state: WorkOrderState, command: EscalateWorkOrder) -> list[EventPayload]:
        self._must_be_assignee(state, command.actor, "WO-4", "escalate")
        self._must_be_open(state, "WO-4", "escalate")
        if blank(command.escalated_to):
            raise DomainError("WO-4", "escalation names the superior", field="escalated_to")
        if blank(command.reason):
            raise DomainError("WO-4", "escalation needs a reason", field="reason")
        if command.escalated_to.strip() == command.actor:
            raise DomainError(
                "WO-4", "escalate to a superior, not to yourself", field="escalated_to"
            )
        return [
            WorkOrderEscalated(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                escalated_by=command.actor,
                escalated_to=command.escalated_to.strip(),
                reason=command.reason.strip(),
            )
        ]

    def _refusal(
        self, state: WorkOrderState, command: RecordRefusal, now: datetime
    ) -> list[EventPayload]:
        self._must_be_open(state, "WO-4", "record a refusal on")
        if blank(command.reason):
            raise DomainError("WO-4", "a recorded refusal needs what happened", field="reason")
        if state.assignee in state.refusals_by:
            raise DomainError(
                "WO-4",
                f"a refusal by {state.assignee} is recorded already on {state.work_order_id}",
            )
        reason = command.reason.strip()
        return [
            WorkOrderRefusalRecorded(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                recorded_by=command.actor,
                assignee=state.assignee,
                reason=reason,
            ),
            self._penalty(
                state,
                state.assignee,
                REFUSAL_PENALTY_FEN,
                "WO-4",
                f"Refused work order {state.work_order_id}: {reason}"[:1000],
                now,
            ),
        ]

    def _progress(
        self, state: WorkOrderState, command: ReportProgress, now: datetime
    ) -> list[EventPayload]:
        self._must_be_assignee(state, command.actor, "WO-5", "report progress on")
        if state.status in OPEN_STATUSES and state.status != ACCEPTED:
            raise DomainError(
                "WO-3", f"accept work order {state.work_order_id} before reporting progress"
            )
        if state.status != ACCEPTED:
            raise DomainError(
                "WO-5", f"work order {state.work_order_id} is {state.status}: nothing to report"
            )
        if blank(command.note):
            raise DomainError("WO-5", "a progress report needs a note", field="note")
        assert state.deadline is not None
        if now >= state.deadline:
            raise DomainError(
                "WO-5",
                f"progress must be reported before the reply-by time "
                f"{state.deadline.isoformat()}, which has passed",
            )
        if command.expected_by is not None and (
            command.expected_by.tzinfo is None or command.expected_by <= now
        ):
            raise DomainError(
                "WO-5", "expected_by must be in the future, with a time zone", field="expected_by"
            )
        return [
            WorkOrderProgressReported(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                reported_by=command.actor,
                note=command.note.strip(),
                expected_by=(command.expected_by.astimezone(UTC) if command.expected_by else None),
            )
        ]

    def _complete(self, state: WorkOrderState, command: CompleteWorkOrder) -> list[EventPayload]:
        self._must_be_assignee(state, command.actor, "WO-6", "complete")
        if state.status in (ISSUED, ESCALATED):
            raise DomainError(
                "WO-3", f"work order {state.work_order_id} must be accepted before completion"
            )
        if state.status != ACCEPTED:
            raise DomainError("WO-6", f"work order {state.work_order_id} is {state.status} already")
        missing = [
            n for n, v in (("process", command.process), ("result", command.result)) if blank(v)
        ]
        if missing:
            raise DomainError(
                "WO-6",
                f"completion records the process and the result: missing {', '.join(missing)}",
                field=",".join(missing),
            )
        return [
            WorkOrderCompleted(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                completed_by=command.actor,
                process=command.process.strip(),
                result=command.result.strip(),
            )
        ]

    def _sign_off(self, state: WorkOrderState, command: SignOffWorkOrder) -> list[EventPayload]:
        if not command.actor_is_dispatcher:
            self._must_be_assignee(state, command.actor, "WO-6", "record the sign-off of")
        if state.status != COMPLETED:
            raise DomainError(
                "WO-6",
                f"the customer signs off a completed order; {state.work_order_id} is "
                f"{state.status}",
            )
        if blank(command.signed_by):
            raise DomainError("WO-6", "name the customer who signed", field="signed_by")
        return [
            WorkOrderSignedOff(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                signed_by=command.signed_by.strip(),
                recorded_by=command.actor,
            )
        ]

    def _callback(self, state: WorkOrderState, command: RecordCallback) -> list[EventPayload]:
        if state.status != SIGNED_OFF:
            raise DomainError(
                "WO-6",
                f"the callback follows the customer's sign-off; {state.work_order_id} is "
                f"{state.status}",
            )
        return [
            WorkOrderCallbackRecorded(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                dispatcher=command.actor,
                confirmed=command.confirmed,
                note=command.note.strip(),
            )
        ]

    def _archive(self, state: WorkOrderState, command: ArchiveWorkOrder) -> list[EventPayload]:
        if state.status == ARCHIVED:
            raise DomainError("WO-6", f"work order {state.work_order_id} is archived already")
        missing = []
        if not state.completed:
            missing.append("completion (process and result)")
        if not state.signed_off:
            missing.append("customer sign-off")
        if not state.called_back:
            missing.append("confirmed callback")
        if missing:
            raise DomainError(
                "WO-6",
                f"work order {state.work_order_id} cannot be archived without: "
                f"{', '.join(missing)}",
            )
        return [
            WorkOrderArchived(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                archived_by=command.actor,
            )
        ]

    def _unreasonable(
        self, state: WorkOrderState, command: JudgeUnreasonable, now: datetime
    ) -> list[EventPayload]:
        if not state.escalated:
            raise DomainError(
                "WO-9",
                f"only an escalated order can be judged unreasonable; {state.work_order_id} "
                "was not escalated",
            )
        if state.judged_unreasonable:
            raise DomainError("WO-9", f"{state.work_order_id} was judged unreasonable already")
        if blank(command.reason):
            raise DomainError("WO-9", "the judgement needs a reason", field="reason")
        reason = command.reason.strip()
        return [
            WorkOrderJudgedUnreasonable(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                judged_by=command.actor,
                issuer=state.issuer,
                reason=reason,
            ),
            self._penalty(
                state,
                state.issuer,
                UNREASONABLE_PENALTY_FEN,
                "WO-9",
                f"Unreasonable dispatch of {state.work_order_id}: {reason}"[:1000],
                now,
            ),
        ]

    def _overdue(self, state: WorkOrderState, command: MarkOverdue) -> list[EventPayload]:
        # A timer for a deadline that has since moved, or an order that complied: no effect.
        if (
            state.deadline != command.deadline
            or state.completed
            or state.reported_before_deadline
            or state.overdue
        ):
            return []
        return [
            WorkOrderOverdue(
                work_order_id=state.work_order_id,
                serial_no=state.serial_no,
                ticket_id=state.ticket_id,
                assignee=state.assignee,
                reply_by=command.deadline,
            ),
            self._penalty(
                state,
                state.assignee,
                OVERDUE_PENALTY_FEN,
                "WO-5",
                f"Reply-by {command.deadline.isoformat()} of {state.work_order_id} passed "
                "without completion or a progress report",
                command.deadline,  # the month in which the deadline was missed
            ),
        ]
