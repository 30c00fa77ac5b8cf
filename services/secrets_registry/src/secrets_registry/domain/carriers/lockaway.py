"""SR-17 rev.2: staff leaving the office lock carriers in secure storage.

A sign-out records when the carrier is due back (`lock_away_by`: the site's
`lock_away_time` that day, or the day's end when signed out after it); a durable timer
at that instant records `CarrierNotLockedAway` if that same sign-out is still open.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from opsledger.calendar import SiteCalendar
from opsledger.decider import Cancel, DueTimer, Event, Reaction, Schedule
from opsledger_contracts import EventPayload

from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.carriers import events as ev
from secrets_registry.domain.carriers.state import SIGNED_OUT, CarrierState
from secrets_registry.domain.rules import RegistryRules

LOCK_AWAY: Final = "carrier_lock_away"


def lock_away_by(site: SiteCalendar, now: datetime) -> datetime:
    """When a carrier signed out at `now` is due back in secure storage (site time)."""
    local = site.local(now)
    due = datetime.combine(local.date(), site.rules(RegistryRules).lock_away_time, site.zone)
    if due <= local:  # signed out after the lock-away time: by the end of that day
        due = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), site.zone)
    return due


def _timer_id(carrier_id: str) -> str:
    return f"carrier-lock-away-{carrier_id}"


def reactions(state: CarrierState, new: Sequence[Event]) -> Sequence[Reaction]:
    """A sign-out sets its lock-away timer; the carrier back (or gone) cancels it."""
    out: list[Reaction] = []
    for event in new:
        match event.payload:
            case ev.CarrierSignedOut(lock_away_by=datetime() as due):
                payload = {"carrier_id": state.carrier_id, "lock_away_by": due.isoformat()}
                out.append(Schedule(_timer_id(state.carrier_id), LOCK_AWAY, due, payload))
            case ev.CarrierSignedIn() | ev.CarrierDestroyed() | ev.CarrierSent():
                out.append(Cancel(_timer_id(state.carrier_id)))
    return out


def check(state: CarrierState, command: c.CheckLockedAway) -> list[EventPayload]:
    """Still out under the sign-out this timer was set for: not locked away."""
    if state.status != SIGNED_OUT or state.lock_away_by != command.lock_away_by:
        return []
    return [
        ev.CarrierNotLockedAway(
            carrier_id=state.carrier_id,
            person_id=state.holder[0],
            lock_away_by=command.lock_away_by,
        )
    ]


def timer_command(timer: DueTimer) -> c.CheckLockedAway:
    due = datetime.fromisoformat(str(timer.payload["lock_away_by"]))
    return c.CheckLockedAway(str(timer.payload["carrier_id"]), due)
