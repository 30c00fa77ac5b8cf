"""CC-9 constraints on a shift swap, checked at request and again at approval."""

from datetime import date

from opsledger.errors import DomainError

from callcenter.domain.rosters.state import RosterState, Swap, apply_swap, slot_index

# CC-9: swaps per person per month. *Configurable*.
MAX_SWAPS_PER_MONTH = 3


def cc9(message: str, field: str | None = None, status: int = 422) -> DomainError:
    return DomainError("CC-9", message, field=field, status=status)


def check_swap(state: RosterState, s: Swap, holidays: frozenset[date]) -> None:
    """Every CC-9 constraint on a swap against the roster as it stands (raises CC-9)."""
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
        earlier = state.approved_swaps_of(person, besides=s.swap_id)
        if len(earlier) >= MAX_SWAPS_PER_MONTH:
            raise cc9(
                f"{person} has swapped {len(earlier)} times this month "
                f"(at most {MAX_SWAPS_PER_MONTH})",
                fld,
            )
        mine = s.days_of(person)
        for other in earlier:
            if any(abs((a - b).days) <= 1 for a in mine for b in other.days_of(person)):
                raise cc9(f"{person} would swap on consecutive days (swap {other.swap_id})", fld)
        for day, shift, who in state.leaves:
            if who == person and day in mine:
                raise cc9(f"{person} is on leave on {day} ({shift})", fld)
    # 換班者、還班者不允許連班: the shift each party takes on must not touch another of theirs.
    after = apply_swap(state.assignments, s)
    for person, gained, fld in (
        (s.requester, s.counterpart_slot, "requester"),
        (s.counterpart, s.requester_slot, "counterpart"),
    ):
        new = slot_index(gained)
        for d, sh, who in after:
            if who == person and (d, sh) != gained and abs(slot_index((d, sh)) - new) <= 1:
                raise cc9(
                    f"{person} would work two shifts back to back ({d} {sh} and "
                    f"{gained[0]} {gained[1]})",
                    fld,
                )
