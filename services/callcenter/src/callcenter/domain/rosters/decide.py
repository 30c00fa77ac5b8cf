"""Roster decisions (CC-8, CC-9) and the handover decision (CC-8)."""

from calendar import monthrange
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import assert_never

from opsledger.decider import DecisionContext
from opsledger.errors import DomainError
from opsledger_contracts import EventPayload
from opsledger_contracts.events.callcenter import (
    LeaveGranted,
    RosterAssignment,
    RosterChanged,
    RosterPublished,
    ShiftHandedOver,
    ShiftSwapAgreed,
    ShiftSwapApproved,
    ShiftSwapRequested,
)

from callcenter.domain.roles import SUPERVISOR_ROLES, SWAP_APPROVER_ROLES
from callcenter.domain.rosters import commands as c
from callcenter.domain.rosters.state import RosterState, Swap
from callcenter.domain.rosters.swaps import cc9, check_swap
from callcenter.domain.rules import CallcenterRules, TimeBand


def _holidays(ctx: DecisionContext, month: str) -> frozenset[date]:
    """CC-9 (rev.): every day of an official holiday period in the roster's month, the
    weekend days inside a period included (the site calendar, from the holidays package)."""
    year, mon = (int(x) for x in month.split("-"))
    days = (date(year, mon, day) for day in range(1, monthrange(year, mon)[1] + 1))
    return frozenset(d for d in days if ctx.site.in_official_holiday_period(d))


# CC-8 (rev.): how long before its first holiday a holiday roster is published.
HOLIDAY_ROSTER_NOTICE = timedelta(days=7)


def _bands(ctx: DecisionContext) -> Mapping[str, TimeBand]:
    """CC-8 (rev.): the site's band of each shift."""
    return {str(shift): band for shift, band in ctx.rules(CallcenterRules).shift_bands.items()}


def decide(
    state: RosterState, command: c.RosterCommand, ctx: DecisionContext
) -> Sequence[EventPayload]:
    if isinstance(command, c.PublishRoster):
        return _publish(state, command, ctx)
    if state.month is None:
        raise DomainError("CC-8", "no roster is published for this month", status=404)
    month = state.month
    match command:
        case c.ChangeRoster():
            return _change(state, month, command, ctx)
        case c.RecordSwapRequest():
            return _request_swap(state, month, command, ctx)
        case c.AgreeSwap():
            swap = state.swap(command.swap_id)
            if ctx.actor != swap.counterpart:
                raise cc9(f"only {swap.counterpart} can agree to this swap", status=403)
            if swap.agreed:
                raise cc9("the swap is agreed already", status=409)
            return [ShiftSwapAgreed(month=month, swap_id=swap.swap_id, agreed_by=ctx.actor)]
        case c.RecordSwapApproval():
            swap = state.swap(command.approval.swap_id)
            if not ctx.roles & SWAP_APPROVER_ROLES:
                raise cc9("only the call-center manager approves swaps", status=403)
            if swap.approved:
                raise cc9("the swap is approved already", status=409)
            if not swap.agreed:
                raise cc9(f"both parties must agree first ({swap.counterpart} has not)", "swap_id")
            # The roster may have moved since the request: check everything again.
            check_swap(state, swap, _holidays(ctx, month), _bands(ctx), command.next_door)
            return [ShiftSwapApproved(month=month, swap_id=swap.swap_id, approved_by=ctx.actor)]
        case c.GrantLeave():
            return _leave(state, month, command, ctx)
        case _:
            assert_never(command)


def _publish(state: RosterState, cmd: c.PublishRoster, ctx: DecisionContext) -> list[EventPayload]:
    if state.published:
        raise DomainError(
            "CC-8", f"the roster for {cmd.month} is published; change it entry by entry", status=409
        )
    # CC-8: published in advance, i.e. before the month starts (site-local).
    current = ctx.site.month(ctx.now)
    if cmd.month <= current:
        raise DomainError(
            "CC-8", f"a roster is published before its month starts (now {current})", field="month"
        )
    # CC-8 (rev., 001 1.1.6 「於一周前」): a roster with a holiday is out a week before it.
    periods = sorted(
        {p for d in _holidays(ctx, cmd.month) if (p := ctx.site.official_holiday_period(d))}
    )
    if periods:
        first = periods[0][0]  # a period may start in the month before
        deadline = first - HOLIDAY_ROSTER_NOTICE
        if ctx.site.local_date(ctx.now) > deadline:
            raise DomainError(
                "CC-8",
                f"{cmd.month} has the holiday period from {first}: its roster is published "
                f"at least a week ahead, by {deadline}",
                field="month",
            )
    if not cmd.assignments:
        raise DomainError("CC-8", "the roster has no assignments", field="assignments")
    for i, a in enumerate(cmd.assignments):
        if a.day.strftime("%Y-%m") != cmd.month:
            raise DomainError(
                "CC-8", f"{a.day} is not in {cmd.month}", field=f"assignments.{i}.date"
            )
    ordered = sorted({(a.day, a.shift, a.staff_id) for a in cmd.assignments})
    return [
        RosterPublished(
            month=cmd.month,
            assignments=[
                RosterAssignment(date=d.isoformat(), shift=s, staff_id=who) for d, s, who in ordered
            ],
        )
    ]


def _change(
    state: RosterState, month: str, cmd: c.ChangeRoster, ctx: DecisionContext
) -> list[EventPayload]:
    if not ctx.roles & SUPERVISOR_ROLES:
        raise DomainError("CC-8", "roster changes need a supervisor's approval", status=403)
    if cmd.day.strftime("%Y-%m") != month:
        raise DomainError("CC-8", f"{cmd.day} is not in {month}", field="date")
    if not cmd.remove_staff_id and not cmd.add_staff_id:
        raise DomainError("CC-8", "name who comes off or goes on", field="add_staff_id")
    if cmd.remove_staff_id and (cmd.day, cmd.shift, cmd.remove_staff_id) not in state.assignments:
        raise DomainError(
            "CC-8", f"{cmd.remove_staff_id} is not on that shift", field="remove_staff_id"
        )
    if cmd.add_staff_id and (cmd.day, cmd.shift, cmd.add_staff_id) in state.assignments:
        raise DomainError("CC-8", f"{cmd.add_staff_id} is on that shift", field="add_staff_id")
    return [
        RosterChanged(
            month=month,
            date=cmd.day.isoformat(),
            shift=cmd.shift,
            remove_staff_id=cmd.remove_staff_id,
            add_staff_id=cmd.add_staff_id,
            reason=cmd.reason,
            approved_by=ctx.actor,
        )
    ]


def _request_swap(
    state: RosterState, month: str, checked: c.RecordSwapRequest, ctx: DecisionContext
) -> list[EventPayload]:
    cmd = checked.request
    slots = (cmd.requester_slot, cmd.counterpart, cmd.counterpart_slot)
    swap = Swap(cmd.swap_id, ctx.actor, *slots)
    for day, fld in (
        (swap.requester_slot[0], "requester_date"),
        (swap.counterpart_slot[0], "counterpart_date"),
    ):
        if day.strftime("%Y-%m") != month:
            raise cc9(f"{day} is not in the roster month {month}", fld)
    check_swap(state, swap, _holidays(ctx, month), _bands(ctx), checked.next_door)
    return [
        ShiftSwapRequested(
            month=month,
            swap_id=swap.swap_id,
            requester=swap.requester,
            requester_date=swap.requester_slot[0].isoformat(),
            requester_shift=swap.requester_slot[1],
            counterpart=swap.counterpart,
            counterpart_date=swap.counterpart_slot[0].isoformat(),
            counterpart_shift=swap.counterpart_slot[1],
            reason=cmd.reason,
        )
    ]


def _leave(
    state: RosterState, month: str, cmd: c.GrantLeave, ctx: DecisionContext
) -> list[EventPayload]:
    if not ctx.roles & SUPERVISOR_ROLES:
        raise cc9("leave is granted by a shift lead or manager", status=403)
    if (cmd.day, cmd.shift, cmd.staff_id) not in state.assignments:
        raise cc9(f"{cmd.staff_id} is not rostered on {cmd.day} {cmd.shift}", "date")
    if cmd.day in _holidays(ctx, month):
        raise cc9(f"no leave on a public holiday ({cmd.day}) for rostered staff", "date")
    for swap in state.swaps:
        if cmd.day in swap.days_of(cmd.staff_id):
            raise cc9(
                f"{cmd.day} is a swap or pay-back day of {cmd.staff_id} (swap {swap.swap_id})",
                "date",
            )
    if (cmd.day, cmd.shift, cmd.staff_id) in state.leaves:
        raise cc9("that leave is granted already", status=409)
    return [
        LeaveGranted(
            month=month,
            staff_id=cmd.staff_id,
            date=cmd.day.isoformat(),
            shift=cmd.shift,
            reason=cmd.reason,
            granted_by=ctx.actor,
        )
    ]


def decide_handover(
    handed_over: bool, cmd: c.HandOverShift, ctx: DecisionContext
) -> Sequence[EventPayload]:
    """One handover per site, day and shift (CC-8)."""
    if handed_over:
        raise DomainError("CC-8", "this shift was handed over already", status=409)
    incoming = cmd.incoming.strip()
    # CC-8 (001 三): the outgoing agent cannot hand over to nobody.
    if not incoming:
        raise DomainError("CC-8", "a shift cannot be handed over to nobody", field="incoming")
    if incoming == ctx.actor:
        raise DomainError("CC-8", "hand over to somebody else", field="incoming")
    if not cmd.equipment_state.strip():
        raise DomainError("CC-8", "record the equipment state", field="equipment_state")
    return [
        ShiftHandedOver(
            date=cmd.day.isoformat(),
            shift=cmd.shift,
            outgoing=ctx.actor,
            incoming=incoming,
            equipment_state=cmd.equipment_state,
            open_issues=cmd.open_issues,
            staffing_changes=cmd.staffing_changes,
        )
    ]
