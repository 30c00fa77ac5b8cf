"""Commands on a site's monthly rewards (FL-9)."""

from dataclasses import dataclass

from opsledger_contracts.events.fleet import RewardExclusion, RewardLine


@dataclass(frozen=True)
class ProposeRewards:
    """The month's rewards computed from the log (run by `ProposeMonthlyRewards`)."""

    site_id: str
    month: str
    lines: tuple[RewardLine, ...]
    excluded: tuple[RewardExclusion, ...]


@dataclass(frozen=True)
class SignRewards:
    site_id: str
    month: str


@dataclass(frozen=True)
class ApproveRewards:
    site_id: str
    month: str


RewardCommand = ProposeRewards | SignRewards | ApproveRewards
