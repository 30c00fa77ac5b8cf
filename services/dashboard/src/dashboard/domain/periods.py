"""Periods of a card: a site-local month (`YYYY-MM`) or day (`YYYY-MM-DD`) (pure)."""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from opsledger.errors import DomainError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TREND_DAYS = 30


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    name: str

    @property
    def is_day(self) -> bool:
        return self.first == self.last

    def previous(self) -> "Period":
        if self.is_day:
            return day(self.first - timedelta(days=1))
        return month(self.first - timedelta(days=1))

    def trend_days(self, today: date) -> list[date]:
        """The 30 site-local days ending on the period's last day (today, if earlier)."""
        end = min(self.last, today)
        return [end - timedelta(days=n) for n in range(TREND_DAYS - 1, -1, -1)]


def month(any_day: date) -> Period:
    first = any_day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(first, following - timedelta(days=1), first.strftime("%Y-%m"))


def day(one: date) -> Period:
    return Period(one, one, one.isoformat())


def parse(text: str | None, today: date) -> Period:
    """`YYYY-MM` or `YYYY-MM-DD`; none: the current month (site-local `today`)."""
    if text is None or text == "":
        return month(today)
    try:
        if _DAY.match(text):
            return day(date.fromisoformat(text))
        found = _MONTH.match(text)
        if found:
            return month(date(int(found[1]), int(found[2]), 1))
    except ValueError:
        pass
    raise DomainError(
        "DASH-1", "period must be a month YYYY-MM or a day YYYY-MM-DD", field="period"
    )
