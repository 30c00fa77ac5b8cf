"""WO-12 rev.2 on the work order: "two people working there at the same time: both
assigned, both checked in". Pure decisions; the check-in workflow
(`dispatch.workflows.key_locations.check_in`) checks the clearance on the day first;
the event is kept with the registry's other flow-4 events in `dispatch.domain.clearances`.
"""

from dataclasses import dataclass

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload

from dispatch.domain.clearances import KeyLocationCheckedIn
from dispatch.domain.work_order.state import OPEN_STATUSES, WorkOrderState


@dataclass(frozen=True)
class CheckInAtKeyLocation:
    """HTTP: the caller (their own token) checks in at the order's key location."""

    work_order_id: str


@dataclass(frozen=True)
class RecordKeyLocationCheckIn:
    """Run by the check-in workflow once it found the caller cleared today."""

    work_order_id: str


def the_two(state: WorkOrderState) -> tuple[str, ...]:
    """The order's two people at its key location (WO-12)."""
    return tuple(p for p in (state.assignee, state.second_assignee) if p)


def check_in(
    state: WorkOrderState, command: RecordKeyLocationCheckIn, ctx: DecisionContext
) -> list[EventPayload]:
    location = state.key_location_id
    if location is None:
        raise DomainError(
            "WO-12",
            f"work order {state.work_order_id} is not at a key secrecy location: "
            "there is nothing to check in to",
        )
    if ctx.actor not in the_two(state):
        raise DomainError(
            "WO-12",
            f"only the two people assigned to {state.work_order_id} "
            f"({', '.join(the_two(state))}) check in at key location {location}",
            status=403,
        )
    if state.status not in OPEN_STATUSES:
        raise DomainError(
            "WO-12", f"work order {state.work_order_id} is {state.status}: no check-in now"
        )
    if ctx.actor in state.checked_in:
        raise DomainError(
            "WO-12", f"{ctx.actor} is checked in at {location} for {state.work_order_id} already"
        )
    return [
        KeyLocationCheckedIn(
            work_order_id=state.work_order_id, person_id=ctx.actor, location_id=location
        )
    ]


def must_have_both_checked_in(state: WorkOrderState) -> None:
    """WO-12 rev.2: work at a key location is recorded only when both people checked in."""
    if state.key_location_id is None:
        return
    missing = [p for p in the_two(state) if p not in state.checked_in]
    if missing:
        raise DomainError(
            "WO-12",
            f"work order {state.work_order_id} is at key location {state.key_location_id}: "
            f"both people check in before the work is recorded; not checked in: "
            f"{', '.join(missing)}",
        )
