"""The yearly inventory (SR-17), decided on the site register's and the carriers' streams.

The custodian's hand-over of the registers (SR-18 rev.2) is `workflows.registers`."""

from dataclasses import dataclass
from typing import Any

from opsledger.errors import NotFoundError
from opsledger.pipeline import CommandResult, UnitOfWork, Workflow

from secrets_registry.domain.carriers import (
    CARRIER,
    CARRIER_REGISTER,
    carrier_stream,
    register_stream,
)
from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.carriers.register import ReconcileInventory
from secrets_registry.domain.carriers.state import SIGNED_OUT, TAKEN_OUT
from secrets_registry.domain.roles import OFFICER


@dataclass(frozen=True)
class TakeInventory:
    """The officer's yearly count: the carriers found present (SR-17)."""

    site_id: str
    inventory_id: str
    present: tuple[str, ...]


async def take_inventory(uow: UnitOfWork, command: TakeInventory) -> CommandResult[Any]:
    register = await uow.load(CARRIER_REGISTER, register_stream(uow.site_id))
    if not register.version:
        raise NotFoundError("CarrierRegister", uow.site_id)
    accounted: set[str] = set()
    for carrier_id in sorted(register.state.held):
        state = (await uow.load(CARRIER, carrier_stream(carrier_id))).state
        if state.status in (SIGNED_OUT, TAKEN_OUT):
            accounted.add(carrier_id)  # with a known holder: signed for (SR-13 rev.2)
    today = uow.site.local_date(uow.now)
    present = frozenset(command.present)
    result = await uow.execute(
        ReconcileInventory(uow.site_id, command.inventory_id, today, present, frozenset(accounted))
    )
    for carrier_id in sorted(present & register.state.held):
        await uow.execute(c.MarkInventoried(carrier_id, today, command.inventory_id))
    return result


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(command=TakeInventory, roles=OFFICER, site_of=lambda w: w.site_id, run=take_inventory),
]
