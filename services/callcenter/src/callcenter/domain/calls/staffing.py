"""CC-11 (rev.) seats online, judged by band of the day against the site's minimums.

Every quarter-hour of a period is a sample: the seats logged in then are counted and the
sample is judged against the minimum of its band (`Staffing.band_of`: peak, night or the
rest of the day) and, separately, against the every-hour minimum (7x24). The figures are
the KPI's raw material: `views.seat_coverage` reads the sessions, `/kpis` shows them
against the site's `kpi_targets` (`seats_online_<band>`).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from callcenter.domain.rules import Staffing

SEAT_SAMPLE_EVERY = timedelta(minutes=15)
Session = tuple[datetime, datetime | None]  # logged in, logged out (None: still in)


@dataclass(frozen=True, slots=True)
class BandCoverage:
    """A band's samples: how many, how many had the minimum online, the fewest seen.

    `name` is the KPI's (and its target's in `kpi_targets`): `seats_online_<band>`.
    `minimum` is the band's at its start (peak and night have one each).
    """

    name: str
    band: str
    minimum: int
    samples: int
    met: int
    lowest: int | None


def online_at(sessions: Sequence[Session], when: datetime) -> int:
    """Seats logged in at an instant (logged in at or before it, not yet out)."""
    return sum(
        1 for login, logout in sessions if login <= when and (logout is None or logout > when)
    )


def seat_coverage(
    sessions: Sequence[Session],
    start: datetime,
    end: datetime,
    zone: ZoneInfo,
    staffing: Staffing,
) -> list[BandCoverage]:
    """Samples every quarter-hour in [start, end): peak, night, and every hour (7x24)."""
    samples: dict[str, list[tuple[int, int]]] = {"peak": [], "night": [], "every_hour": []}
    when = start
    while when < end:
        band, minimum = staffing.band_of(when.astimezone(zone).time())
        online = online_at(sessions, when)
        if band != "day":
            samples[band].append((online, minimum))
        samples["every_hour"].append((online, staffing.min_seats_every_hour))
        when += SEAT_SAMPLE_EVERY
    minimums = {
        "peak": max(staffing.min_seats_peak, staffing.min_seats_every_hour),
        "night": max(staffing.min_seats_night, staffing.min_seats_every_hour),
        "every_hour": staffing.min_seats_every_hour,
    }
    return [
        BandCoverage(
            name=f"seats_online_{band}",
            band=band,
            minimum=minimums[band],
            samples=len(judged),
            met=sum(1 for online, minimum in judged if online >= minimum),
            lowest=min((online for online, _ in judged), default=None),
        )
        for band, judged in samples.items()
    ]
