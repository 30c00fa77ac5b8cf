"""RP-2 and RP-11 figures of a site's month, in the shape callcenter's `/kpis` answers.

Pure: the rows are the permit board's (derived from the events). A review counts in the
site-local month it was handed to engineering, a refund in the month engineering signed
the acceptance form to finance. A figure is judged once it is known: a review once
decided or overdue, a refund once paid or its deadline passed; the rest are not counted
yet. The rules are absolute ("within 3 working days"), so a rate's target is 1.0 and an
overdue count's 0.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from opsledger.readmodels.kpis import Kpi as Kpi  # re-exported: the shape every /kpis answers


class ReviewFacts(Protocol):
    @property
    def review_due_at(self) -> datetime | None: ...
    @property
    def decided_at(self) -> datetime | None: ...
    @property
    def review_overdue(self) -> bool: ...


class RefundFacts(Protocol):
    @property
    def refund_target_at(self) -> datetime | None: ...
    @property
    def refund_limit_at(self) -> datetime | None: ...
    @property
    def refunded_at(self) -> datetime | None: ...


def _rate(name: str, numerator: int, denominator: int) -> Kpi:
    return Kpi.ratio(name, numerator, denominator, 1.0)


def _count(name: str, count: int, of: int) -> Kpi:
    return Kpi(name, count, of, None, 0.0, count == 0)


def _within(due: datetime | None, done: datetime | None, now: datetime) -> bool | None:
    """True/False once judged (done, or the deadline passed), None while still open."""
    if due is None:
        return None
    if done is not None:
        return done <= due
    return False if now > due else None


def evaluate(
    reviews: Iterable[ReviewFacts], refunds: Iterable[RefundFacts], now: datetime
) -> list[Kpi]:
    judged_reviews = [_within(r.review_due_at, r.decided_at, now) for r in reviews]
    reviewed = [j for j in judged_reviews if j is not None]
    refund_rows = list(refunds)
    target = [_within(r.refund_target_at, r.refunded_at, now) for r in refund_rows]
    limit = [_within(r.refund_limit_at, r.refunded_at, now) for r in refund_rows]
    on_target = [j for j in target if j is not None]
    on_limit = [j for j in limit if j is not None]
    return [
        _rate("reviews_within_working_days", sum(reviewed), len(reviewed)),
        _rate("refunds_within_target", sum(on_target), len(on_target)),
        _rate("refunds_within_limit", sum(on_limit), len(on_limit)),
        _count("reviews_overdue", reviewed.count(False), len(reviewed)),
        _count("refunds_overdue_target", on_target.count(False), len(on_target)),
        _count("refunds_overdue_limit", on_limit.count(False), len(on_limit)),
    ]
