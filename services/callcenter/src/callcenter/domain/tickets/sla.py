"""CC-3: the first-response deadline, its pause and resume, the breach."""

from datetime import datetime, timedelta

from opsledger.calendar import DeadlineClock, SiteCalendar
from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import (
    SlaBreached,
    TicketFirstResponded,
    TicketSlaPaused,
    TicketSlaResumed,
)

from callcenter.domain.rules import CallcenterRules
from callcenter.domain.tickets import commands as c
from callcenter.domain.tickets.guards import acting
from callcenter.domain.tickets.state import TicketState


def sla_clock(kind: str, calendar: SiteCalendar) -> DeadlineClock:
    """CC-3 (rev.): the site's SLA calendar of a kind, 24/7 unless the site says otherwise."""
    return calendar.clock(calendar.rules(CallcenterRules).sla_calendar(kind))


def ticket_clock(s: TicketState, calendar: SiteCalendar) -> DeadlineClock:
    """The calendar the ticket's deadline was opened on (kept if the site changes later)."""
    return calendar.clock("24x7" if s.sla_continuous else "working_days")


def first_response_deadline(
    kind: str, opened_at: datetime, calendar: SiteCalendar, complaint_level: int | None = None
) -> tuple[datetime, bool]:
    """CC-3: the deadline (per kind and complaint level) and whether it counts 7x24 time."""
    sla = calendar.rules(CallcenterRules).first_response(kind, complaint_level)
    clock = sla_clock(kind, calendar)
    return clock.add(opened_at, sla), clock.continuous


def first_response(
    s: TicketState, cmd: c.RecordFirstResponse, ctx: DecisionContext
) -> list[EventPayload]:
    ticket_id = acting(s, ctx, "respond")
    if s.responded:
        raise DomainError("CC-3", "the first response is recorded already", status=409)
    within = not s.sla_breached and (
        s.sla_paused or s.sla_due_at is None or ctx.now <= s.sla_due_at
    )
    return [
        TicketFirstResponded(
            ticket_id=ticket_id, responded_by=ctx.actor, note=cmd.note, within_sla=within
        )
    ]


def pause(s: TicketState, cmd: c.PauseSla, ctx: DecisionContext) -> list[EventPayload]:
    ticket_id = acting(s, ctx, "pause the SLA clock")
    if not s.sla_running or s.sla_due_at is None:
        raise DomainError(
            "CC-3",
            "the SLA clock is not running (answered, paused already or breached)",
            status=409,
        )
    clock = ticket_clock(s, ctx.site)
    remaining = clock.between(ctx.now, s.sla_due_at)
    return [
        TicketSlaPaused(
            ticket_id=ticket_id,
            reason=cmd.reason,
            waiting_on=cmd.waiting_on,
            remaining_seconds=int(remaining.total_seconds()),
            calendar_id=clock.calendar_id,
        )
    ]


def resume(s: TicketState, cmd: c.ResumeSla, ctx: DecisionContext) -> list[EventPayload]:
    ticket_id = acting(s, ctx, "resume the SLA clock")
    if not s.sla_paused or s.sla_remaining is None:
        raise DomainError("CC-3", "the SLA clock is not paused", status=409)
    clock = ticket_clock(s, ctx.site)
    due = clock.add(ctx.now, s.sla_remaining)
    return [
        TicketSlaResumed(
            ticket_id=ticket_id,
            first_response_due_at=due,
            remaining_seconds=int(s.sla_remaining.total_seconds()),
            calendar_id=clock.calendar_id,
        )
    ]


def breach(s: TicketState, cmd: c.MarkSlaBreached, ctx: DecisionContext) -> list[EventPayload]:
    # A stale timer (moved by pause/resume, or answered meanwhile) emits nothing.
    if (
        s.ticket_id is None
        or not s.sla_running
        or s.sla_due_at is None
        or abs(s.sla_due_at - cmd.due_at) > timedelta(seconds=1)
    ):
        return []
    return [
        SlaBreached(
            ticket_id=s.ticket_id, kind=s.kind, owner=s.owner, due_at=cmd.due_at, month=s.month
        )
    ]
