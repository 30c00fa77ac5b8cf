"""WO-7 (rev.) timing: when the end-of-day review of a site-local day is due, and the
timers that carry it (the roll call of open orders, the reminder, the missed check).

A leaf module (no aggregate imports), shared by the work-order and review aggregates and
the issue workflow. The review is due every working day on which an order is open at the
reminder time: each open order answers a daily roll call at that time (timer on its own
stream, `WorkOrderOpenAtReview`), which schedules the site-day reminder and, at the end of
the day, the missed check (`EndOfDayReviewMissed` unless a review was recorded).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Final

from opsledger.calendar import SiteCalendar
from opsledger.decider import Event, Reaction, Schedule

from dispatch.domain.private_events import WorkOrderOpenAtReview, WorkOrderReviewPlanned

REMINDER_MINUTES_BEFORE_END_OF_DAY: Final = 10  # 000 第11篇 第八条: 下班前十分鐘
REMINDER_TIMER_KIND: Final = "work_order_end_of_day_review_due"
MISSED_TIMER_KIND: Final = "work_order_end_of_day_review_missed"
ROLL_CALL_TIMER_KIND: Final = "work_order_review_roll_call"
_SEARCH_DAYS: Final = 366  # a year without a working day is a configuration error


def review_stream_id(site_id: str, day: date) -> str:
    return f"end-of-day-review-{site_id}-{day.isoformat()}"


def end_of_day(site: SiteCalendar, day: date) -> datetime:
    return site.end_of_day(day).astimezone(UTC)


def reminder_at(site: SiteCalendar, day: date) -> datetime:
    """10 minutes before the site's end of the working day (UTC instant)."""
    return end_of_day(site, day) - timedelta(minutes=REMINDER_MINUTES_BEFORE_END_OF_DAY)


def next_review_day(site: SiteCalendar, after: date) -> date:
    """The first working day after `after` (weekends, holidays and make-up days honoured)."""
    day = after
    for _ in range(_SEARCH_DAYS):
        day += timedelta(days=1)
        if site.is_working_day(day):
            return day
    raise ValueError(f"site {site.site_id} has no working day within a year after {after}")


def first_review_day(site: SiteCalendar, now: datetime) -> date:
    """The first working day whose review time is still ahead of `now`."""
    today = site.local_date(now)
    if site.is_working_day(today) and reminder_at(site, today) > now:
        return today
    return next_review_day(site, today)


def roll_call_timer(work_order_id: str, day: date | None, due: datetime) -> Schedule:
    """The order's roll call for `day` (None: find the next one, e.g. after a reopen)."""
    suffix = day.isoformat() if day is not None else f"restart-{due.isoformat()}"
    return Schedule(
        timer_id=f"work-order-review-{work_order_id}-{suffix}",
        kind=ROLL_CALL_TIMER_KIND,
        due_at=due,
        payload={
            "work_order_id": work_order_id,
            "local_date": day.isoformat() if day is not None else None,
        },
    )


def review_timers(site_id: str, day: date, reminder: datetime, end: datetime) -> list[Schedule]:
    """The site-day reminder and missed check (idempotent ids: every open order asks)."""
    stream = review_stream_id(site_id, day)
    payload = {"local_date": day.isoformat(), "end_of_day": end.astimezone(UTC).isoformat()}
    return [
        Schedule(
            timer_id=f"end-of-day-review-{site_id}-{day.isoformat()}",
            kind=REMINDER_TIMER_KIND,
            due_at=reminder,
            payload=payload,
            stream_id=stream,
        ),
        Schedule(
            timer_id=f"end-of-day-review-missed-{site_id}-{day.isoformat()}",
            kind=MISSED_TIMER_KIND,
            due_at=end,
            payload=payload,
            stream_id=stream,
        ),
    ]


def roll_call_reactions(
    work_order_id: str, site_id: str, events: Sequence[Event]
) -> list[Reaction]:
    """Timers that follow a work order's roll-call events."""
    reactions: list[Reaction] = []
    for event in events:
        match event.payload:
            case WorkOrderOpenAtReview() as roll:
                reactions += review_timers(
                    site_id, roll.local_date, roll.reminder_at, roll.end_of_day
                )
                reactions.append(
                    roll_call_timer(work_order_id, roll.next_local_date, roll.next_reminder_at)
                )
            case WorkOrderReviewPlanned() as plan:
                reactions.append(roll_call_timer(work_order_id, plan.local_date, plan.reminder_at))
    return reactions
