"""A driver's certificate as the deciders see it."""

from dataclasses import dataclass
from datetime import date

from opsledger.decider import Event, changed
from opsledger_contracts.events.fleet import (
    DriverCertificateRevoked,
    DriverCertified,
    DriverReinstated,
    DriverSuspended,
)

from fleet.domain.bookings import Booking
from fleet.domain.drivers.events import DriverAssignedToTrip, DriverBookedForRequest


@dataclass(frozen=True)
class DriverState:
    driver_id: str = ""
    site_id: str = ""
    name: str = ""
    certificate_no: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    suspended: bool = False
    revoked: bool = False
    # FL-2: the latest trip claimed (vehicle_id, trip_id); the vehicle's log says if it
    # is still out.
    trip: tuple[str, str] | None = None
    bookings: tuple[Booking, ...] = ()  # FL-2 rev.2: reserved for later requests


def evolve(state: DriverState, event: Event) -> DriverState:
    match event.payload:
        case DriverCertified() as e:
            return changed(
                state,
                driver_id=e.driver_id,
                site_id=event.site_id,
                name=e.name,
                certificate_no=e.certificate_no,
                valid_from=e.valid_from,
                valid_to=e.valid_to,
                suspended=False,
                revoked=False,
            )
        case DriverSuspended():
            return changed(state, suspended=True)
        case DriverReinstated():
            return changed(state, suspended=False)
        case DriverCertificateRevoked():
            return changed(state, revoked=True)
        case DriverAssignedToTrip() as e:
            return changed(state, trip=(e.vehicle_id, e.trip_id))
        case DriverBookedForRequest() as e:
            return changed(state, bookings=(*state.bookings, Booking(e.request_id, e.needed_at)))
    return state


def certification_problem(state: DriverState | None, day: date) -> str | None:
    """Why the driver may not be given a vehicle on site-local `day` (FL-1), or None."""
    if state is None or not state.driver_id:
        return "has no company certificate (上崗證)"
    if state.revoked:
        return f"{state.driver_id}'s certificate {state.certificate_no} is revoked"
    if state.suspended:
        return f"{state.driver_id}'s certificate {state.certificate_no} is suspended"
    assert state.valid_from is not None and state.valid_to is not None
    if day < state.valid_from:
        return f"{state.driver_id}'s certificate is valid only from {state.valid_from}"
    if day > state.valid_to:
        return f"{state.driver_id}'s certificate expired on {state.valid_to}"
    return None
