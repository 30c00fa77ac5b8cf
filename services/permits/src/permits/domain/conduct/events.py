"""Private events of a permit's works record: bookkeeping that never leaves permits.

Listed in the service's `private_events` (the relay never produces them). The published
facts are the patrols, checks and the ladder (`opsledger_contracts.events.permits_conduct`).
"""

from datetime import date
from typing import ClassVar

from opsledger_contracts.events.permits_conduct import WorksEvent
from pydantic import AwareDatetime, Field


class WorksOpened(WorksEvent):
    """The permit's works started: from now on it is patrolled every day (RP-5 rev.2)."""

    event_type: ClassVar[str] = "WorksOpened"

    unit_id: str = Field(min_length=1, max_length=64)
    contractor: str = Field(default="", max_length=200, description="Who does the works.")
    first_day: date = Field(description="The first site-local day to be patrolled.")
    first_day_ends: AwareDatetime = Field(description="When that day ends at the site.")


class PatrolDayClosed(WorksEvent):
    """A site-local day of active works ended (patrolled or not); the next day is due."""

    event_type: ClassVar[str] = "PatrolDayClosed"

    local_date: date
    patrols: int = Field(ge=0)
    next_day: date
    next_day_ends: AwareDatetime


class WorksClosed(WorksEvent):
    """The works ended (finished, accepted or the permit withdrawn): no more patrols."""

    event_type: ClassVar[str] = "WorksClosed"

    reason: str = Field(min_length=1, max_length=200)


PRIVATE_EVENTS = (WorksOpened, PatrolDayClosed, WorksClosed)
