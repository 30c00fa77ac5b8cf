"""A person's fleet conduct record (stream conduct-<site>-<person>): FL-3, FL-7 … FL-10."""

from typing import Any

from opsledger.decider import Aggregate
from opsledger.pipeline import SYSTEM_ONLY, roles

from fleet.domain.conduct import commands as c
from fleet.domain.conduct.commands import RecordAccident, RecordFuelFine, RecordViolation
from fleet.domain.conduct.decide import decide
from fleet.domain.conduct.state import ConductState, LedgerLine, evolve

__all__ = [
    "CONDUCT",
    "ConductState",
    "LedgerLine",
    "RecordAccident",
    "RecordFuelFine",
    "RecordViolation",
    "conduct_stream",
]


def conduct_stream(site_id: str, person: str) -> str:
    return f"conduct-{site_id}-{person}"


def _stream_id(command: Any) -> str:
    return conduct_stream(command.site_id, command.person)


CONDUCT: Aggregate[ConductState, c.ConductCommand] = Aggregate(
    stream_type="Conduct",
    stream_prefix="conduct-",
    initial=ConductState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        RecordViolation: (roles("depot_director", "fleet_captain", "fleet_office"), decide),
        RecordAccident: (roles("fleet_captain", "fleet_office"), decide),
        c.RecordIncident: (roles("fleet_office"), decide),  # FL-7 rev.2: the office judges
        c.CorrectRecord: (roles("fleet_office", "fleet_captain"), decide),  # §0 rev.2
        RecordFuelFine: (SYSTEM_ONLY, decide),  # the CloseFuelMonth workflow
        c.DeductDriverPoints: (SYSTEM_ONLY, decide),  # RecordDriverDeduction (FL-10 rev.2)
        c.RecordReward: (SYSTEM_ONLY, decide),  # the ApproveMonthlyRewards workflow
    },
    creates=frozenset(
        {
            RecordViolation,
            RecordFuelFine,
            RecordAccident,
            c.RecordIncident,
            c.DeductDriverPoints,
            c.RecordReward,
        }
    ),
)
