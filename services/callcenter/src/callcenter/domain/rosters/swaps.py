"""CC-9 constraints on a shift swap, checked at request and again at approval."""

from collections.abc import Mapping
from datetime import date, datetime

from opsledger.errors import DomainError

from callcenter.domain.rosters.commands import Entry, NextDoor, Slot
from callcenter.domain.rosters.state import RosterState, Swap, apply_swap
from callcenter.domain.rules import TimeBand

# CC-9: swaps per person per month. *Configurable*.
MAX_SWAPS_PER_MONTH = 3

Bands = Mapping[str, TimeBand]


def cc9(message: str, field: str | None = None, status: int = 422) -> DomainError:
    return DomainError("CC-9", message, field=field, status=status)


def worked(slot: Slot, bands: Bands) -> tuple[datetime, datetime]:
    """When a shift is worked: its site's band on its day (site-local)."""
    day, shift = slot
    return bands[shift].on(day)


def back_to_back(a: Slot, b: Slot, bands: Bands) -> bool:
    """Two different shifts of one person that touch or overlap (no rest between them)."""
    (a_start, a_end), (b_start, b_end) = worked(a, bands), worked(b, bands)
    return a != b and a_start <= b_end and b_start <= a_end


def check_swap(
    state: RosterState,
    s: Swap,
    holidays: frozenset[date],
    bands: Bands,
    next_door: NextDoor,
) -> None:
    """Every CC-9 constraint on a swap against the roster as it stands (raises CC-9).

    `next_door` holds the neighbouring months' shifts and approved swap days, so back to
    back and consecutive swaps are checked across month boundaries (CC-9 rev.).
    """
    if s.requester == s.counterpart:
        raise cc9("a swap needs two different people", "counterpart")
    if (*s.requester_slot, s.requester) not in state.assignments:
        raise cc9(
            f"{s.requester} is not rostered on {s.requester_slot[0]} {s.requester_slot[1]}",
            "requester_date",
        )
    if (*s.counterpart_slot, s.counterpart) not in state.assignments:
        raise cc9(
            f"{s.counterpart} is not rostered on {s.counterpart_slot[0]} {s.counterpart_slot[1]}",
            "counterpart_date",
        )
    for day, fld in (
        (s.requester_slot[0], "requester_date"),
        (s.counterpart_slot[0], "counterpart_date"),
    ):
        if day in holidays:
            raise cc9(f"no swaps on a public holiday ({day}) for rostered staff", fld)
    for person, fld in ((s.requester, "requester"), (s.counterpart, "counterpart")):
        earlier = state.approved_swaps_of(person)
        if len(earlier) >= MAX_SWAPS_PER_MONTH:
            raise cc9(
                f"{person} has swapped {len(earlier)} times this month "
                f"(at most {MAX_SWAPS_PER_MONTH})",
                fld,
            )
        mine = s.days_of(person)
        others = [(day, other.swap_id) for other in earlier for day in other.days_of(person)]
        others += [(day, sid) for who, day, sid in sorted(next_door.swap_days) if who == person]
        for day, swap_id in others:
            if any(abs((day - mine_day).days) <= 1 for mine_day in mine):
                raise cc9(f"{person} would swap on consecutive days (swap {swap_id})", fld)
        for day, shift, who in state.leaves:
            if who == person and day in mine:
                raise cc9(f"{person} is on leave on {day} ({shift})", fld)
    # 換班者、還班者不允許連班: the shift each party takes on must not touch another of theirs,
    # in this month or a neighbouring one, by the site's shift bands (CC-8 rev.).
    after: set[Entry] = set(apply_swap(state.assignments, s)) | next_door.shifts
    for person, gained, fld in (
        (s.requester, s.counterpart_slot, "requester"),
        (s.counterpart, s.requester_slot, "counterpart"),
    ):
        for d, sh, who in sorted(after):
            if who == person and back_to_back((d, sh), gained, bands):
                first, second = sorted([(d, sh), gained], key=lambda x: worked(x, bands))
                raise cc9(
                    f"{person} would work two shifts back to back ({first[0]} {first[1]} and "
                    f"{second[0]} {second[1]})",
                    fld,
                )
