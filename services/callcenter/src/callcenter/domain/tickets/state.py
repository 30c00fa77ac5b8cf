"""The ticket's state and how each event changes it (one typed `match`)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from opsledger.decider import Event, changed
from opsledger_contracts.events.callcenter import (
    CustomerRecordMissing,
    SatisfactionSurveyRecorded,
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

# Work-order steps at which the on-site service is done (CC-6: the survey may follow).
WORK_DONE: frozenset[str] = frozenset({"completed", "signed_off", "callback_recorded", "archived"})


@dataclass(frozen=True, slots=True)
class TicketState:
    ticket_id: str | None = None
    site_id: str = ""
    kind: str = ""
    channel: str = ""
    subject: str = ""
    owner: str = ""
    month: str = ""
    responded: bool = False
    complaint_level: int | None = None
    customer_id: str | None = None
    sla_continuous: bool = False
    opened_at: datetime | None = None
    updated_at: datetime | None = None
    sla_due_at: datetime | None = None
    sla_paused: bool = False
    sla_remaining: timedelta | None = None
    sla_breached: bool = False
    calendar_id: str = ""
    escalated_to: str | None = None
    work_order_open: bool = False
    work_order_requested: bool = False
    work_order_id: str | None = None
    work_order_status: str | None = None
    work_order_overdue: bool = False
    repeat_repair: bool = False
    resolved: bool = False
    ever_resolved: bool = False
    callback_confirmed: bool = False
    callback_attempts: int = 0
    unreachable_attempts: int = 0
    satisfaction: int | None = None
    # CC-6: the service was completed (resolved, the work order done, or answered).
    service_completed: bool = False
    survey_overall: int | None = None
    customer_record_missing: bool = False
    closed_outcome: str | None = None
    closed_at: datetime | None = None

    @property
    def exists(self) -> bool:
        return self.ticket_id is not None

    @property
    def closed(self) -> bool:
        return self.closed_outcome is not None

    @property
    def status(self) -> str:
        if self.closed:
            return "closed"
        if self.resolved:
            return "resolved"
        if self.escalated_to:
            return "escalated"
        if self.work_order_open:
            return "dispatched"
        return "in_progress" if self.responded else "open"

    @property
    def sla_running(self) -> bool:
        return (
            self.exists
            and not self.responded
            and not self.sla_paused
            and not self.sla_breached
            and not self.closed
        )


def evolve(state: TicketState, event: Event) -> TicketState:
    """Fold one ticket event into the state."""
    state = changed(state, updated_at=event.occurred_at)
    match event.payload:
        case TicketOpened() as e:
            return TicketState(
                ticket_id=e.ticket_id,
                site_id=event.site_id,
                kind=e.kind,
                channel=e.channel,
                subject=e.subject,
                owner=e.owner,
                month=e.month,
                complaint_level=e.complaint_level,
                customer_id=e.customer_id,
                opened_at=event.occurred_at,
                updated_at=event.occurred_at,
                sla_due_at=e.first_response_due_at,
                sla_continuous=e.sla_continuous,
                calendar_id=e.calendar_id,
            )
        case TicketTransferred(to_agent=to_agent):
            return changed(state, owner=to_agent)
        case TicketFirstResponded():
            return changed(state, responded=True)
        case TicketSlaPaused() as e:
            return changed(
                state,
                sla_paused=True,
                sla_remaining=timedelta(seconds=e.remaining_seconds),
                calendar_id=e.calendar_id,
            )
        case TicketSlaResumed() as e:
            return changed(
                state,
                sla_paused=False,
                sla_remaining=None,
                sla_due_at=e.first_response_due_at,
                calendar_id=e.calendar_id,
            )
        case SlaBreached():
            return changed(state, sla_breached=True)
        case TicketEscalated(to_role=to_role):
            return changed(state, escalated_to=to_role)
        case TicketEscalationTaken(taken_by=taken_by):
            return changed(state, escalated_to=None, owner=taken_by)
        case WorkOrderRequested():
            return changed(
                state,
                work_order_open=True,
                work_order_requested=True,
                work_order_status="requested",
            )
        case TicketWorkOrderProgressed(work_order_id=work_order_id, status=status):
            return changed(
                state,
                service_completed=state.service_completed or status in WORK_DONE,
                work_order_id=work_order_id,
                work_order_status=status,
                work_order_overdue=state.work_order_overdue or status == "overdue",
                repeat_repair=state.repeat_repair or status == "repeat_repair",
            )
        case TicketResolved():
            return changed(
                state,
                resolved=True,
                ever_resolved=True,
                service_completed=True,
                work_order_open=False,
                escalated_to=None,
                callback_attempts=0,
                unreachable_attempts=0,
            )
        case TicketCallbackRecorded(reached=False, attempt=attempt):
            return changed(
                state,
                callback_attempts=attempt,
                unreachable_attempts=state.unreachable_attempts + 1,
            )
        case TicketCallbackRecorded() as e:
            confirmed = bool(e.resolution_confirmed)
            return changed(
                state,
                callback_attempts=e.attempt,
                satisfaction=e.satisfaction,
                callback_confirmed=confirmed,
                # Not confirmed: the issue is not resolved after all; work goes on.
                resolved=confirmed,
            )
        case TicketCustomerLinked(customer_id=customer_id):
            return changed(state, customer_id=customer_id)
        case CustomerRecordMissing():
            return changed(state, customer_record_missing=True)
        case TicketClosed(outcome=outcome):
            return changed(
                state,
                closed_outcome=outcome,
                closed_at=event.occurred_at,
                work_order_open=False,
                service_completed=state.service_completed or outcome == "answered",
            )
        case SatisfactionSurveyRecorded(overall=overall):
            return changed(state, survey_overall=overall)
    return state
