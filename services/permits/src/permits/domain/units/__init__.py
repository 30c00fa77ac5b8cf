"""The unit register (stream `unit-<site>:<unit>`): RP-1's "the applicant owns the unit"."""

from typing import Any, assert_never

from opsledger.decider import Aggregate, DecisionContext
from opsledger.errors import AlreadyExistsError
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload

from permits.domain.common import refuse
from permits.domain.roles import REGISTER_KEEPERS
from permits.domain.units.commands import (
    ChangeUnitOwners,
    Owner,
    RecordPermitOfUnit,
    RegisterUnit,
    UnitCommand,
    unit_stream,
)
from permits.domain.units.events import (
    PRIVATE_EVENTS,
    OwnerEntry,
    UnitOwnersChanged,
    UnitPermitApplied,
    UnitRegistered,
)
from permits.domain.units.state import UnitState, evolve

__all__ = [
    "PRIVATE_EVENTS",
    "UNIT",
    "ChangeUnitOwners",
    "Owner",
    "RecordPermitOfUnit",
    "RegisterUnit",
    "UnitState",
    "owners_problem",
    "unit_stream",
]


def owners_problem(owners: tuple[Owner, ...]) -> str | None:
    """Why a list of owners is not a register entry (none, or an id twice), or None."""
    if not owners:
        return "a unit has at least one owner"
    ids = [o.owner_id for o in owners]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    return f"owner id given twice: {', '.join(twice)}" if twice else None


def _entries(owners: tuple[Owner, ...]) -> list[OwnerEntry]:
    problem = owners_problem(owners)
    if problem:
        refuse("RP-1", problem, "owners")
    return [OwnerEntry(owner_id=o.owner_id, name=o.name) for o in owners]


def decide(state: UnitState, command: UnitCommand, ctx: DecisionContext) -> list[EventPayload]:
    match command:
        case RegisterUnit():
            if state.unit_id:
                raise AlreadyExistsError("Unit", unit_stream(command.site_id, command.unit_id))
            return [
                UnitRegistered(
                    unit_id=command.unit_id,
                    label=command.label,
                    owners=_entries(command.owners),
                    handbook_signed_at_handover=command.handbook_signed_at_handover,
                )
            ]
        case ChangeUnitOwners():
            owners = _entries(command.owners)
            return [UnitOwnersChanged(unit_id=state.unit_id, owners=owners, reason=command.reason)]
        case RecordPermitOfUnit():
            return [UnitPermitApplied(unit_id=state.unit_id, permit_id=command.permit_id)]
        case _:
            assert_never(command)


def _stream_id(command: Any) -> str:
    return unit_stream(command.site_id, command.unit_id)


UNIT: Aggregate[UnitState, UnitCommand] = Aggregate(
    stream_type="Unit",
    stream_prefix="unit-",
    initial=UnitState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        RegisterUnit: (REGISTER_KEEPERS, decide),
        ChangeUnitOwners: (REGISTER_KEEPERS, decide),
        RecordPermitOfUnit: (SYSTEM_ONLY, decide),  # the ApplyForPermit workflow
    },
    creates=frozenset({RegisterUnit}),
    snapshot_every=100,
)
