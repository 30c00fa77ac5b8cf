"""Commands of the roster (CC-8, CC-9) and handover (CC-8) aggregates.

Who acts (requester, approver, outgoing agent) is the token's staff; public holidays and
the current month come from the site calendar in the decision context.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Literal
from uuid import uuid4

Shift = Literal["morning", "afternoon", "night"]
Slot = tuple[date, str]  # (day, shift)
Entry = tuple[date, str, str]  # (day, shift, staff_id)


def new_swap_id() -> str:
    return f"S-{uuid4().hex[:8]}"


@dataclass(frozen=True, slots=True)
class Assignment:
    day: date
    shift: str
    staff_id: str


@dataclass(frozen=True, slots=True)
class PublishRoster:
    site_id: str
    month: str
    assignments: tuple[Assignment, ...]


@dataclass(frozen=True, slots=True)
class ChangeRoster:
    site_id: str
    month: str
    day: date
    shift: str
    reason: str
    remove_staff_id: str | None = None
    add_staff_id: str | None = None


@dataclass(frozen=True, slots=True)
class RequestSwap:
    site_id: str
    month: str
    requester_slot: Slot
    counterpart: str
    counterpart_slot: Slot
    reason: str
    swap_id: str = field(default_factory=new_swap_id)


@dataclass(frozen=True, slots=True)
class AgreeSwap:
    site_id: str
    month: str
    swap_id: str


@dataclass(frozen=True, slots=True)
class ApproveSwap:
    site_id: str
    month: str
    swap_id: str


@dataclass(frozen=True, slots=True)
class NextDoor:
    """The months before and after a roster's, as the swap workflow read them (CC-9 rev.):
    who works which shift there, and the days of the swaps approved there."""

    shifts: frozenset[Entry] = frozenset()
    swap_days: frozenset[tuple[str, date, str]] = frozenset()  # (staff, day, swap id)

    @classmethod
    def join(cls, *months: "NextDoor") -> "NextDoor":
        return cls(
            shifts=frozenset().union(*(m.shifts for m in months)),
            swap_days=frozenset().union(*(m.swap_days for m in months)),
        )


@dataclass(frozen=True, slots=True)
class RecordSwapRequest:
    """A `RequestSwap` with the neighbouring months it is checked against."""

    request: RequestSwap
    next_door: NextDoor

    @property
    def site_id(self) -> str:
        return self.request.site_id

    @property
    def month(self) -> str:
        return self.request.month


@dataclass(frozen=True, slots=True)
class RecordSwapApproval:
    """An `ApproveSwap` with the neighbouring months it is checked against again."""

    approval: ApproveSwap
    next_door: NextDoor

    @property
    def site_id(self) -> str:
        return self.approval.site_id

    @property
    def month(self) -> str:
        return self.approval.month


def neighbouring_months(month: str) -> tuple[str, str]:
    """The months before and after `month` (YYYY-MM)."""
    year, mon = (int(x) for x in month.split("-"))
    before = f"{year - 1}-12" if mon == 1 else f"{year}-{mon - 1:02d}"
    after = f"{year + 1}-01" if mon == 12 else f"{year}-{mon + 1:02d}"
    return before, after


@dataclass(frozen=True, slots=True)
class GrantLeave:
    site_id: str
    month: str
    staff_id: str
    day: date
    shift: str
    reason: str


RosterCommand = (
    PublishRoster | ChangeRoster | RecordSwapRequest | AgreeSwap | RecordSwapApproval | GrantLeave
)


def stream_id(site_id: str, month: str) -> str:
    return f"roster-{site_id}-{month}"


def roster_stream(command: RosterCommand) -> str:
    return stream_id(command.site_id, command.month)


@dataclass(frozen=True, slots=True)
class HandOverShift:
    site_id: str
    day: date
    shift: str
    incoming: str
    equipment_state: str
    open_issues: str = ""
    staffing_changes: str = ""


def handover_stream(command: HandOverShift) -> str:
    return f"handover-{command.site_id}-{command.day.isoformat()}-{command.shift}"
