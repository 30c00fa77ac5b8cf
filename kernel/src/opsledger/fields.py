"""Field types every service shares in its HTTP requests and answers.

One definition per kind of value, so the limits hold from the request to everything
derived from it:

- `SiteId` (`SiteQuery`, `SitePath`): at most `SITE_ID_MAX_LENGTH` characters, half of
  `ID_MAX_LENGTH`, so an id built as `<prefix>-<site>-<suffix>` (tickets, customers,
  work orders) always fits the 64 characters the event contracts allow.
- `Instant`: a date-time with its zone, given as text. A naive date-time, a number (a
  Unix time is not a date) and a year outside `MIN_YEAR..MAX_YEAR` are refused (422),
  so clock arithmetic and zone conversions never overflow.
- `StrictDate`: a calendar date given as text, in the same years.
- `Month` (`MonthQuery`, `MonthPath`): `YYYY-MM` in the same years (no year 0).
- `StoredInstant`: for answers; a stored instant that comes back without a zone (SQLite
  keeps none) is UTC, the zone it was written in.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field

ID_MAX_LENGTH = 64
SITE_ID_MAX_LENGTH = 32
SITE_ID_PATTERN = r"^[A-Za-z0-9._-]+$"
MIN_YEAR = 1900
MAX_YEAR = 2999
MONTH_PATTERN = r"^(19|2\d)\d{2}-(0[1-9]|1[0-2])$"  # 1900-01 .. 2999-12

_SITE_DESCRIPTION = (
    f"Site id: letters, digits, '.', '_' or '-', at most {SITE_ID_MAX_LENGTH} characters"
)
_MONTH_DESCRIPTION = f"YYYY-MM, years {MIN_YEAR}-{MAX_YEAR}"


def _text_not_number(value: Any) -> Any:
    """Dates and times come as ISO 8601 text: a JSON number is not one."""
    if isinstance(value, int | float | Decimal):  # bool is an int too
        raise ValueError("must be an ISO 8601 string, not a number")
    return value


def _year_in_range(value: Any) -> Any:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(f"the year must be between {MIN_YEAR} and {MAX_YEAR}")
    return value


def _assume_utc(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


SiteId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=SITE_ID_MAX_LENGTH,
        pattern=SITE_ID_PATTERN,
        description=_SITE_DESCRIPTION,
    ),
]
SiteQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=SITE_ID_MAX_LENGTH,
        pattern=SITE_ID_PATTERN,
        description=_SITE_DESCRIPTION,
    ),
]
SitePath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=SITE_ID_MAX_LENGTH,
        pattern=SITE_ID_PATTERN,
        description=_SITE_DESCRIPTION,
    ),
]

Instant = Annotated[
    AwareDatetime,
    BeforeValidator(_text_not_number),
    AfterValidator(_year_in_range),
    Field(description="ISO 8601 date-time with a zone (Z or ±hh:mm)"),
]
StrictDate = Annotated[
    date,
    BeforeValidator(_text_not_number),
    AfterValidator(_year_in_range),
    Field(description="ISO 8601 date (YYYY-MM-DD)"),
]
Month = Annotated[
    str,
    Field(pattern=MONTH_PATTERN, description=_MONTH_DESCRIPTION),
]
MonthQuery = Annotated[
    str,
    Query(pattern=MONTH_PATTERN, description=_MONTH_DESCRIPTION),
]
MonthPath = Annotated[
    str,
    Path(pattern=MONTH_PATTERN, description=_MONTH_DESCRIPTION),
]

StoredInstant = Annotated[datetime, AfterValidator(_assume_utc)]

__all__ = [
    "ID_MAX_LENGTH",
    "MAX_YEAR",
    "MIN_YEAR",
    "MONTH_PATTERN",
    "SITE_ID_MAX_LENGTH",
    "SITE_ID_PATTERN",
    "Instant",
    "Month",
    "MonthPath",
    "MonthQuery",
    "SiteId",
    "SitePath",
    "SiteQuery",
    "StoredInstant",
    "StrictDate",
]
