"""FL-4 workflows: a repair request opens the vehicle's fault, the repair's end clears it.

The vehicle is refused for dispatch by the existing FL-2 rule (an open fault report)
for as long as its repair is open; nothing about repairs is duplicated in the vehicle.

- `RequestRepair`: the vehicle and the driver at this site; reports the fault (the
  repair id is its id) unless the request names one already open; records the request.
- `FinishRepair`: the vehicle is back repaired; clears the fault in the same transaction
  (the only way a fault an open repair holds is cleared: FL-2 rev.2).
"""

from dataclasses import dataclass
from typing import Any

from opsledger.errors import NotFoundError
from opsledger.pipeline import CommandResult, UnitOfWork, Workflow, roles

from fleet.domain.common import refuse
from fleet.domain.drivers import DRIVER, driver_stream
from fleet.domain.maintenance import REPAIR, repair_stream
from fleet.domain.maintenance.commands import CompleteRepair, OpenRepair
from fleet.domain.vehicles.commands import ClearRepairedFault, HoldFaultForRepair, ReportFault
from fleet.workflows.vehicles import vehicle_at_site


@dataclass(frozen=True)
class RequestRepair:
    site_id: str
    repair_id: str
    vehicle_id: str
    driver_id: str
    shop: str
    description: str
    fault_id: str | None = None


@dataclass(frozen=True)
class FinishRepair:
    site_id: str
    repair_id: str
    note: str


async def request_repair(uow: UnitOfWork, command: RequestRepair) -> CommandResult[Any]:
    vehicle = await vehicle_at_site(uow, command.vehicle_id)
    driver = await uow.load(DRIVER, driver_stream(command.driver_id))
    if not driver.version or driver.state.site_id != uow.site_id:
        refuse("FL-4", f"no driver {command.driver_id} at {uow.site_id} to sign", "driver_id")
    fault_id = command.fault_id or command.repair_id
    if command.fault_id is None:
        await uow.execute(ReportFault(command.vehicle_id, fault_id, command.description))
    elif not any(f[0] == fault_id for f in vehicle.faults):
        refuse("FL-4", f"vehicle {vehicle.plate} has no open fault {fault_id}", "fault_id")
    # FL-2 rev.2: from now on only this repair's completion clears the fault.
    await uow.execute(HoldFaultForRepair(command.vehicle_id, fault_id, command.repair_id))
    return await uow.execute(
        OpenRepair(
            site_id=uow.site_id,
            repair_id=command.repair_id,
            vehicle_id=command.vehicle_id,
            fault_id=fault_id,
            driver_id=command.driver_id,
            shop=command.shop,
            description=command.description,
        )
    )


async def finish_repair(uow: UnitOfWork, command: FinishRepair) -> CommandResult[Any]:
    repair = await uow.load(REPAIR, repair_stream(command.repair_id))
    if not repair.version or repair.state.site_id != uow.site_id:
        raise NotFoundError("Repair", command.repair_id)
    result = await uow.execute(CompleteRepair(command.repair_id, command.note))
    vehicle = await vehicle_at_site(uow, repair.state.vehicle_id)
    if any(f[0] == repair.state.fault_id for f in vehicle.faults):
        cleared = ClearRepairedFault(
            vehicle.vehicle_id, repair.state.fault_id, command.repair_id, command.note
        )
        await uow.execute(cleared)
    return result


REPAIR_WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=RequestRepair,
        roles=roles("driver", "depot_director", "fleet_captain", "fleet_group_lead"),
        site_of=lambda c: c.site_id,
        run=request_repair,
    ),
    Workflow(
        command=FinishRepair,
        roles=roles("fleet_captain", "depot_director"),
        site_of=lambda c: c.site_id,
        run=finish_repair,
    ),
]
