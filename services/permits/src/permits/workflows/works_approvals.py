"""RP-7 hot work and RP-8 temporary power are for a permit's renovation: applied for only
while the permit is active (approved and not yet accepted), decided on the permit's own
stream, never on a board that lags the log."""

from typing import Any

from opsledger.errors import DomainError, NotFoundError
from opsledger.pipeline import CommandResult, UnitOfWork, Workflow

from permits.domain.hotwork import HOT_WORK, ApplyForHotWork, OpenHotWork
from permits.domain.permit import PERMIT, permit_stream
from permits.domain.power import TEMPORARY_POWER, ApplyForTemporaryPower, OpenTemporaryPower


async def require_active_permit(uow: UnitOfWork, permit_id: str, site_id: str, rule: str) -> None:
    """The permit exists at `site_id` (404 alike otherwise) and is active (422 `rule`)."""
    permit = await uow.load(PERMIT, permit_stream(permit_id))
    if permit.version == 0 or permit.state.site_id != site_id:
        raise NotFoundError("Permit", permit_id)
    if not permit.state.active:
        raise DomainError(
            rule,
            f"permit {permit_id} is {permit.state.stage}: only an active permit's works "
            "(approved, not yet accepted) apply for this",
            field="permit_id",
        )


async def apply_for_hot_work(uow: UnitOfWork, command: ApplyForHotWork) -> CommandResult[Any]:
    await require_active_permit(uow, command.permit_id, command.site_id, "RP-7")
    return await uow.execute(OpenHotWork(command))


async def apply_for_temporary_power(
    uow: UnitOfWork, command: ApplyForTemporaryPower
) -> CommandResult[Any]:
    await require_active_permit(uow, command.permit_id, command.site_id, "RP-8")
    return await uow.execute(OpenTemporaryPower(command))


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=ApplyForHotWork,
        roles=HOT_WORK.roles(OpenHotWork),
        site_of=lambda c: c.site_id,
        run=apply_for_hot_work,
    ),
    Workflow(
        command=ApplyForTemporaryPower,
        roles=TEMPORARY_POWER.roles(OpenTemporaryPower),
        site_of=lambda c: c.site_id,
        run=apply_for_temporary_power,
    ),
]
