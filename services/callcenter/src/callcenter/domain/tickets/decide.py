"""Ticket decisions (CC-1 … CC-5, CC-7, CC-10): pure, over the state and the context."""

from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any, Literal

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import (
    CustomerRecordMissing,
    TicketCustomerLinked,
    TicketEscalated,
    TicketEscalationTaken,
    TicketOpened,
    TicketTransferred,
)

from callcenter.domain.rules import CallcenterRules
from callcenter.domain.tickets import closing, sla
from callcenter.domain.tickets import commands as c
from callcenter.domain.tickets.guards import MANAGERS, acting, open_ticket, require_customer
from callcenter.domain.tickets.state import TicketState

KINDS: tuple[str, ...] = ("inquiry", "complaint", "repair", "service_request", "emergency")
# CC-3 (rev.): escalations go to the call-center manager (escalations to the shift lead
# recorded before the revision can still be taken).
MANAGER_ROLE: Literal["cc_manager"] = "cc_manager"
# Who may take an escalation that needs a given role (CC-3): a manager outranks a lead.
TAKERS: dict[str, frozenset[str]] = {
    "shift_lead": frozenset({"shift_lead", "cc_manager", "admin"}),
    "cc_manager": MANAGERS,
}


def _start(state: TicketState, start: c.StartTicket, ctx: DecisionContext) -> list[EventPayload]:
    cmd = start.contact
    if cmd.customer_id is not None:
        require_customer(cmd.customer_id, start.customer_site_id, cmd.site_id)
    if state.exists:
        raise DomainError("CC-2", f"ticket {start.ticket_id} exists already", status=409)
    if cmd.kind not in KINDS:
        raise DomainError("CC-2", f"unknown ticket kind {cmd.kind!r}", field="kind")
    if cmd.kind == "complaint" and cmd.complaint_level is None:
        raise DomainError("CC-3", "a complaint carries a level 1-3", field="complaint_level")
    if cmd.kind != "complaint" and cmd.complaint_level is not None:
        raise DomainError("CC-2", "only complaints carry a level", field="complaint_level")
    # CC-10: a complaint about a neighbour's renovation names the unit.
    if cmd.kind == "complaint" and cmd.category == "renovation" and not cmd.renovation_unit:
        raise DomainError(
            "CC-10", "a renovation complaint must name the renovating unit", field="renovation_unit"
        )
    # CC-3 (rev.): 24 h on the kind's SLA calendar, 24/7 unless the site chose working days.
    first_response = ctx.rules(CallcenterRules).first_response(cmd.kind, cmd.complaint_level)
    clock = sla.sla_clock(cmd.kind, ctx.site)
    # CC-7: a customer record must exist within 24 h (per site) of the first contact.
    record_hours = ctx.rules(CallcenterRules).customer_record_hours
    opened: list[EventPayload] = [
        TicketOpened(
            ticket_id=start.ticket_id,
            kind=cmd.kind,
            channel=cmd.channel,
            subject=cmd.subject,
            description=cmd.description,
            complaint_level=cmd.complaint_level,
            category=cmd.category,
            renovation_unit=cmd.renovation_unit,
            customer_id=cmd.customer_id,
            owner=ctx.actor,
            month=ctx.site.month(ctx.now),
            first_response_due_at=clock.add(ctx.now, first_response),
            sla_continuous=clock.continuous,
            calendar_id=clock.calendar_id,
            customer_record_due_at=ctx.now + timedelta(hours=record_hours),
        )
    ]
    if cmd.kind == "complaint" and cmd.complaint_level == 3:
        # CC-3 (rev.): a major (level 3) complaint goes to the manager from the start.
        opened.append(
            TicketEscalated(
                ticket_id=start.ticket_id,
                escalated_by=ctx.actor,
                to_role=MANAGER_ROLE,
                reason="level 3 (major) complaint",
                compensation_involved=False,
                agent_cannot_resolve=False,
                complaint_level=3,
            )
        )
    return opened


def _transfer(s: TicketState, cmd: c.TransferTicket, ctx: DecisionContext) -> list[EventPayload]:
    ticket_id = open_ticket(s)
    if cmd.from_agent != s.owner:
        raise DomainError(
            "CC-1",
            f"`from` must be the current owner ({s.owner}), not {cmd.from_agent}",
            field="from",
        )
    acting(s, ctx, "transfer the ticket")
    if cmd.to_agent == cmd.from_agent:
        raise DomainError("CC-1", "a transfer needs another agent", field="to")
    if not cmd.reason.strip():
        raise DomainError("CC-1", "a transfer names its reason", field="reason")
    return [
        TicketTransferred(
            ticket_id=ticket_id, from_agent=cmd.from_agent, to_agent=cmd.to_agent, reason=cmd.reason
        )
    ]


def _escalate(s: TicketState, cmd: c.EscalateTicket, ctx: DecisionContext) -> list[EventPayload]:
    ticket_id = open_ticket(s)
    if s.kind != "complaint" or s.complaint_level is None:
        raise DomainError("CC-3", "only complaints are escalated", field="kind")
    acting(s, ctx, "escalate")
    # CC-3 (rev., 002 客户投诉处理流程): 「一般性客诉,客服专员跟踪解决」 — a general complaint
    # stays with the owning agent; compensation, level 3 or "cannot resolve" go to the manager.
    if not (cmd.compensation_involved or cmd.agent_cannot_resolve or s.complaint_level == 3):
        raise DomainError(
            "CC-3",
            "a general complaint stays with the owning agent: only compensation, level 3 or "
            "an agent who cannot resolve it goes to the manager",
        )
    if s.escalated_to == MANAGER_ROLE:
        raise DomainError("CC-3", f"already escalated to {MANAGER_ROLE}", status=409)
    return [
        TicketEscalated(
            ticket_id=ticket_id,
            escalated_by=ctx.actor,
            to_role=MANAGER_ROLE,
            reason=cmd.reason,
            compensation_involved=cmd.compensation_involved,
            agent_cannot_resolve=cmd.agent_cannot_resolve,
            complaint_level=s.complaint_level,
        )
    ]


def _take(s: TicketState, cmd: c.TakeEscalation, ctx: DecisionContext) -> list[EventPayload]:
    ticket_id = open_ticket(s)
    role = s.escalated_to
    if role not in ("shift_lead", "cc_manager"):
        raise DomainError("CC-3", "the ticket is not escalated", status=409)
    if not ctx.roles & TAKERS[role]:
        raise DomainError("CC-3", f"this escalation must be taken by a {role}", status=403)
    return [
        TicketEscalationTaken(
            ticket_id=ticket_id, taken_by=ctx.actor, role=role, previous_owner=s.owner
        )
    ]


def _attach(s: TicketState, cmd: c.AttachCustomer, ctx: DecisionContext) -> list[EventPayload]:
    if s.ticket_id is None:
        raise DomainError("NOT_FOUND", "ticket does not exist", status=404)
    require_customer(cmd.customer_id, cmd.customer_site_id, s.site_id)
    if s.customer_id == cmd.customer_id:
        return []
    return [TicketCustomerLinked(ticket_id=s.ticket_id, customer_id=cmd.customer_id)]


def _record_missing(
    s: TicketState, cmd: c.MarkCustomerRecordMissing, ctx: DecisionContext
) -> list[EventPayload]:
    # A linked record was checked to exist at its site when it was linked.
    if s.ticket_id is None or s.customer_id is not None:
        return []
    return [CustomerRecordMissing(ticket_id=s.ticket_id, due_at=cmd.due_at, owner=s.owner)]


Decision = Callable[[TicketState, Any, DecisionContext], list[EventPayload]]
DECISIONS: dict[type[Any], Decision] = {
    c.StartTicket: _start,
    c.TransferTicket: _transfer,
    c.RecordFirstResponse: sla.first_response,
    c.PauseSla: sla.pause,
    c.ResumeSla: sla.resume,
    c.MarkSlaBreached: sla.breach,
    c.EscalateTicket: _escalate,
    c.TakeEscalation: _take,
    c.RequestWorkOrder: closing.request_work_order,
    c.RecordWorkOrderProgress: closing.work_order_progress,
    c.ResolveTicket: closing.resolve,
    c.RecordCallback: closing.callback,
    c.RecordSatisfactionSurvey: closing.survey,
    c.CloseTicket: closing.close,
    c.AttachCustomer: _attach,
    c.MarkCustomerRecordMissing: _record_missing,
}


def decide(
    state: TicketState, command: c.TicketCommand, ctx: DecisionContext
) -> Sequence[EventPayload]:
    return DECISIONS[type(command)](state, command, ctx)
