"""RP-5 rev.2 patrol days: every calendar day of active works, weekends and holidays
included; a day ends at the site's local midnight (not the end of the working day)."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Final

from opsledger.calendar import SiteCalendar
from opsledger.decider import Schedule

PATROL_DAY_TIMER: Final = "works_patrol_day_end"


def day_ends(site: SiteCalendar, day: date) -> datetime:
    """The instant the site-local calendar day `day` ends (its local midnight), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(0), site.zone).astimezone(UTC)


def day_end_timer(permit_id: str, day: date, ends: datetime) -> Schedule:
    """The check at the end of `day` (idempotent id: one per permit and day)."""
    return Schedule(
        timer_id=f"works-patrol-{permit_id}-{day.isoformat()}",
        kind=PATROL_DAY_TIMER,
        due_at=ends,
        payload={"permit_id": permit_id, "local_date": day.isoformat(), "ends": ends.isoformat()},
    )
