"""Commands on a driver's certificate (FL-1)."""

from dataclasses import dataclass
from datetime import date


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


DriverCommand = CertifyDriver | SuspendDriver | ReinstateDriver | RevokeCertificate
