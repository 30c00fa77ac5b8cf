"""FL-9 rewards of a site-month (stream rewards-<site>-<month>): propose, sign, approve.

A month without incident earns the driver `safe_month_driver_fen` and the group lead
`safe_month_group_lead_fen`; the safe-km subsidy is `safe_km_fen_per_100km` per whole
100 km of the month (rounded down, *rev.*). The fleet signs, the manager approves; only
then does each line become a ledger entry (the `ApproveMonthlyRewards` workflow).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, assert_never

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.pipeline import SYSTEM_ONLY, roles
from opsledger_contracts import EventPayload
from opsledger_contracts.events.fleet import (
    MonthlyRewardsApproved,
    MonthlyRewardsProposed,
    MonthlyRewardsSigned,
    RewardExclusion,
    RewardLine,
)

from fleet.domain.common import conflict, refuse
from fleet.domain.rewards.commands import (
    ApproveRewards,
    ProposeRewards,
    RewardCommand,
    SignRewards,
)
from fleet.domain.rules import FleetRules

__all__ = ["REWARD_MONTH", "RewardMonthState", "monthly_rewards", "rewards_stream"]


def monthly_rewards(
    km_by_driver: Mapping[str, Decimal],
    incidents: Mapping[str, Sequence[str]],
    group_leads: Sequence[str],
    rules: FleetRules,
) -> tuple[list[RewardLine], list[RewardExclusion]]:
    """FL-9 for one site-month: drivers who drove (km > 0) and group leads.

    A driver with an incident earns neither reward; a group lead earns the safe month
    only if at least one driver drove and no driver of the site (nor the lead) had one.
    """
    lines: list[RewardLine] = []
    excluded: list[RewardExclusion] = []
    for driver in sorted(km_by_driver):
        km = km_by_driver[driver]
        if km <= 0:
            continue
        if incidents.get(driver):
            excluded.append(RewardExclusion(person=driver, reason="; ".join(incidents[driver])))
            continue
        lines.append(
            RewardLine(
                person=driver, kind="safe_month_driver", amount_fen=rules.safe_month_driver_fen
            )
        )
        subsidy = int(km // 100) * rules.safe_km_fen_per_100km  # whole 100 km only (rev.)
        if subsidy > 0:
            lines.append(RewardLine(person=driver, kind="safe_km", amount_fen=subsidy, km=km))
    drove = any(km > 0 for km in km_by_driver.values())
    spoiled = sorted(p for p, found in incidents.items() if found and p not in group_leads)
    for lead in sorted(set(group_leads)):
        if not drove:
            continue
        if incidents.get(lead):
            excluded.append(RewardExclusion(person=lead, reason="; ".join(incidents[lead])))
        elif spoiled:
            reason = f"an incident in the group: {', '.join(spoiled)}"
            excluded.append(RewardExclusion(person=lead, reason=reason))
        else:
            amount = rules.safe_month_group_lead_fen
            lines.append(RewardLine(person=lead, kind="safe_month_group_lead", amount_fen=amount))
    return [line for line in lines if line.amount_fen > 0], excluded


@dataclass(frozen=True)
class RewardMonthState:
    site_id: str = ""
    month: str = ""
    revision: int = 0
    lines: tuple[RewardLine, ...] = ()
    excluded: tuple[RewardExclusion, ...] = ()
    signed_by: str | None = None
    approved_by: str | None = None

    @property
    def total_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines)

    @property
    def status(self) -> str:
        if self.approved_by:
            return "approved"
        return "signed" if self.signed_by else "proposed" if self.revision else ""


def rewards_stream(site_id: str, month: str) -> str:
    return f"rewards-{site_id}-{month}"


def evolve(state: RewardMonthState, event: Event) -> RewardMonthState:
    match event.payload:
        case MonthlyRewardsProposed() as e:
            return changed(
                state,
                site_id=event.site_id,
                month=e.month,
                revision=e.revision,
                lines=tuple(e.lines),
                excluded=tuple(e.excluded),
            )
        case MonthlyRewardsSigned():
            return changed(state, signed_by=event.actor)
        case MonthlyRewardsApproved():
            return changed(state, approved_by=event.actor)
    return state


def decide(
    state: RewardMonthState, command: RewardCommand, ctx: DecisionContext
) -> list[EventPayload]:
    match command:
        case ProposeRewards():
            if ctx.site.month(ctx.now) <= command.month:
                refuse("FL-9", f"{command.month} is not over yet in the site's time zone", "month")
            if state.signed_by:
                refuse("FL-9", f"the rewards of {command.month} are signed: no recomputation")
            return [
                MonthlyRewardsProposed(
                    month=command.month,
                    revision=state.revision + 1,
                    lines=list(command.lines),
                    excluded=list(command.excluded),
                    total_fen=sum(line.amount_fen for line in command.lines),
                )
            ]
        case SignRewards():
            if state.signed_by:
                conflict(f"the rewards of {state.month} are already signed")
            return [MonthlyRewardsSigned(month=state.month, revision=state.revision)]
        case ApproveRewards():
            if not state.signed_by:
                refuse("FL-9", "the fleet signs the rewards before the manager approves them")
            if state.approved_by:
                conflict(f"the rewards of {state.month} are already approved")
            return [
                MonthlyRewardsApproved(
                    month=state.month, revision=state.revision, total_fen=state.total_fen
                )
            ]
        case _:
            assert_never(command)


def _stream_id(command: Any) -> str:
    return rewards_stream(command.site_id, command.month)


REWARD_MONTH: Aggregate[RewardMonthState, RewardCommand] = Aggregate(
    stream_type="RewardMonth",
    stream_prefix="rewards-",
    initial=RewardMonthState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={
        ProposeRewards: (SYSTEM_ONLY, decide),  # the ProposeMonthlyRewards workflow
        SignRewards: (roles("fleet_captain", "fleet_office"), decide),
        ApproveRewards: (SYSTEM_ONLY, decide),  # the ApproveMonthlyRewards workflow (manager)
    },
    creates=frozenset({ProposeRewards}),
)
