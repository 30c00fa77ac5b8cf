"""FL-9 workflows: compute a site-month's rewards from the log; approve them into ledgers.

- `ProposeMonthlyRewards` (fleet captain / office): km per driver from the vehicles'
  dispatch logs (trips returned in the month), incidents from each person's conduct
  record, then `monthly_rewards`. The group leads are named by the caller (fleet keeps
  no staff directory).
- `ApproveMonthlyRewards` (manager): approves the signed proposal and records every
  line as a `FleetLedgerEntryRecorded` reward in the person's conduct stream, in the
  same transaction (entry ids are stable, so a retry records nothing twice).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from opsledger.pipeline import CommandResult, UnitOfWork, Workflow, roles

from fleet.domain.conduct import CONDUCT, conduct_stream
from fleet.domain.conduct.commands import RecordReward
from fleet.domain.rewards import REWARD_MONTH, monthly_rewards, rewards_stream
from fleet.domain.rewards.commands import ApproveRewards, ProposeRewards
from fleet.domain.rules import FleetRules
from fleet.domain.vehicles import VEHICLE, vehicle_stream
from fleet.views import vehicles as views

WHAT = {
    "safe_month_driver": "Safe-driving month (driver)",
    "safe_month_group_lead": "Safe month of the group (group lead)",
    "safe_km": "Safe-km subsidy",
}


@dataclass(frozen=True)
class ProposeMonthlyRewards:
    site_id: str
    month: str
    group_leads: tuple[str, ...]


@dataclass(frozen=True)
class ApproveMonthlyRewards:
    site_id: str
    month: str


async def propose(uow: UnitOfWork, command: ProposeMonthlyRewards) -> CommandResult[Any]:
    km: dict[str, Decimal] = {}
    for row in await views.vehicle_board(uow.conn, uow.site_id):
        vehicle = (await uow.load(VEHICLE, vehicle_stream(row.vehicle_id))).state
        for driver, driven in vehicle.km_in(command.month).items():
            km[driver] = km.get(driver, Decimal(0)) + driven
    people = {d.driver_id for d in await views.drivers(uow.conn, uow.site_id)}
    people |= set(km) | set(command.group_leads)
    incidents: dict[str, list[str]] = {}
    for person in sorted(people):
        conduct = (await uow.load(CONDUCT, conduct_stream(uow.site_id, person))).state
        if found := conduct.incidents(command.month):
            incidents[person] = found
    rules = uow.site.rules(FleetRules)
    lines, excluded = monthly_rewards(km, incidents, command.group_leads, rules)
    return await uow.execute(
        ProposeRewards(uow.site_id, command.month, tuple(lines), tuple(excluded))
    )


async def approve(uow: UnitOfWork, command: ApproveMonthlyRewards) -> CommandResult[Any]:
    result = await uow.execute(ApproveRewards(uow.site_id, command.month))
    source = rewards_stream(uow.site_id, command.month)
    for line in result.state.lines:
        await uow.execute(
            RecordReward(
                site_id=uow.site_id,
                person=line.person,
                entry_id=f"reward-{uow.site_id}-{command.month}-{line.person}-{line.kind}",
                month=command.month,
                amount_fen=line.amount_fen,
                reason=f"{WHAT[line.kind]} {command.month}"
                + (f": {line.km} km" if line.km is not None else ""),
                source=source,
            )
        )
    return result


REWARD_WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=ProposeMonthlyRewards,
        roles=roles("fleet_captain", "fleet_office"),
        site_of=lambda c: c.site_id,
        run=propose,
    ),
    Workflow(
        command=ApproveMonthlyRewards,
        roles=roles("manager"),
        site_of=lambda c: c.site_id,
        run=approve,
    ),
]

__all__ = ["REWARD_MONTH", "REWARD_WORKFLOWS"]
