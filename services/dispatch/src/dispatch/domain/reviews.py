"""WO-7 end-of-day review: each unfinished order of the day needs a recorded reason.

Stream `end-of-day-review-<site>-<YYYY-MM-DD>`, stream type "EndOfDayReview".
"""

from collections.abc import Collection, Mapping
from datetime import date
from typing import Final

from opsledger.errors import DomainError
from opsledger_contracts.events.dispatch import EndOfDayReviewRecorded

from dispatch.domain.work_orders import blank

STREAM_TYPE: Final = "EndOfDayReview"
REMINDER_MINUTES_BEFORE_END_OF_DAY: Final = 10  # 000 第11篇 第八条: 下班前十分鐘
REMINDER_TIMER_KIND: Final = "work_order_end_of_day_review_due"


def stream_id(site_id: str, day: date) -> str:
    return f"end-of-day-review-{site_id}-{day.isoformat()}"


def decide_review(
    *,
    day: date,
    today: date,
    reviewer: str,
    unfinished: Collection[str],
    known: Collection[str],
    reasons: Mapping[str, str],
) -> EndOfDayReviewRecorded:
    """The review event, or a WO-7 refusal naming every unfinished order without a reason.

    `unfinished`: the site's orders open at review time that were issued on or before
    `day`; `known`: every order of the site (a reason for a finished one is harmless).
    """
    if day > today:
        raise DomainError("WO-7", f"{day} has not come yet at this site", field="date")
    unknown = sorted(set(reasons) - set(known))
    if unknown:
        raise DomainError(
            "WO-7", f"not work orders of this site: {', '.join(unknown)}", field="reasons"
        )
    without = sorted(wo for wo in unfinished if blank(reasons.get(wo)))
    if without:
        raise DomainError(
            "WO-7",
            f"each unfinished work order needs a reason; missing for: {', '.join(without)}",
            field="reasons",
        )
    return EndOfDayReviewRecorded(
        local_date=day,
        reviewed_by=reviewer,
        reasons={wo: text.strip() for wo, text in sorted(reasons.items()) if not blank(text)},
    )
