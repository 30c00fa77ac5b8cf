"""Monthly three-shift rosters, shift swaps, leave (CC-8, CC-9) and handovers (CC-8).

One roster per site and site-local month, stream `roster-<site>-<YYYY-MM>`. Public
holidays are passed in (from the site calendar); nothing here does I/O.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

from opsledger.errors import DomainError
from opsledger.eventstore import RecordedEvent
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

STREAM_TYPE = "Roster"
HANDOVER_STREAM_TYPE = "ShiftHandover"

Shift = Literal["morning", "afternoon", "night"]
# Three shifts in the order they follow each other within a day: night 00-08,
# morning 08-16, afternoon 16-24 (so afternoon is followed by the next day's night).
SHIFT_ORDER: dict[str, int] = {"night": 0, "morning": 1, "afternoon": 2}
# CC-9: swaps per person per month. *Configurable*.
MAX_SWAPS_PER_MONTH = 3
SUPERVISOR_ROLES: frozenset[str] = frozenset({"shift_lead", "cc_manager", "admin"})
# CC-9 (001 七: 部門經理簽字批準): the manager approves swaps.
SWAP_APPROVER_ROLES: frozenset[str] = frozenset({"cc_manager", "admin"})

Slot = tuple[date, str]  # (day, shift)


def stream_id(site_id: str, month: str) -> str:
    return f"roster-{site_id}-{month}"


def handover_stream_id(site_id: str, day: date, shift: str) -> str:
    return f"handover-{site_id}-{day.isoformat()}-{shift}"


def slot_index(slot: Slot) -> int:
    """Position of a shift in the continuous sequence of shifts (adjacent = back to back)."""
    day, shift = slot
    return day.toordinal() * 3 + SHIFT_ORDER[shift]


@dataclass(frozen=True)
class Swap:
    swap_id: str
    requester: str
    requester_slot: Slot
    counterpart: str
    counterpart_slot: Slot
    agreed: bool = False
    approved: bool = False

    def days_of(self, staff_id: str) -> set[date]:
        if staff_id in (self.requester, self.counterpart):
            return {self.requester_slot[0], self.counterpart_slot[0]}
        return set()


@dataclass(frozen=True)
class RosterState:
    month: str | None = None
    # (day, shift, staff_id)
    assignments: frozenset[tuple[date, str, str]] = frozenset()
    swaps: tuple[Swap, ...] = ()
    leaves: frozenset[tuple[date, str, str]] = frozenset()

    @property
    def published(self) -> bool:
        return self.month is not None

    def slots_of(self, staff_id: str) -> set[Slot]:
        return {(d, s) for d, s, who in self.assignments if who == staff_id}

    def swap(self, swap_id: str) -> Swap:
        for s in self.swaps:
            if s.swap_id == swap_id:
                return s
        raise DomainError("NOT_FOUND", f"swap {swap_id} does not exist", status=404)

    def approved_swaps_of(self, staff_id: str, *, besides: str = "") -> list[Swap]:
        return [
            s
            for s in self.swaps
            if s.approved and s.swap_id != besides and staff_id in (s.requester, s.counterpart)
        ]


# --- commands -------------------------------------------------------------------------


@dataclass(frozen=True)
class Assignment:
    day: date
    shift: str
    staff_id: str


@dataclass(frozen=True)
class PublishRoster:
    month: str
    current_month: str  # the site-local month now
    assignments: tuple[Assignment, ...]


@dataclass(frozen=True)
class ChangeRoster:
    day: date
    shift: str
    reason: str
    by: str
    by_roles: frozenset[str]
    remove_staff_id: str | None = None
    add_staff_id: str | None = None


@dataclass(frozen=True)
class RequestSwap:
    swap_id: str
    requester: str
    requester_slot: Slot
    counterpart: str
    counterpart_slot: Slot
    reason: str
    holidays: frozenset[date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class AgreeSwap:
    swap_id: str
    by: str


@dataclass(frozen=True)
class ApproveSwap:
    swap_id: str
    by: str
    by_roles: frozenset[str]
    holidays: frozenset[date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class GrantLeave:
    staff_id: str
    day: date
    shift: str
    reason: str
    by: str
    by_roles: frozenset[str]
    holidays: frozenset[date] = field(default_factory=frozenset)


RosterCommand = PublishRoster | ChangeRoster | RequestSwap | AgreeSwap | ApproveSwap | GrantLeave


def _slot(day: str, shift: str) -> Slot:
    return (date.fromisoformat(day), shift)


def _apply_swap(
    assignments: frozenset[tuple[date, str, str]], s: Swap
) -> frozenset[tuple[date, str, str]]:
    (rd, rs), (cd, cs) = s.requester_slot, s.counterpart_slot
    out = set(assignments)
    out.discard((rd, rs, s.requester))
    out.discard((cd, cs, s.counterpart))
    out.add((rd, rs, s.counterpart))
    out.add((cd, cs, s.requester))
    return frozenset(out)


def evolve(state: RosterState, event: RecordedEvent) -> RosterState:
    p = event.payload
    match event.event_type:
        case RosterPublished.event_type:
            e = RosterPublished.model_validate(p)
            return RosterState(
                month=e.month,
                assignments=frozenset(
                    (date.fromisoformat(a.date), a.shift, a.staff_id) for a in e.assignments
                ),
            )
        case RosterChanged.event_type:
            c = RosterChanged.model_validate(p)
            out = set(state.assignments)
            day = date.fromisoformat(c.date)
            if c.remove_staff_id:
                out.discard((day, c.shift, c.remove_staff_id))
            if c.add_staff_id:
                out.add((day, c.shift, c.add_staff_id))
            return replace(state, assignments=frozenset(out))
        case ShiftSwapRequested.event_type:
            r = ShiftSwapRequested.model_validate(p)
            swap = Swap(
                swap_id=r.swap_id,
                requester=r.requester,
                requester_slot=_slot(r.requester_date, r.requester_shift),
                counterpart=r.counterpart,
                counterpart_slot=_slot(r.counterpart_date, r.counterpart_shift),
            )
            return replace(state, swaps=(*state.swaps, swap))
        case ShiftSwapAgreed.event_type:
            sid = str(p["swap_id"])
            return replace(
                state,
                swaps=tuple(
                    replace(s, agreed=True) if s.swap_id == sid else s for s in state.swaps
                ),
            )
        case ShiftSwapApproved.event_type:
            sid = str(p["swap_id"])
            swap = state.swap(sid)
            return replace(
                state,
                assignments=_apply_swap(state.assignments, swap),
                swaps=tuple(
                    replace(s, approved=True) if s.swap_id == sid else s for s in state.swaps
                ),
            )
        case LeaveGranted.event_type:
            g = LeaveGranted.model_validate(p)
            return replace(
                state, leaves=state.leaves | {(date.fromisoformat(g.date), g.shift, g.staff_id)}
            )
        case _:
            return state


def _cc9(message: str, field: str | None = None, status: int = 422) -> DomainError:
    return DomainError("CC-9", message, field=field, status=status)


def check_swap(state: RosterState, s: Swap, holidays: frozenset[date]) -> None:
    """Every CC-9 constraint on a swap against the roster as it stands (raises CC-9)."""
    if s.requester == s.counterpart:
        raise _cc9("a swap needs two different people", "counterpart")
    if (*s.requester_slot, s.requester) not in state.assignments:
        raise _cc9(
            f"{s.requester} is not rostered on {s.requester_slot[0]} {s.requester_slot[1]}",
            "requester_date",
        )
    if (*s.counterpart_slot, s.counterpart) not in state.assignments:
        raise _cc9(
            f"{s.counterpart} is not rostered on {s.counterpart_slot[0]} {s.counterpart_slot[1]}",
            "counterpart_date",
        )
    for day, fld in (
        (s.requester_slot[0], "requester_date"),
        (s.counterpart_slot[0], "counterpart_date"),
    ):
        if day in holidays:
            raise _cc9(f"no swaps on a public holiday ({day}) for rostered staff", fld)
    for person, fld in ((s.requester, "requester"), (s.counterpart, "counterpart")):
        earlier = state.approved_swaps_of(person, besides=s.swap_id)
        if len(earlier) >= MAX_SWAPS_PER_MONTH:
            raise _cc9(
                f"{person} has swapped {len(earlier)} times this month "
                f"(at most {MAX_SWAPS_PER_MONTH})",
                fld,
            )
        mine = s.days_of(person)
        for other in earlier:
            if any(abs((a - b).days) <= 1 for a in mine for b in other.days_of(person)):
                raise _cc9(f"{person} would swap on consecutive days (swap {other.swap_id})", fld)
        for day, shift, who in state.leaves:
            if who == person and day in mine:
                raise _cc9(f"{person} is on leave on {day} ({shift})", fld)
    # 換班者、還班者不允許連班: the shift each party takes on must not touch another of theirs.
    after = _apply_swap(state.assignments, s)
    for person, gained, fld in (
        (s.requester, s.counterpart_slot, "requester"),
        (s.counterpart, s.requester_slot, "counterpart"),
    ):
        new = slot_index(gained)
        for d, sh, who in after:
            if who == person and (d, sh) != gained and abs(slot_index((d, sh)) - new) <= 1:
                raise _cc9(
                    f"{person} would work two shifts back to back ({d} {sh} and "
                    f"{gained[0]} {gained[1]})",
                    fld,
                )


class RosterDecider:
    """The monthly roster of one site (CC-8, CC-9)."""

    stream_type = STREAM_TYPE

    def initial_state(self) -> RosterState:
        return RosterState()

    def evolve(self, state: RosterState, event: RecordedEvent) -> RosterState:
        return evolve(state, event)

    def decide(
        self, state: RosterState, command: RosterCommand, now: datetime
    ) -> Sequence[EventPayload]:
        if isinstance(command, PublishRoster):
            return self._publish(state, command)
        if not state.published or state.month is None:
            raise DomainError("CC-8", "no roster is published for this month", status=404)
        month = state.month
        match command:
            case ChangeRoster():
                return self._change(state, month, command)
            case RequestSwap():
                swap = Swap(
                    swap_id=command.swap_id,
                    requester=command.requester,
                    requester_slot=command.requester_slot,
                    counterpart=command.counterpart,
                    counterpart_slot=command.counterpart_slot,
                )
                for day, fld in (
                    (swap.requester_slot[0], "requester_date"),
                    (swap.counterpart_slot[0], "counterpart_date"),
                ):
                    if day.strftime("%Y-%m") != month:
                        raise _cc9(f"{day} is not in the roster month {month}", fld)
                check_swap(state, swap, command.holidays)
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
                        reason=command.reason,
                    )
                ]
            case AgreeSwap():
                swap = state.swap(command.swap_id)
                if command.by != swap.counterpart:
                    raise _cc9(f"only {swap.counterpart} can agree to this swap", status=403)
                if swap.agreed:
                    raise _cc9("the swap is agreed already", status=409)
                return [ShiftSwapAgreed(month=month, swap_id=swap.swap_id, agreed_by=command.by)]
            case ApproveSwap():
                swap = state.swap(command.swap_id)
                if not command.by_roles & SWAP_APPROVER_ROLES:
                    raise _cc9("only the call-center manager approves swaps", status=403)
                if swap.approved:
                    raise _cc9("the swap is approved already", status=409)
                if not swap.agreed:
                    raise _cc9(
                        f"both parties must agree first ({swap.counterpart} has not)", "swap_id"
                    )
                # The roster may have moved since the request: check everything again.
                check_swap(state, swap, command.holidays)
                return [
                    ShiftSwapApproved(month=month, swap_id=swap.swap_id, approved_by=command.by)
                ]
            case GrantLeave():
                return self._leave(state, month, command)
        raise TypeError(f"unknown command {command!r}")

    def _publish(self, state: RosterState, c: PublishRoster) -> list[EventPayload]:
        if state.published:
            raise DomainError(
                "CC-8",
                f"the roster for {c.month} is published; change it entry by entry",
                status=409,
            )
        # CC-8: published in advance, i.e. before the month starts (site-local).
        if c.month <= c.current_month:
            raise DomainError(
                "CC-8",
                f"a roster is published before its month starts (now {c.current_month})",
                field="month",
            )
        if not c.assignments:
            raise DomainError("CC-8", "the roster has no assignments", field="assignments")
        for i, a in enumerate(c.assignments):
            if a.day.strftime("%Y-%m") != c.month:
                raise DomainError(
                    "CC-8", f"{a.day} is not in {c.month}", field=f"assignments.{i}.date"
                )
        ordered = sorted({(a.day, a.shift, a.staff_id) for a in c.assignments})
        return [
            RosterPublished(
                month=c.month,
                assignments=[
                    RosterAssignment(date=d.isoformat(), shift=s, staff_id=who)
                    for d, s, who in ordered
                ],
            )
        ]

    def _change(self, state: RosterState, month: str, c: ChangeRoster) -> list[EventPayload]:
        if not c.by_roles & SUPERVISOR_ROLES:
            raise DomainError("CC-8", "roster changes need a supervisor's approval", status=403)
        if c.day.strftime("%Y-%m") != month:
            raise DomainError("CC-8", f"{c.day} is not in {month}", field="date")
        if not c.remove_staff_id and not c.add_staff_id:
            raise DomainError("CC-8", "name who comes off or goes on", field="add_staff_id")
        if c.remove_staff_id and (c.day, c.shift, c.remove_staff_id) not in state.assignments:
            raise DomainError(
                "CC-8", f"{c.remove_staff_id} is not on that shift", field="remove_staff_id"
            )
        if c.add_staff_id and (c.day, c.shift, c.add_staff_id) in state.assignments:
            raise DomainError("CC-8", f"{c.add_staff_id} is on that shift", field="add_staff_id")
        return [
            RosterChanged(
                month=month,
                date=c.day.isoformat(),
                shift=c.shift,
                remove_staff_id=c.remove_staff_id,
                add_staff_id=c.add_staff_id,
                reason=c.reason,
                approved_by=c.by,
            )
        ]

    def _leave(self, state: RosterState, month: str, c: GrantLeave) -> list[EventPayload]:
        if not c.by_roles & SUPERVISOR_ROLES:
            raise _cc9("leave is granted by a shift lead or manager", status=403)
        if (c.day, c.shift, c.staff_id) not in state.assignments:
            raise _cc9(f"{c.staff_id} is not rostered on {c.day} {c.shift}", "date")
        if c.day in c.holidays:
            raise _cc9(f"no leave on a public holiday ({c.day}) for rostered staff", "date")
        for swap in state.swaps:
            if c.day in swap.days_of(c.staff_id):
                raise _cc9(
                    f"{c.day} is a swap or pay-back day of {c.staff_id} (swap {swap.swap_id})",
                    "date",
                )
        if (c.day, c.shift, c.staff_id) in state.leaves:
            raise _cc9("that leave is granted already", status=409)
        return [
            LeaveGranted(
                month=month,
                staff_id=c.staff_id,
                date=c.day.isoformat(),
                shift=c.shift,
                reason=c.reason,
                granted_by=c.by,
            )
        ]


# --- handover -------------------------------------------------------------------------


@dataclass(frozen=True)
class HandOverShift:
    day: date
    shift: str
    outgoing: str
    incoming: str
    equipment_state: str
    open_issues: str
    staffing_changes: str


class HandoverDecider:
    """One handover per site, day and shift (CC-8)."""

    stream_type = HANDOVER_STREAM_TYPE

    def initial_state(self) -> bool:
        return False

    def evolve(self, state: bool, event: RecordedEvent) -> bool:
        return state or event.event_type == ShiftHandedOver.event_type

    def decide(self, state: bool, command: HandOverShift, now: datetime) -> Sequence[EventPayload]:
        if state:
            raise DomainError("CC-8", "this shift was handed over already", status=409)
        incoming = command.incoming.strip()
        # CC-8 (001 三): the outgoing agent cannot hand over to nobody.
        if not incoming:
            raise DomainError("CC-8", "a shift cannot be handed over to nobody", field="incoming")
        if incoming == command.outgoing:
            raise DomainError("CC-8", "hand over to somebody else", field="incoming")
        if not command.equipment_state.strip():
            raise DomainError("CC-8", "record the equipment state", field="equipment_state")
        return [
            ShiftHandedOver(
                date=command.day.isoformat(),
                shift=command.shift,
                outgoing=command.outgoing,
                incoming=incoming,
                equipment_state=command.equipment_state,
                open_issues=command.open_issues,
                staffing_changes=command.staffing_changes,
            )
        ]
