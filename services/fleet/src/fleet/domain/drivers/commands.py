"""Commands on a driver's certificate (FL-1)."""

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class CertifyDriver:
    """Issue or renew the company certificate; the latest one counts."""

    site_id: str
    driver_id: str
    name: str
    certificate_no: str
    valid_from: date
    valid_to: date


@dataclass(frozen=True)
class SuspendDriver:
    driver_id: str
    reason: str


@dataclass(frozen=True)
class ReinstateDriver:
    driver_id: str
    reason: str


@dataclass(frozen=True)
class RevokeCertificate:
    driver_id: str
    reason: str


@dataclass(frozen=True)
class AssignDriverToTrip:
    """Claim the driver for a trip just dispatched (FL-2; run by the dispatch workflows).

    The workflow has checked, on the streams, that the driver is out on no other trip;
    the claim's append at the version it read is what makes that check hold.
    """

    driver_id: str
    vehicle_id: str
    trip_id: str


@dataclass(frozen=True)
class BookDriver:
    """Reserve the driver for a request's later time (FL-2 rev.2; run by the workflow)."""

    driver_id: str
    request_id: str
    needed_at: datetime


DriverCommand = (
    CertifyDriver
    | SuspendDriver
    | ReinstateDriver
    | RevokeCertificate
    | AssignDriverToTrip
    | BookDriver
)
