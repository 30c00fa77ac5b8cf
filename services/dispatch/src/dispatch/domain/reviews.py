"""WO-7 end-of-day review: each unfinished order of the day needs a recorded reason.

Stream `end-of-day-review-<site>-<YYYY-MM-DD>`, stream type "EndOfDayReview". The review
needs the board, so `ReviewEndOfDay` is a workflow (`dispatch.handlers`) that reads it
and then runs `RecordReview` here; the reminder timer runs `RecordReviewDue`.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from opsledger.calendar import SiteCalendar
from opsledger.decider import Aggregate, DecisionContext, DueTimer, Event
from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import EndOfDayReviewRecorded

from dispatch.domain.private_events import EndOfDayReviewDue
from dispatch.domain.work_order.decide import blank

STREAM_TYPE: Final = "EndOfDayReview"
REMINDER_MINUTES_BEFORE_END_OF_DAY: Final = 10  # 000 第11篇 第八条: 下班前十分鐘
REMINDER_TIMER_KIND: Final = "work_order_end_of_day_review_due"


def stream_id(site_id: str, day: date) -> str:
    return f"end-of-day-review-{site_id}-{day.isoformat()}"


@dataclass(frozen=True)
class ReviewEndOfDay:
    """The dispatcher's review of a site-local day (HTTP); a workflow reads the board."""

    site_id: str
    day: date
    reasons: Mapping[str, str]


@dataclass(frozen=True)
class RecordReview:
    """The review with what the board said: orders still open, and the site's orders."""

    site_id: str
    day: date
    reasons: Mapping[str, str]
    unfinished: Collection[str] = field(default_factory=tuple)
    known: Collection[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class RecordReviewDue:
    """From the reminder timer (kind `work_order_end_of_day_review_due`)."""

    site_id: str
    day: date
    end_of_day: datetime


@dataclass(frozen=True)
class ReviewState:
    site_id: str = ""
    reviews: int = 0


def evolve(state: ReviewState, event: Event) -> ReviewState:
    reviewed = isinstance(event.payload, EndOfDayReviewRecorded)
    return ReviewState(event.site_id, state.reviews + int(reviewed))


def decide_review(command: RecordReview, ctx: DecisionContext) -> EndOfDayReviewRecorded:
    """The review event, or a WO-7 refusal naming every unfinished order without a reason.

    `unfinished`: the site's orders open at review time that were issued on or before
    the day; `known`: every order of the site (a reason for a finished one is harmless).
    """
    if command.day > ctx.site.local_date(ctx.now):
        raise DomainError("WO-7", f"{command.day} has not come yet at this site", field="date")
    unknown = sorted(set(command.reasons) - set(command.known))
    if unknown:
        raise DomainError(
            "WO-7", f"not work orders of this site: {', '.join(unknown)}", field="reasons"
        )
    without = sorted(wo for wo in command.unfinished if blank(command.reasons.get(wo)))
    if without:
        raise DomainError(
            "WO-7",
            f"each unfinished work order needs a reason; missing for: {', '.join(without)}",
            field="reasons",
        )
    reasons = command.reasons
    return EndOfDayReviewRecorded(
        local_date=command.day,
        reviewed_by=ctx.actor,
        reasons={wo: text.strip() for wo, text in sorted(reasons.items()) if not blank(text)},
    )


def decide(
    state: ReviewState, command: RecordReview | RecordReviewDue, ctx: DecisionContext
) -> Sequence[EventPayload]:
    match command:
        case RecordReview():
            return [decide_review(command, ctx)]
        case RecordReviewDue():
            return [EndOfDayReviewDue(local_date=command.day, end_of_day=command.end_of_day)]


def reminder(site: SiteCalendar, now: datetime) -> dict[str, Any] | None:
    """WO-7: the timer of a reminder 10 minutes before end of day, on days orders are
    issued (the issue workflow schedules it: it needs the site calendar)."""
    day = site.local_date(now)
    end = site.end_of_day(day)
    due = end - timedelta(minutes=REMINDER_MINUTES_BEFORE_END_OF_DAY)
    if due <= now:
        return None
    return {
        "timer_id": f"end-of-day-review-{site.site_id}-{day.isoformat()}",
        "kind": REMINDER_TIMER_KIND,
        "stream_id": stream_id(site.site_id, day),
        "due_at": due.astimezone(UTC),  # timers are stored as UTC instants
        "payload": {"local_date": day.isoformat(), "end_of_day": end.astimezone(UTC).isoformat()},
    }


def next_midnight(site: SiteCalendar, day: date) -> datetime:
    """The instant the site-local `day` ends (UTC: SQLite compares stored instants as text)."""
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), site.zone).astimezone(UTC)


def _due(timer: DueTimer) -> RecordReviewDue:
    day = date.fromisoformat(str(timer.payload["local_date"]))
    end = datetime.fromisoformat(str(timer.payload["end_of_day"]))
    return RecordReviewDue(timer.site_id, day, end)


def _stream(command: RecordReview | RecordReviewDue) -> str:
    return stream_id(command.site_id, command.day)


END_OF_DAY_REVIEW: Aggregate[ReviewState, RecordReview | RecordReviewDue] = Aggregate(
    stream_type=STREAM_TYPE,
    initial=ReviewState(),
    evolve=evolve,
    decide=decide,
    stream_id=_stream,
    commands={RecordReview: SYSTEM_ONLY, RecordReviewDue: SYSTEM_ONLY},
    creates=frozenset({RecordReview, RecordReviewDue}),
    timers={REMINDER_TIMER_KIND: _due},
    timer_actors={REMINDER_TIMER_KIND: "dispatch.review"},
)
