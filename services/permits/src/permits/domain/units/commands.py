"""Commands on the per-site register of units and their owners (RP-1's ownership check)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Owner:
    """An owner of a unit as the register records them (an id the site gives, a name)."""

    owner_id: str
    name: str


@dataclass(frozen=True)
class RegisterUnit:
    """Enter a unit and its owners in the site's register; `handbook_signed_at_handover`:
    the owner signed for the renovation handbook when the unit was handed over (RP-1 rev.2)."""

    site_id: str
    unit_id: str
    label: str
    owners: tuple[Owner, ...]
    handbook_signed_at_handover: bool = False


@dataclass(frozen=True)
class ChangeUnitOwners:
    """The unit changed hands (or an owner was added): the register's owners now."""

    site_id: str
    unit_id: str
    owners: tuple[Owner, ...]
    reason: str


@dataclass(frozen=True)
class RecordPermitOfUnit:
    """A permit was applied for on the unit (run by `ApplyForPermit`): claimed on the
    unit's stream, so two applications racing for one unit conflict here."""

    site_id: str
    unit_id: str
    permit_id: str


UnitCommand = RegisterUnit | ChangeUnitOwners | RecordPermitOfUnit


def unit_stream(site_id: str, unit_id: str) -> str:
    """Unit numbers repeat between sites (every tower has a 1203): the site is in the id."""
    return f"unit-{site_id}:{unit_id}"
