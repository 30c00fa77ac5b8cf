"""WO-7 end-of-day review: each order unfinished at the day's end needs a recorded reason.

Stream `end-of-day-review-<site>-<YYYY-MM-DD>`, stream type "EndOfDayReview". The review
needs the board, so `ReviewEndOfDay` is a workflow (`dispatch.handlers`) that reads it
and then runs `RecordReview` here. The timers (`review_calendar`): the reminder runs
`RecordReviewDue`, the end of day `RecordReviewMissed` (WO-7 rev.: a day that had open
orders and no recorded review is itself an event, `EndOfDayReviewMissed`).
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from opsledger.decider import Aggregate, DecisionContext, DueTimer, Event
from opsledger.errors import DomainError
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from opsledger_contracts.events.dispatch import EndOfDayReviewMissed, EndOfDayReviewRecorded

from dispatch.domain.private_events import EndOfDayReviewDue
from dispatch.domain.review_calendar import (
    MISSED_TIMER_KIND,
    REMINDER_MINUTES_BEFORE_END_OF_DAY,
    REMINDER_TIMER_KIND,
    review_stream_id,
)
from dispatch.domain.work_order.checks import blank

__all__ = ["END_OF_DAY_REVIEW", "REMINDER_MINUTES_BEFORE_END_OF_DAY", "REMINDER_TIMER_KIND"]

STREAM_TYPE: Final = "EndOfDayReview"
stream_id = review_stream_id


@dataclass(frozen=True)
class ReviewEndOfDay:
    """The dispatcher's review of a site-local day (HTTP); a workflow reads the board."""

    site_id: str
    day: date
    reasons: Mapping[str, str]


@dataclass(frozen=True)
class RecordReview:
    """The review with what the board said: orders open at the day's end, and which of
    the named orders are the site's."""

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
class RecordReviewMissed:
    """From the end-of-day timer (kind `work_order_end_of_day_review_missed`)."""

    site_id: str
    day: date
    end_of_day: datetime


ReviewCommand = RecordReview | RecordReviewDue | RecordReviewMissed


@dataclass(frozen=True)
class ReviewState:
    site_id: str = ""
    reviews: int = 0
    missed: bool = False


def evolve(state: ReviewState, event: Event) -> ReviewState:
    reviewed = isinstance(event.payload, EndOfDayReviewRecorded)
    missed = state.missed or isinstance(event.payload, EndOfDayReviewMissed)
    return ReviewState(event.site_id, state.reviews + int(reviewed), missed)


def decide_review(command: RecordReview, ctx: DecisionContext) -> EndOfDayReviewRecorded:
    """The review event, or a WO-7 refusal naming every unfinished order without a reason.

    `unfinished`: the site's orders open at the day's end (as of then, WO-7 rev.); `known`:
    the named orders that are the site's (a reason for a finished one is harmless).
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
    state: ReviewState, command: ReviewCommand, ctx: DecisionContext
) -> Sequence[EventPayload]:
    match command:
        case RecordReview():
            return [decide_review(command, ctx)]
        case RecordReviewDue():
            return [EndOfDayReviewDue(local_date=command.day, end_of_day=command.end_of_day)]
        case RecordReviewMissed():
            # Only open orders schedule this check, so the day had some (WO-7 rev.).
            if state.reviews or state.missed:
                return []
            return [EndOfDayReviewMissed(local_date=command.day, end_of_day=command.end_of_day)]


def _day(timer: DueTimer) -> tuple[date, datetime]:
    day = date.fromisoformat(str(timer.payload["local_date"]))
    return day, datetime.fromisoformat(str(timer.payload["end_of_day"]))


def _due(timer: DueTimer) -> RecordReviewDue:
    return RecordReviewDue(timer.site_id, *_day(timer))


def _missed(timer: DueTimer) -> RecordReviewMissed:
    return RecordReviewMissed(timer.site_id, *_day(timer))


def _stream(command: ReviewCommand) -> str:
    return stream_id(command.site_id, command.day)


END_OF_DAY_REVIEW: Aggregate[ReviewState, ReviewCommand] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="end-of-day-review-",
    initial=ReviewState(),
    evolve=evolve,
    stream_id=_stream,
    commands={
        RecordReview: (SYSTEM_ONLY, decide),
        RecordReviewDue: (SYSTEM_ONLY, decide),
        RecordReviewMissed: (SYSTEM_ONLY, decide),
    },
    creates=frozenset({RecordReview, RecordReviewDue, RecordReviewMissed}),
    timers={REMINDER_TIMER_KIND: _due, MISSED_TIMER_KIND: _missed},
    timer_actors={REMINDER_TIMER_KIND: "dispatch.review", MISSED_TIMER_KIND: "dispatch.review"},
)
