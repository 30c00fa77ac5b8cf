"""RP-1: an application is taken against the unit register, one open permit per unit.

`ApplyForPermit` reads the unit's register entry (it must exist at the site: else 404),
claims the unit on its own stream (two applications racing for one unit conflict there)
and records the application (`permits.domain.permit.commands.ApplyForPermit`) with the
register's facts, so the decider checks the applicant is an owner and the handbook
signed at handover, purely.
"""

from typing import Any

from opsledger.errors import NotFoundError
from opsledger.pipeline import CommandResult, UnitOfWork, Workflow

from permits.domain.common import refuse
from permits.domain.permit import PERMIT, permit_stream
from permits.domain.permit.commands import ApplyForPermit, OpenPermit
from permits.domain.roles import FRONT_DESK
from permits.domain.units import UNIT, RecordPermitOfUnit, unit_stream


async def apply_for_permit(uow: UnitOfWork, command: ApplyForPermit) -> CommandResult[Any]:
    unit = await uow.load(UNIT, unit_stream(uow.site_id, command.unit_id))
    if not unit.version:
        raise NotFoundError("Unit", command.unit_id)
    if unit.state.permits:
        last = (await uow.load(PERMIT, permit_stream(unit.state.permits[-1]))).state
        if last.permit_id != command.permit_id and not (last.rejected or last.reached("accepted")):
            refuse(
                "RP-1",
                f"unit {command.unit_id} has permit {last.permit_id} open ({last.stage})",
                "unit_id",
            )
    owners = tuple(o.owner_id for o in unit.state.owners)
    signed = unit.state.handbook_signed_at_handover
    result = await uow.execute(OpenPermit(command, owners, signed))
    await uow.execute(RecordPermitOfUnit(uow.site_id, command.unit_id, command.permit_id))
    return result


APPLICATION_WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=ApplyForPermit,
        roles=FRONT_DESK,
        site_of=lambda c: c.site_id,
        run=apply_for_permit,
    )
]
