"""The monthly roster's state: assignments, swaps and leave (one typed `match`)."""

from dataclasses import dataclass
from datetime import date

from opsledger.decider import Event, changed
from opsledger.errors import DomainError
from opsledger_contracts.events.callcenter import (
    LeaveGranted,
    RosterChanged,
    RosterPublished,
    ShiftSwapAgreed,
    ShiftSwapApproved,
    ShiftSwapRequested,
)

from callcenter.domain.rosters.commands import Entry, NextDoor, Slot

# How a day's shifts are listed: by the start of their default bands (CC-8 rev.: morning
# 08:00-20:00, afternoon 09:00-21:00, night 20:00-08:00); the bands are per site.
SHIFT_ORDER: dict[str, int] = {"morning": 0, "afternoon": 1, "night": 2}


@dataclass(frozen=True, slots=True)
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


@dataclass(frozen=True, slots=True)
class RosterState:
    site_id: str = ""
    month: str | None = None
    assignments: frozenset[Entry] = frozenset()
    swaps: tuple[Swap, ...] = ()
    leaves: frozenset[Entry] = frozenset()

    @property
    def published(self) -> bool:
        return self.month is not None

    def swap(self, swap_id: str) -> Swap:
        for s in self.swaps:
            if s.swap_id == swap_id:
                return s
        raise DomainError("NOT_FOUND", f"swap {swap_id} does not exist", status=404)

    @property
    def next_door(self) -> NextDoor:
        """What this month tells a neighbouring month's swap checks (CC-9 rev.)."""
        return NextDoor(
            shifts=self.assignments,
            swap_days=frozenset(
                (who, day, s.swap_id)
                for s in self.swaps
                if s.approved
                for who in (s.requester, s.counterpart)
                for day in s.days_of(who)
            ),
        )

    def approved_swaps_of(self, staff_id: str) -> list[Swap]:
        """The person's approved swaps (the one being checked never is: approval is once)."""
        return [s for s in self.swaps if s.approved and staff_id in (s.requester, s.counterpart)]


def apply_swap(assignments: frozenset[Entry], s: Swap) -> frozenset[Entry]:
    (rd, rs), (cd, cs) = s.requester_slot, s.counterpart_slot
    out = set(assignments)
    out.discard((rd, rs, s.requester))
    out.discard((cd, cs, s.counterpart))
    out.add((rd, rs, s.counterpart))
    out.add((cd, cs, s.requester))
    return frozenset(out)


def _slot(day: str, shift: str) -> Slot:
    return (date.fromisoformat(day), shift)


def _marked(state: RosterState, swap_id: str, *, approved: bool = False) -> tuple[Swap, ...]:
    """The swaps with `swap_id` agreed (and approved when `approved`)."""
    return tuple(
        changed(s, agreed=True, approved=approved or s.approved) if s.swap_id == swap_id else s
        for s in state.swaps
    )


def evolve(state: RosterState, event: Event) -> RosterState:
    match event.payload:
        case RosterPublished() as e:
            return RosterState(
                site_id=event.site_id,
                month=e.month,
                assignments=frozenset(
                    (date.fromisoformat(a.date), a.shift, a.staff_id) for a in e.assignments
                ),
            )
        case RosterChanged() as ch:
            out = set(state.assignments)
            day = date.fromisoformat(ch.date)
            if ch.remove_staff_id:
                out.discard((day, ch.shift, ch.remove_staff_id))
            if ch.add_staff_id:
                out.add((day, ch.shift, ch.add_staff_id))
            return changed(state, assignments=frozenset(out))
        case ShiftSwapRequested() as r:
            swap = Swap(
                swap_id=r.swap_id,
                requester=r.requester,
                requester_slot=_slot(r.requester_date, r.requester_shift),
                counterpart=r.counterpart,
                counterpart_slot=_slot(r.counterpart_date, r.counterpart_shift),
            )
            return changed(state, swaps=(*state.swaps, swap))
        case ShiftSwapAgreed(swap_id=swap_id):
            return changed(state, swaps=_marked(state, swap_id))
        case ShiftSwapApproved(swap_id=swap_id):
            return changed(
                state,
                assignments=apply_swap(state.assignments, state.swap(swap_id)),
                swaps=_marked(state, swap_id, approved=True),
            )
        case LeaveGranted() as g:
            leave = (date.fromisoformat(g.date), g.shift, g.staff_id)
            return changed(state, leaves=state.leaves | {leave})
    return state
