"""Tickets: a pure decider for CC-1 … CC-5, CC-7 (link/record due) and CC-10.

The ticket is event-sourced on stream `ticket-<id>`. Time and the site calendar are
passed in; nothing here does I/O.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from opsledger.calendar import SiteCalendar
from opsledger.errors import DomainError
from opsledger.eventstore import RecordedEvent
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import (
    CustomerRecordMissing,
    SlaBreached,
    TicketCallbackRecorded,
    TicketClosed,
    TicketCustomerLinked,
    TicketEscalated,
    TicketEscalationTaken,
    TicketFirstResponded,
    TicketOpened,
    TicketResolved,
    TicketSlaPaused,
    TicketSlaResumed,
    TicketTransferred,
    TicketWorkOrderProgressed,
    WorkOrderRequested,
)

from callcenter.domain.rules import CallcenterRules

STREAM_TYPE = "Ticket"

TicketKind = Literal["inquiry", "complaint", "repair", "service_request", "emergency"]
Channel = Literal["phone", "walk_in", "letter", "online"]
KINDS: tuple[str, ...] = ("inquiry", "complaint", "repair", "service_request", "emergency")

# CC-3/CC-11: emergencies count continuous (7x24) time, the others working time.
CONTINUOUS_SLA_KINDS: frozenset[str] = frozenset({"emergency"})
# Kinds that need on-site work through dispatch (CC-4).
WORK_ORDER_KINDS: frozenset[str] = frozenset({"repair", "complaint"})

SUPERVISOR_ROLES: frozenset[str] = frozenset({"shift_lead", "cc_manager", "admin"})
# Who may take an escalation that needs a given role (CC-3): a manager outranks a lead.
TAKERS: dict[str, frozenset[str]] = {
    "shift_lead": frozenset({"shift_lead", "cc_manager", "admin"}),
    "cc_manager": frozenset({"cc_manager", "admin"}),
}


def stream_id(ticket_id: str) -> str:
    return f"ticket-{ticket_id}"


@dataclass(frozen=True)
class Actor:
    """Who issues a command (from the token) and their roles."""

    staff_id: str
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_supervisor(self) -> bool:
        return bool(self.roles & SUPERVISOR_ROLES)


# --- commands -------------------------------------------------------------------------


@dataclass(frozen=True)
class OpenTicket:
    ticket_id: str
    kind: str
    channel: str
    subject: str
    by: Actor
    calendar: SiteCalendar
    description: str = ""
    complaint_level: int | None = None
    category: str | None = None
    renovation_unit: str | None = None
    customer_id: str | None = None


@dataclass(frozen=True)
class TransferTicket:
    from_agent: str
    to_agent: str
    reason: str
    by: Actor


@dataclass(frozen=True)
class RecordFirstResponse:
    by: Actor
    note: str = ""


@dataclass(frozen=True)
class PauseSla:
    reason: str
    waiting_on: Literal["customer", "third_party"]
    by: Actor
    calendar: SiteCalendar


@dataclass(frozen=True)
class ResumeSla:
    by: Actor
    calendar: SiteCalendar


@dataclass(frozen=True)
class MarkSlaBreached:
    """From the SLA timer: the deadline it was scheduled for."""

    due_at: datetime


@dataclass(frozen=True)
class EscalateTicket:
    reason: str
    by: Actor
    compensation_involved: bool = False
    agent_cannot_resolve: bool = False


@dataclass(frozen=True)
class TakeEscalation:
    by: Actor


@dataclass(frozen=True)
class RequestWorkOrder:
    location: str
    content: str
    requirements: str
    reply_by: datetime
    by: Actor
    asset_id: str | None = None
    fault_code: str | None = None


@dataclass(frozen=True)
class RecordWorkOrderProgress:
    """A dispatch work-order event concerning this ticket (CC-4)."""

    work_order_id: str
    serial_no: int
    status: str
    by: str
    at: datetime
    source_event_id: str
    detail: str = ""
    confirmed: bool | None = None


@dataclass(frozen=True)
class ResolveTicket:
    by: Actor
    note: str = ""


@dataclass(frozen=True)
class RecordCallback:
    reached: bool
    by: Actor
    satisfaction: int | None = None
    resolution_confirmed: bool | None = None
    note: str = ""
    # CC-5: the site's limit of unreachable attempts (CallcenterRules.callback_attempts).
    attempts_allowed: int = CallcenterRules().callback_attempts


@dataclass(frozen=True)
class CloseTicket:
    by: Actor
    invalid_complaint: bool = False


@dataclass(frozen=True)
class LinkCustomer:
    customer_id: str
    customer_site_id: str | None  # None: no such record
    by: Actor


@dataclass(frozen=True)
class MarkCustomerRecordMissing:
    """From the CC-7 timer: whether the linked record exists now."""

    due_at: datetime
    record_exists: bool


TicketCommand = (
    OpenTicket
    | TransferTicket
    | RecordFirstResponse
    | PauseSla
    | ResumeSla
    | MarkSlaBreached
    | EscalateTicket
    | TakeEscalation
    | RequestWorkOrder
    | RecordWorkOrderProgress
    | ResolveTicket
    | RecordCallback
    | CloseTicket
    | LinkCustomer
    | MarkCustomerRecordMissing
)


# --- state ----------------------------------------------------------------------------


def ticket_status(
    *,
    closed: bool,
    resolved: bool,
    escalated_to: str | None,
    work_order_open: bool,
    responded: bool,
) -> str:
    """One status word, shared by the decider and the list projection."""
    if closed:
        return "closed"
    if resolved:
        return "resolved"
    if escalated_to:
        return "escalated"
    if work_order_open:
        return "dispatched"
    return "in_progress" if responded else "open"


@dataclass(frozen=True)
class TicketState:
    ticket_id: str | None = None
    kind: str = ""
    channel: str = ""
    owner: str = ""
    month: str = ""
    complaint_level: int | None = None
    customer_id: str | None = None
    opened_at: datetime | None = None
    responded: bool = False
    sla_due_at: datetime | None = None
    sla_continuous: bool = False
    sla_paused: bool = False
    sla_remaining: timedelta | None = None
    sla_breached: bool = False
    calendar_id: str = ""
    escalated_to: str | None = None
    work_order_open: bool = False
    work_order_requested: bool = False
    work_order_id: str | None = None
    work_order_status: str | None = None
    resolved: bool = False
    callback_confirmed: bool = False
    callback_attempts: int = 0
    unreachable_attempts: int = 0
    satisfaction: int | None = None
    closed_outcome: str | None = None

    @property
    def exists(self) -> bool:
        return self.ticket_id is not None

    @property
    def closed(self) -> bool:
        return self.closed_outcome is not None

    @property
    def status(self) -> str:
        return ticket_status(
            closed=self.closed,
            resolved=self.resolved,
            escalated_to=self.escalated_to,
            work_order_open=self.work_order_open,
            responded=self.responded,
        )

    @property
    def sla_running(self) -> bool:
        return (
            self.exists
            and not self.responded
            and not self.sla_paused
            and not self.sla_breached
            and not self.closed
        )


def evolve(state: TicketState, event: RecordedEvent) -> TicketState:
    """Fold one ticket event into the state."""
    p = event.payload
    match event.event_type:
        case TicketOpened.event_type:
            e = TicketOpened.model_validate(p)
            return TicketState(
                ticket_id=e.ticket_id,
                kind=e.kind,
                channel=e.channel,
                owner=e.owner,
                month=e.month,
                complaint_level=e.complaint_level,
                customer_id=e.customer_id,
                opened_at=event.occurred_at,
                sla_due_at=e.first_response_due_at,
                sla_continuous=e.sla_continuous,
                calendar_id=e.calendar_id,
            )
        case TicketTransferred.event_type:
            return replace(state, owner=str(p["to_agent"]))
        case TicketFirstResponded.event_type:
            return replace(state, responded=True)
        case TicketSlaPaused.event_type:
            e2 = TicketSlaPaused.model_validate(p)
            return replace(
                state,
                sla_paused=True,
                sla_remaining=timedelta(seconds=e2.remaining_seconds),
                calendar_id=e2.calendar_id,
            )
        case TicketSlaResumed.event_type:
            e3 = TicketSlaResumed.model_validate(p)
            return replace(
                state,
                sla_paused=False,
                sla_remaining=None,
                sla_due_at=e3.first_response_due_at,
                calendar_id=e3.calendar_id,
            )
        case SlaBreached.event_type:
            return replace(state, sla_breached=True)
        case TicketEscalated.event_type:
            return replace(state, escalated_to=str(p["to_role"]))
        case TicketEscalationTaken.event_type:
            return replace(state, escalated_to=None, owner=str(p["taken_by"]))
        case WorkOrderRequested.event_type:
            return replace(
                state,
                work_order_open=True,
                work_order_requested=True,
                work_order_status="requested",
            )
        case TicketWorkOrderProgressed.event_type:
            return replace(
                state, work_order_id=str(p["work_order_id"]), work_order_status=str(p["status"])
            )
        case TicketResolved.event_type:
            return replace(
                state,
                resolved=True,
                work_order_open=False,
                escalated_to=None,
                callback_attempts=0,
                unreachable_attempts=0,
            )
        case TicketCallbackRecorded.event_type:
            e4 = TicketCallbackRecorded.model_validate(p)
            if not e4.reached:
                return replace(
                    state,
                    callback_attempts=e4.attempt,
                    unreachable_attempts=state.unreachable_attempts + 1,
                )
            confirmed = bool(e4.resolution_confirmed)
            return replace(
                state,
                callback_attempts=e4.attempt,
                satisfaction=e4.satisfaction,
                callback_confirmed=confirmed,
                # Not confirmed: the issue is not resolved after all; work goes on.
                resolved=confirmed,
            )
        case TicketCustomerLinked.event_type:
            return replace(state, customer_id=str(p["customer_id"]))
        case TicketClosed.event_type:
            return replace(state, closed_outcome=str(p["outcome"]), work_order_open=False)
        case _:
            return state


# --- decisions ------------------------------------------------------------------------


def first_response_deadline(
    kind: str, opened_at: datetime, calendar: SiteCalendar, complaint_level: int | None = None
) -> tuple[datetime, bool]:
    """CC-3: the deadline (per kind and complaint level) and whether it counts 7x24 time."""
    sla = calendar.rules(CallcenterRules).first_response(kind, complaint_level)
    if kind in CONTINUOUS_SLA_KINDS:
        return opened_at + sla, True
    return calendar.add_working_time(opened_at, sla), False


def _require_open(state: TicketState) -> None:
    if not state.exists:
        raise DomainError("NOT_FOUND", "ticket does not exist", status=404)
    if state.closed:
        raise DomainError(
            "CC-1", f"ticket {state.ticket_id} is closed", field="ticket_id", status=409
        )


def _require_owner_or_supervisor(state: TicketState, actor: Actor, what: str) -> None:
    # CC-1: the owner is responsible; a shift lead or manager may step in.
    if actor.staff_id != state.owner and not actor.is_supervisor:
        raise DomainError(
            "CC-1",
            f"only the owner ({state.owner}) or a shift lead/manager may {what}",
            status=403,
        )


class TicketDecider:
    """The ticket aggregate (CC-1 … CC-5, CC-7, CC-10)."""

    stream_type = STREAM_TYPE

    def initial_state(self) -> TicketState:
        return TicketState()

    def evolve(self, state: TicketState, event: RecordedEvent) -> TicketState:
        return evolve(state, event)

    def decide(
        self, state: TicketState, command: TicketCommand, now: datetime
    ) -> Sequence[EventPayload]:
        match command:
            case OpenTicket():
                return self._open(state, command, now)
            case TransferTicket():
                return self._transfer(state, command)
            case RecordFirstResponse():
                return self._first_response(state, command, now)
            case PauseSla():
                return self._pause(state, command, now)
            case ResumeSla():
                return self._resume(state, command, now)
            case MarkSlaBreached():
                return self._breach(state, command)
            case EscalateTicket():
                return self._escalate(state, command)
            case TakeEscalation():
                return self._take(state, command)
            case RequestWorkOrder():
                return self._request_work_order(state, command, now)
            case RecordWorkOrderProgress():
                return self._work_order_progress(state, command)
            case ResolveTicket():
                return self._resolve(state, command)
            case RecordCallback():
                return self._callback(state, command)
            case CloseTicket():
                return self._close(state, command)
            case LinkCustomer():
                return self._link_customer(state, command)
            case MarkCustomerRecordMissing():
                return self._record_missing(state, command)
        raise TypeError(f"unknown command {command!r}")

    def _open(self, state: TicketState, c: OpenTicket, now: datetime) -> list[EventPayload]:
        if state.exists:
            raise DomainError("CC-2", f"ticket {c.ticket_id} exists already", status=409)
        if c.kind not in KINDS:
            raise DomainError("CC-2", f"unknown ticket kind {c.kind!r}", field="kind")
        if c.kind == "complaint" and c.complaint_level is None:
            raise DomainError("CC-3", "a complaint carries a level 1-3", field="complaint_level")
        if c.kind != "complaint" and c.complaint_level is not None:
            raise DomainError("CC-2", "only complaints carry a level", field="complaint_level")
        # CC-10: a complaint about a neighbour's renovation names the unit.
        if c.kind == "complaint" and c.category == "renovation" and not c.renovation_unit:
            raise DomainError(
                "CC-10",
                "a renovation complaint must name the renovating unit",
                field="renovation_unit",
            )
        due, continuous = first_response_deadline(c.kind, now, c.calendar, c.complaint_level)
        return [
            TicketOpened(
                ticket_id=c.ticket_id,
                kind=c.kind,
                channel=c.channel,
                subject=c.subject,
                description=c.description,
                complaint_level=c.complaint_level,
                category=c.category,
                renovation_unit=c.renovation_unit,
                customer_id=c.customer_id,
                owner=c.by.staff_id,
                month=c.calendar.month(now),
                first_response_due_at=due,
                sla_continuous=continuous,
                calendar_id=c.calendar.calendar_id,
            )
        ]

    def _transfer(self, state: TicketState, c: TransferTicket) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None
        if c.from_agent != state.owner:
            raise DomainError(
                "CC-1",
                f"`from` must be the current owner ({state.owner}), not {c.from_agent}",
                field="from",
            )
        _require_owner_or_supervisor(state, c.by, "transfer the ticket")
        if c.to_agent == c.from_agent:
            raise DomainError("CC-1", "a transfer needs another agent", field="to")
        return [
            TicketTransferred(
                ticket_id=state.ticket_id,
                from_agent=c.from_agent,
                to_agent=c.to_agent,
                reason=c.reason,
            )
        ]

    def _first_response(
        self, state: TicketState, c: RecordFirstResponse, now: datetime
    ) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None
        _require_owner_or_supervisor(state, c.by, "respond")
        if state.responded:
            raise DomainError("CC-3", "the first response is recorded already", status=409)
        within = not state.sla_breached and (
            state.sla_paused or state.sla_due_at is None or now <= state.sla_due_at
        )
        return [
            TicketFirstResponded(
                ticket_id=state.ticket_id,
                responded_by=c.by.staff_id,
                note=c.note,
                within_sla=within,
            )
        ]

    def _pause(self, state: TicketState, c: PauseSla, now: datetime) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None and state.sla_due_at is not None
        _require_owner_or_supervisor(state, c.by, "pause the SLA clock")
        if not state.sla_running:
            raise DomainError(
                "CC-3",
                "the SLA clock is not running (answered, paused already or breached)",
                status=409,
            )
        if state.sla_continuous:
            remaining = max(state.sla_due_at - now, timedelta(0))
        else:
            remaining = c.calendar.working_time_between(now, state.sla_due_at)
        return [
            TicketSlaPaused(
                ticket_id=state.ticket_id,
                reason=c.reason,
                waiting_on=c.waiting_on,
                remaining_seconds=int(remaining.total_seconds()),
                calendar_id=c.calendar.calendar_id,
            )
        ]

    def _resume(self, state: TicketState, c: ResumeSla, now: datetime) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None
        _require_owner_or_supervisor(state, c.by, "resume the SLA clock")
        if not state.sla_paused or state.sla_remaining is None:
            raise DomainError("CC-3", "the SLA clock is not paused", status=409)
        if state.sla_continuous:
            due = now + state.sla_remaining
        else:
            due = c.calendar.add_working_time(now, state.sla_remaining)
        return [
            TicketSlaResumed(
                ticket_id=state.ticket_id,
                first_response_due_at=due,
                remaining_seconds=int(state.sla_remaining.total_seconds()),
                calendar_id=c.calendar.calendar_id,
            )
        ]

    def _breach(self, state: TicketState, c: MarkSlaBreached) -> list[EventPayload]:
        # A stale timer (moved by pause/resume, or answered meanwhile) emits nothing.
        if (
            not state.sla_running
            or state.sla_due_at is None
            or abs(state.sla_due_at - c.due_at) > timedelta(seconds=1)
        ):
            return []
        assert state.ticket_id is not None
        return [
            SlaBreached(
                ticket_id=state.ticket_id,
                kind=state.kind,
                owner=state.owner,
                due_at=c.due_at,
                month=state.month,
            )
        ]

    def _escalate(self, state: TicketState, c: EscalateTicket) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None
        if state.kind != "complaint" or state.complaint_level is None:
            raise DomainError("CC-3", "only complaints are escalated", field="kind")
        _require_owner_or_supervisor(state, c.by, "escalate")
        # CC-3 (002 客户投诉处理流程): levels 1-2 go to the shift lead; compensation or an
        # agent who cannot resolve it goes to the manager. Decision: level 3 (major) too.
        to_manager = c.compensation_involved or c.agent_cannot_resolve or state.complaint_level == 3
        to_role: Literal["shift_lead", "cc_manager"] = "cc_manager" if to_manager else "shift_lead"
        if state.escalated_to == to_role:
            raise DomainError("CC-3", f"already escalated to {to_role}", status=409)
        return [
            TicketEscalated(
                ticket_id=state.ticket_id,
                escalated_by=c.by.staff_id,
                to_role=to_role,
                reason=c.reason,
                compensation_involved=c.compensation_involved,
                agent_cannot_resolve=c.agent_cannot_resolve,
                complaint_level=state.complaint_level,
            )
        ]

    def _take(self, state: TicketState, c: TakeEscalation) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None
        role = state.escalated_to
        if role not in ("shift_lead", "cc_manager"):
            raise DomainError("CC-3", "the ticket is not escalated", status=409)
        if not c.by.roles & TAKERS[role]:
            raise DomainError("CC-3", f"this escalation must be taken by a {role}", status=403)
        return [
            TicketEscalationTaken(
                ticket_id=state.ticket_id,
                taken_by=c.by.staff_id,
                role=role,
                previous_owner=state.owner,
            )
        ]

    def _request_work_order(
        self, state: TicketState, c: RequestWorkOrder, now: datetime
    ) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None
        if state.kind not in WORK_ORDER_KINDS:
            raise DomainError(
                "CC-4", "only repairs and complaints needing on-site work", field="kind"
            )
        _require_owner_or_supervisor(state, c.by, "request a work order")
        if state.resolved:
            raise DomainError("CC-4", "the ticket is resolved already", status=409)
        if state.work_order_open:
            raise DomainError("CC-4", "a work order is already under way", status=409)
        if state.work_order_requested:
            # Dispatch keeps one request (and one order) per ticket: new on-site work
            # after an unconfirmed callback is a new ticket.
            raise DomainError(
                "CC-4",
                "this ticket had its work order; open a new ticket for further on-site work",
                status=409,
            )
        if c.reply_by <= now:
            raise DomainError("CC-4", "reply_by must be in the future", field="reply_by")
        return [
            WorkOrderRequested(
                ticket_id=state.ticket_id,
                kind=state.kind,
                location=c.location,
                content=c.content,
                requirements=c.requirements,
                reply_by=c.reply_by,
                asset_id=c.asset_id,
                fault_code=c.fault_code,
            )
        ]

    def _work_order_progress(
        self, state: TicketState, c: RecordWorkOrderProgress
    ) -> list[EventPayload]:
        if not state.exists:
            return []  # not one of ours: nothing to follow
        assert state.ticket_id is not None
        events: list[EventPayload] = [
            TicketWorkOrderProgressed(
                ticket_id=state.ticket_id,
                work_order_id=c.work_order_id,
                serial_no=c.serial_no,
                status=c.status,
                by=c.by,
                at=c.at,
                detail=c.detail,
                confirmed=c.confirmed,
                source_event_id=c.source_event_id,
            )
        ]
        # CC-4/CC-5: dispatch's confirmed callback resolves the ticket; ours must follow.
        if (
            c.status == "callback_recorded"
            and c.confirmed
            and not state.resolved
            and not state.closed
        ):
            events.append(
                TicketResolved(
                    ticket_id=state.ticket_id,
                    resolved_by=c.by,
                    via="work_order",
                    work_order_id=c.work_order_id,
                    note=c.detail,
                )
            )
        return events

    def _resolve(self, state: TicketState, c: ResolveTicket) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None
        _require_owner_or_supervisor(state, c.by, "resolve")
        if state.kind == "inquiry":
            raise DomainError("CC-5", "an inquiry is closed after its first response", field="kind")
        if state.resolved:
            raise DomainError("CC-5", "the ticket is resolved already", status=409)
        if not state.responded:
            raise DomainError(
                "CC-3", "record the first response before resolving", field="first_response"
            )
        if state.work_order_open:
            raise DomainError(
                "CC-4",
                "the work order decides: wait for dispatch's confirmed callback",
                status=409,
            )
        return [
            TicketResolved(
                ticket_id=state.ticket_id, resolved_by=c.by.staff_id, via="agent", note=c.note
            )
        ]

    def _callback(self, state: TicketState, c: RecordCallback) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None
        if not state.resolved:
            raise DomainError("CC-5", "a callback follows the resolution", field="ticket_id")
        if state.callback_confirmed:
            raise DomainError("CC-5", "the callback is recorded already", status=409)
        if c.reached:
            if c.satisfaction is None:
                raise DomainError("CC-5", "a reached customer rates 1-5", field="satisfaction")
            if c.resolution_confirmed is None:
                raise DomainError(
                    "CC-5", "say whether the customer confirms", field="resolution_confirmed"
                )
        elif c.satisfaction is not None or c.resolution_confirmed is not None:
            raise DomainError("CC-5", "an unreached customer gives no rating", field="satisfaction")
        attempt = state.callback_attempts + 1
        events: list[EventPayload] = [
            TicketCallbackRecorded(
                ticket_id=state.ticket_id,
                attempt=attempt,
                reached=c.reached,
                satisfaction=c.satisfaction,
                resolution_confirmed=c.resolution_confirmed,
                called_by=c.by.staff_id,
                note=c.note,
            )
        ]
        if not c.reached and state.unreachable_attempts + 1 >= c.attempts_allowed:
            events.append(
                TicketClosed(
                    ticket_id=state.ticket_id,
                    closed_by=c.by.staff_id,
                    outcome="callback_unreachable",
                    month=state.month,
                )
            )
        return events

    def _close(self, state: TicketState, c: CloseTicket) -> list[EventPayload]:
        _require_open(state)
        assert state.ticket_id is not None
        _require_owner_or_supervisor(state, c.by, "close")
        outcome: Literal["answered", "resolved", "invalid_complaint"]
        if c.invalid_complaint:
            # Decision: only a supervisor may rule a complaint invalid (excluded from CC-6).
            if state.kind != "complaint":
                raise DomainError("CC-6", "only complaints can be invalid", field="kind")
            if not c.by.is_supervisor:
                raise DomainError(
                    "CC-6", "only a shift lead or manager rules a complaint invalid", status=403
                )
            outcome = "invalid_complaint"
        elif state.kind == "inquiry":
            if not state.responded:
                raise DomainError(
                    "CC-5", "an inquiry closes after its first response", field="first_response"
                )
            outcome = "answered"
        else:
            if not state.resolved:
                raise DomainError("CC-5", "the ticket is not resolved", field="resolution")
            if not state.callback_confirmed:
                raise DomainError(
                    "CC-5",
                    "no callback recorded: a resolved ticket closes only after the customer "
                    "was called back and confirmed",
                    field="callback",
                )
            outcome = "resolved"
        return [
            TicketClosed(
                ticket_id=state.ticket_id,
                closed_by=c.by.staff_id,
                outcome=outcome,
                month=state.month,
            )
        ]

    def _link_customer(self, state: TicketState, c: LinkCustomer) -> list[EventPayload]:
        if not state.exists:
            raise DomainError("NOT_FOUND", "ticket does not exist", status=404)
        assert state.ticket_id is not None
        if c.customer_site_id is None:
            raise DomainError(
                "CC-7", f"customer record {c.customer_id} does not exist", field="customer_id"
            )
        if state.customer_id == c.customer_id:
            return []
        return [TicketCustomerLinked(ticket_id=state.ticket_id, customer_id=c.customer_id)]

    def _record_missing(
        self, state: TicketState, c: MarkCustomerRecordMissing
    ) -> list[EventPayload]:
        if not state.exists or c.record_exists:
            return []
        assert state.ticket_id is not None
        return [
            CustomerRecordMissing(ticket_id=state.ticket_id, due_at=c.due_at, owner=state.owner)
        ]
