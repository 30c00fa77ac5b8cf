"""Roster work that spans streams (CC-9 rev.): a swap is checked against the months on
either side of its roster (31 March's night and 1 April's morning are back to back).

Rosters are stored per month; the workflow reads the neighbouring months' streams and
hands what they say (`NextDoor`) to the roster's decider, in one transaction.
"""

from typing import Any

from opsledger.pipeline import CommandResult, UnitOfWork, Workflow

from callcenter.domain.roles import CC_ROLES, MANAGER
from callcenter.domain.rosters import ROSTER
from callcenter.domain.rosters import commands as c


async def _next_door(uow: UnitOfWork, site_id: str, month: str) -> c.NextDoor:
    months = [
        (await uow.load(ROSTER, c.stream_id(site_id, m))).state.next_door
        for m in c.neighbouring_months(month)
    ]
    return c.NextDoor.join(*months)


async def request_swap(uow: UnitOfWork, cmd: c.RequestSwap) -> CommandResult[Any]:
    return await uow.execute(
        c.RecordSwapRequest(cmd, await _next_door(uow, cmd.site_id, cmd.month))
    )


async def approve_swap(uow: UnitOfWork, cmd: c.ApproveSwap) -> CommandResult[Any]:
    return await uow.execute(
        c.RecordSwapApproval(cmd, await _next_door(uow, cmd.site_id, cmd.month))
    )


def _site(command: c.RequestSwap | c.ApproveSwap) -> str:
    return command.site_id


ROSTER_WORKFLOWS: list[Workflow[Any]] = [
    Workflow(command=c.RequestSwap, roles=CC_ROLES, site_of=_site, run=request_swap),
    Workflow(command=c.ApproveSwap, roles=MANAGER, site_of=_site, run=approve_swap),
]
