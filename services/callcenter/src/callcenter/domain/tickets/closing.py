"""CC-4 and CC-5: the work order, resolution, callbacks and closing."""

from dataclasses import asdict
from typing import Literal

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import (
    SatisfactionSurveyRecorded,
    TicketCallbackRecorded,
    TicketClosed,
    TicketResolved,
    TicketWorkOrderProgressed,
    WorkOrderRequested,
)

from callcenter.domain.rules import CallcenterRules
from callcenter.domain.tickets import commands as c
from callcenter.domain.tickets.guards import MANAGERS, acting, is_supervisor, open_ticket
from callcenter.domain.tickets.state import TicketState

# Kinds that need on-site work through dispatch (CC-4).
WORK_ORDER_KINDS: frozenset[str] = frozenset({"repair", "complaint"})


def request_work_order(
    s: TicketState, cmd: c.RequestWorkOrder, ctx: DecisionContext
) -> list[EventPayload]:
    open_ticket(s)
    if s.kind not in WORK_ORDER_KINDS:
        raise DomainError("CC-4", "only repairs and complaints needing on-site work", field="kind")
    acting(s, ctx, "request a work order")
    if s.resolved:
        raise DomainError("CC-4", "the ticket is resolved already", status=409)
    if s.work_order_open:
        raise DomainError("CC-4", "a work order is already under way", status=409)
    if s.work_order_requested:
        # Dispatch keeps one request (and one order) per ticket: new on-site work after an
        # unconfirmed callback is a new ticket.
        raise DomainError(
            "CC-4",
            "this ticket had its work order; open a new ticket for further on-site work",
            status=409,
        )
    if cmd.reply_by <= ctx.now:
        raise DomainError("CC-4", "reply_by must be in the future", field="reply_by")
    return [WorkOrderRequested(kind=s.kind, **asdict(cmd))]


def work_order_progress(
    s: TicketState, cmd: c.RecordWorkOrderProgress, ctx: DecisionContext
) -> list[EventPayload]:
    if s.ticket_id is None:
        return []  # not one of ours: nothing to follow
    events: list[EventPayload] = [
        TicketWorkOrderProgressed(
            ticket_id=s.ticket_id,
            work_order_id=cmd.work_order_id,
            serial_no=cmd.serial_no,
            status=cmd.status,
            by=cmd.by,
            at=cmd.at,
            detail=cmd.detail,
            confirmed=cmd.confirmed,
            source_event_id=cmd.source_event_id,
        )
    ]
    # CC-4/CC-5: dispatch's confirmed callback resolves the ticket; ours must follow.
    if cmd.status == "callback_recorded" and cmd.confirmed and not s.resolved and not s.closed:
        events.append(
            TicketResolved(
                ticket_id=s.ticket_id,
                resolved_by=cmd.by,
                via="work_order",
                work_order_id=cmd.work_order_id,
                note=cmd.detail,
            )
        )
    return events


def resolve(s: TicketState, cmd: c.ResolveTicket, ctx: DecisionContext) -> list[EventPayload]:
    ticket_id = acting(s, ctx, "resolve")
    if s.kind == "inquiry":
        raise DomainError("CC-5", "an inquiry is closed after its first response", field="kind")
    if s.resolved:
        raise DomainError("CC-5", "the ticket is resolved already", status=409)
    if not s.responded:
        raise DomainError(
            "CC-3", "record the first response before resolving", field="first_response"
        )
    if s.work_order_open:
        raise DomainError(
            "CC-4", "the work order decides: wait for dispatch's confirmed callback", status=409
        )
    if s.escalated_to == "cc_manager" and not ctx.roles & MANAGERS:
        raise DomainError(
            "CC-3", "the complaint is escalated to the manager: the manager resolves it", status=403
        )
    return [TicketResolved(ticket_id=ticket_id, resolved_by=ctx.actor, via="agent", note=cmd.note)]


def callback(s: TicketState, cmd: c.RecordCallback, ctx: DecisionContext) -> list[EventPayload]:
    ticket_id = open_ticket(s)
    if not s.resolved:
        raise DomainError("CC-5", "a callback follows the resolution", field="ticket_id")
    if s.callback_confirmed:
        raise DomainError("CC-5", "the callback is recorded already", status=409)
    if cmd.reached:
        if cmd.satisfaction is None:
            raise DomainError("CC-5", "a reached customer rates 1-5", field="satisfaction")
        if cmd.resolution_confirmed is None:
            raise DomainError(
                "CC-5", "say whether the customer confirms", field="resolution_confirmed"
            )
    elif cmd.satisfaction is not None or cmd.resolution_confirmed is not None:
        raise DomainError("CC-5", "an unreached customer gives no rating", field="satisfaction")
    events: list[EventPayload] = [
        TicketCallbackRecorded(
            ticket_id=ticket_id,
            attempt=s.callback_attempts + 1,
            reached=cmd.reached,
            satisfaction=cmd.satisfaction,
            resolution_confirmed=cmd.resolution_confirmed,
            called_by=ctx.actor,
            note=cmd.note,
        )
    ]
    # CC-5: the site's limit of unreachable attempts, then close as unreachable.
    allowed = ctx.rules(CallcenterRules).callback_attempts
    if not cmd.reached and s.unreachable_attempts + 1 >= allowed:
        events.append(
            TicketClosed(
                ticket_id=ticket_id,
                closed_by=ctx.actor,
                outcome="callback_unreachable",
                month=s.month,
            )
        )
    return events


def close(s: TicketState, cmd: c.CloseTicket, ctx: DecisionContext) -> list[EventPayload]:
    ticket_id = acting(s, ctx, "close")
    outcome: Literal["answered", "resolved", "invalid_complaint"]
    if cmd.invalid_complaint:
        # Decision: only a supervisor may rule a complaint invalid (excluded from CC-6).
        if s.kind != "complaint":
            raise DomainError("CC-6", "only complaints can be invalid", field="kind")
        if not is_supervisor(ctx):
            raise DomainError(
                "CC-6", "only a shift lead or manager rules a complaint invalid", status=403
            )
        outcome = "invalid_complaint"
    elif s.kind == "inquiry":
        if not s.responded:
            raise DomainError(
                "CC-5", "an inquiry closes after its first response", field="first_response"
            )
        outcome = "answered"
    else:
        if not s.resolved:
            raise DomainError("CC-5", "the ticket is not resolved", field="resolution")
        if not s.callback_confirmed:
            raise DomainError(
                "CC-5",
                "no callback recorded: a resolved ticket closes only after the customer "
                "was called back and confirmed",
                field="callback",
            )
        outcome = "resolved"
    return [TicketClosed(ticket_id=ticket_id, closed_by=ctx.actor, outcome=outcome, month=s.month)]


def survey(
    s: TicketState, cmd: c.RecordSatisfactionSurvey, ctx: DecisionContext
) -> list[EventPayload]:
    """CC-6 (rev.): the customer's survey form, once, after the service was completed."""
    if s.ticket_id is None:
        raise DomainError("NOT_FOUND", "ticket does not exist", status=404)
    if not s.service_completed:
        raise DomainError("CC-6", "the survey form follows a completed service", field="ticket_id")
    if s.survey_overall is not None:
        raise DomainError("CC-6", "the survey form is recorded already", status=409)
    if not 1 <= cmd.overall <= 5:
        raise DomainError("CC-6", "overall satisfaction is 1-5", field="overall")
    if any(not 1 <= score <= 5 for score in cmd.scores.values()):
        raise DomainError("CC-6", "every score is 1-5", field="scores")
    return [
        SatisfactionSurveyRecorded(
            ticket_id=s.ticket_id,
            overall=cmd.overall,
            scores=dict(cmd.scores),
            comments=cmd.comments,
            recorded_by=ctx.actor,
            month=s.month,
        )
    ]
