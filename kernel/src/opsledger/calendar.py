"""Site calendars: time zone, working days (public holidays and make-up working days).

Deadlines in working days or working time are computed with the maintained `holidays`
package, never hand-written date lists, and every result can name the calendar it was
computed with (`calendar_id`) so a deadline stays explainable after the package updates.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from importlib.metadata import version
from typing import Any, ClassVar, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator


class SiteConfig(BaseModel):
    """Per-site calendar settings (OPSLEDGER_SITES, a JSON object keyed by site id)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timezone: str = Field(default="Asia/Shanghai", description="IANA time zone")
    country: str = Field(default="CN", min_length=2, max_length=2, description="ISO 3166 code")
    subdivision: str | None = None
    end_of_day: time = Field(default=time(18, 0), description="local end of the working day")
    rules: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per service, site overrides of the rule values RULES.md marks "
        'configurable, e.g. {"callcenter": {"callback_attempts": 5}}',
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r}") from None
        return value

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value.upper() not in holidays.list_supported_countries():
            raise ValueError(f"the holidays package has no calendar for country {value!r}")
        return value.upper()


class SiteRules(BaseModel):
    """Base of a service's configurable rule values; the defaults are RULES.md's.

    A subclass names its `service`; a site's overrides come from `SiteConfig.rules`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    service: ClassVar[str]


R = TypeVar("R", bound=SiteRules)
# How far a run of days off is followed each way (the longest official break is 9 days).
_LONGEST_BREAK = 31


@lru_cache(maxsize=1)
def _holidays_version() -> str:
    return version("holidays")  # reads package metadata from disk: once per process


@lru_cache(maxsize=256)
def _holidays(country: str, subdivision: str | None, year: int) -> Any:
    return holidays.country_holidays(country, subdiv=subdivision, years=year)


@dataclass(frozen=True)
class SiteCalendar:
    """Working-day arithmetic in one site's time zone and public-holiday calendar."""

    site_id: str
    config: SiteConfig = field(default_factory=SiteConfig)
    # Validated rule values per model: read on every command, validated once.
    _rules: dict[type[SiteRules], SiteRules] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.config.timezone)

    @property
    def calendar_id(self) -> str:
        sub = f"-{self.config.subdivision}" if self.config.subdivision else ""
        return f"holidays=={_holidays_version()}:{self.config.country}{sub}:{self.config.timezone}"

    def rules(self, model: type[R]) -> R:
        """The service's rule values at this site (its overrides over the defaults)."""
        cached = self._rules.get(model)
        if cached is None:
            cached = self._rules[model] = model.model_validate(
                self.config.rules.get(model.service, {})
            )
        assert isinstance(cached, model)
        return cached

    def local(self, when: datetime) -> datetime:
        return when.astimezone(self.zone)

    def local_date(self, when: datetime) -> date:
        return self.local(when).date()

    def month(self, when: datetime) -> str:
        """The site's calendar month of an instant, as YYYY-MM."""
        return self.local(when).strftime("%Y-%m")

    def is_working_day(self, day: date) -> bool:
        """Weekdays that are not public holidays, plus official make-up working days."""
        calendar = _holidays(self.config.country, self.config.subdivision, day.year)
        if hasattr(calendar, "is_working_day"):
            return bool(calendar.is_working_day(day))
        return day.weekday() < 5 and day not in calendar

    def public_holidays(self, year: int, month: int) -> frozenset[date]:
        """Public holidays and official days off of the site's country in one month."""
        calendar = _holidays(self.config.country, self.config.subdivision, year)
        return frozenset(d for d in calendar if d.month == month)

    def official_holiday_period(self, day: date) -> tuple[date, date] | None:
        """The official holiday period `day` lies in, as (first, last) day, else None.

        A period is a run of consecutive days off (the package's holidays and official
        days off, and the weekend days between or next to them that are not make-up
        working days) holding at least one day the package lists: e.g. 2026-10-01 ... 10-07,
        whose 10-04 (a Sunday) the package does not list itself.
        """
        if self.is_working_day(day):
            return None
        first = last = day
        for _ in range(_LONGEST_BREAK):
            if self.is_working_day(first - timedelta(days=1)):
                break
            first -= timedelta(days=1)
        for _ in range(_LONGEST_BREAK):
            if self.is_working_day(last + timedelta(days=1)):
                break
            last += timedelta(days=1)
        days = (first + timedelta(days=i) for i in range((last - first).days + 1))
        if any(d in _holidays(self.config.country, self.config.subdivision, d.year) for d in days):
            return first, last
        return None

    def in_official_holiday_period(self, day: date) -> bool:
        """Whether `day` is a day of an official holiday period (weekend days included)."""
        return self.official_holiday_period(day) is not None

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """The same local time `days` working days after `start` (UTC result)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        local = self.local(start)
        day, left = local.date(), days
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return datetime.combine(day, local.timetz()).astimezone(self.zone).astimezone(start.tzinfo)

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """`start` plus `duration`, counting only time that falls on working days."""
        if duration < timedelta(0):
            raise ValueError("duration must be >= 0")
        cursor, left = self.local(start), duration
        for _ in range(3660):  # ten years of days: a bound, not a limit anyone reaches
            next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time(), self.zone)
            if self.is_working_day(cursor.date()):
                available = next_midnight - cursor
                if left <= available:
                    return (cursor + left).astimezone(start.tzinfo)
                left -= available
            cursor = next_midnight
        raise ValueError("no working time found within ten years")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """How much working-day time lies between two instants."""
        if end <= start:
            return timedelta(0)
        cursor, total = self.local(start), timedelta(0)
        stop = self.local(end)
        while cursor < stop:
            next_midnight = datetime.combine(cursor.date() + timedelta(days=1), time(), self.zone)
            segment_end = min(next_midnight, stop)
            if self.is_working_day(cursor.date()):
                total += segment_end - cursor
            cursor = segment_end
        return total

    def end_of_day(self, day: date) -> datetime:
        """The site's end of the working day on `day`, as an aware instant."""
        return datetime.combine(day, self.config.end_of_day, self.zone)

    def clock(self, basis: "ClockBasis") -> "DeadlineClock":
        """The calendar a deadline is counted on at this site: every hour ("24x7", a
        7x24 service's SLA) or only working days ("working_days")."""
        return DeadlineClock(self, basis)


# What a deadline counts: every hour of every day, or only the hours of working days.
ClockBasis = Literal["24x7", "working_days"]
CLOCK_BASES: tuple[ClockBasis, ...] = ("24x7", "working_days")


@dataclass(frozen=True)
class DeadlineClock:
    """A site's calendar for one purpose: deadlines counted 24/7 or in working-day time.

    `calendar_id` names what the deadline was counted on, to be recorded with it: the
    holiday calendar for working days, `24x7:<zone>` for the clock (no holidays involved).
    """

    site: SiteCalendar
    basis: ClockBasis

    @property
    def continuous(self) -> bool:
        return self.basis == "24x7"

    @property
    def calendar_id(self) -> str:
        if self.continuous:
            return f"24x7:{self.site.config.timezone}"
        return self.site.calendar_id

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """`start` plus `duration` of counted time (elapsed time on the clock)."""
        if not self.continuous:
            return self.site.add_working_time(start, duration)
        if duration < timedelta(0):
            raise ValueError("duration must be >= 0")
        return (start.astimezone(UTC) + duration).astimezone(start.tzinfo)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Counted time between two instants (zero when `end` is not after `start`)."""
        if not self.continuous:
            return self.site.working_time_between(start, end)
        return max(end - start, timedelta(0))


class SiteDirectory:
    """Calendars of every known site; unknown sites get the default configuration."""

    def __init__(
        self, sites: dict[str, SiteConfig] | None = None, default: SiteConfig | None = None
    ):
        self._sites = dict(sites or {})
        self._default = default or SiteConfig()
        self._calendars: dict[str, SiteCalendar] = {}

    def check_rules(self, model: type[SiteRules]) -> None:
        """Validate every site's overrides now, so bad configuration stops the start-up.

        Raises `ValueError` naming the site and the field.
        """
        for site_id, config in [("(default)", self._default), *self._sites.items()]:
            try:
                SiteCalendar(site_id, config).rules(model)
            except ValidationError as exc:
                problems = "; ".join(
                    f"{'.'.join(map(str, e['loc'])) or model.service}: {e['msg']}"
                    for e in exc.errors()
                )
                raise ValueError(
                    f"OPSLEDGER_SITES: site {site_id}, rules.{model.service}: {problems}"
                ) from None

    def calendar(self, site_id: str) -> SiteCalendar:
        calendar = self._calendars.get(site_id)
        if calendar is None:
            if len(self._calendars) >= 4096:  # site ids come from requests: stay bounded
                self._calendars.clear()
            calendar = SiteCalendar(site_id, self._sites.get(site_id, self._default))
            self._calendars[site_id] = calendar
        return calendar
