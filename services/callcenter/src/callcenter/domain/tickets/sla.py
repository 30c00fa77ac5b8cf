"""CC-3: the first-response deadline, its pause and resume, the breach."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Protocol

from opsledger.calendar import SiteCalendar
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


class SlaClock(Protocol):
    """What a first-response deadline is counted on."""

    @property
    def continuous(self) -> bool: ...
    @property
    def calendar_id(self) -> str: ...
    def add(self, start: datetime, duration: timedelta) -> datetime: ...
    def between(self, start: datetime, end: datetime) -> timedelta: ...


@dataclass(frozen=True)
class WorkingHoursClock:
    """CC-3 (rev.): a kind a site moves to the working-day calendar counts the site's
    working hours of each working day (holidays, make-up days from the site calendar),
    not the whole 24 hours of it."""

    site: SiteCalendar
    start: time
    end: time

    continuous = False

    @property
    def calendar_id(self) -> str:
        return self.site.calendar_id

    def _open_hours(self, day: datetime) -> tuple[datetime, datetime] | None:
        if not self.site.is_working_day(day.date()):
            return None
        zone = self.site.zone
        return datetime.combine(day.date(), self.start, zone), datetime.combine(
            day.date(), self.end, zone
        )

    def add(self, start: datetime, duration: timedelta) -> datetime:
        if duration < timedelta(0):
            raise ValueError("duration must be >= 0")
        cursor, left = self.site.local(start), duration
        for _ in range(3660):  # ten years of days: a bound, not a limit anyone reaches
            hours = self._open_hours(cursor)
            if hours is not None and hours[1] > cursor:
                begin = max(hours[0], cursor)
                if left <= hours[1] - begin:
                    return (begin + left).astimezone(start.tzinfo)
                left -= hours[1] - begin
            cursor = datetime.combine(cursor.date() + timedelta(days=1), time(), self.site.zone)
        raise ValueError("no working hours found within ten years")

    def between(self, start: datetime, end: datetime) -> timedelta:
        total, cursor, stop = timedelta(0), self.site.local(start), self.site.local(end)
        while cursor < stop:
            hours = self._open_hours(cursor)
            if hours is not None:
                total += max(min(hours[1], stop) - max(hours[0], cursor), timedelta(0))
            cursor = datetime.combine(cursor.date() + timedelta(days=1), time(), self.site.zone)
        return total


def _clock(continuous: bool, calendar: SiteCalendar) -> SlaClock:
    if continuous:
        return calendar.clock("24x7")
    hours = calendar.rules(CallcenterRules).working_hours
    return WorkingHoursClock(calendar, hours.start, hours.end)


def sla_clock(kind: str, calendar: SiteCalendar) -> SlaClock:
    """CC-3 (rev.): the site's SLA calendar of a kind, 24/7 unless the site says otherwise."""
    return _clock(calendar.rules(CallcenterRules).sla_calendar(kind) == "24x7", calendar)


def ticket_clock(s: TicketState, calendar: SiteCalendar) -> SlaClock:
    """The calendar the ticket's deadline was opened on (kept if the site changes later)."""
    return _clock(s.sla_continuous, calendar)


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
