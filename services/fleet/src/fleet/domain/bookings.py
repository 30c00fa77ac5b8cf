"""FL-2 rev.2 reservations as a vehicle's and a driver's own streams keep them.

A request for a later time books the vehicle and the driver without taking them out.
From `dispatch_ahead_minutes` before the time needed they go to that request's trip only;
the workflow passes the bookings still live on the log (the request still reserved).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from fleet.domain.common import refuse


@dataclass(frozen=True)
class Booking:
    request_id: str
    needed_at: datetime


def check_bookings(
    booked: tuple[tuple[str, Booking], ...], now: datetime, ahead_minutes: int
) -> None:
    """Refuse a trip for a vehicle or driver (`field`) a live booking holds by now."""
    ahead = timedelta(minutes=ahead_minutes)
    for field, booking in booked:
        if booking.needed_at - ahead <= now:
            refuse(
                "FL-2",
                f"{field.removesuffix('_id')} is reserved for vehicle request "
                f"{booking.request_id} needed at {booking.needed_at.isoformat()}: it goes "
                "to that trip only",
                field,
            )
