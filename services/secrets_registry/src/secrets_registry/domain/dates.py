"""Calendar arithmetic of the registry's periods (SR-3, SR-5 rev.)."""

import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same calendar date `months` later (SR-5 rev.); a date the month lacks (29 Feb,
    31 Apr) falls on that month's last day, so a period from 29 Feb ends on 28 Feb."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))
