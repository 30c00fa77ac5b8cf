"""`opsledger verify ledger`: the ledger's own arithmetic, recomputed from its log (pure).

Checked over every site-month and every claimed entry id:
- each closed month issued exactly one statement per person with entries, and each
  statement's penalties, rewards, net (rewards - penalties) and entry ids are what the
  month's entries give;
- nothing was added to a month after its closing (LG-4);
- every entry id is counted in exactly one month, the one its claim names (LG-1);
- an adjustment is counted after the closed month it names, and that month is closed.
"""

from collections.abc import Sequence

from opsledger.decider import Event

from ledger.domain.entries import ENTRIES, EntryState
from ledger.domain.month import MONTH
from ledger.domain.month.state import MonthState


def _streams(events: Sequence[Event], stream_type: str) -> dict[str, list[Event]]:
    streams: dict[str, list[Event]] = {}
    for event in events:
        if getattr(event.payload, "stream_type", None) == stream_type:
            streams.setdefault(event.stream_id, []).append(event)
    return streams


def _statements(stream: str, state: MonthState) -> list[str]:
    problems: list[str] = []
    issued = {s.person: s for s in state.issued}
    if len(issued) != len(state.issued):
        problems.append(f"{stream}: a person has more than one statement")
    people = set(state.people())
    for person in sorted(people - set(issued)):
        problems.append(f"{stream}: closed without a statement for {person}")
    for person in sorted(set(issued) - people):
        problems.append(f"{stream}: a statement for {person}, who has no entry")
    for person in sorted(people & set(issued)):
        given, totals = issued[person], state.totals(person)
        expected = (totals.penalties_fen, totals.rewards_fen, totals.net_fen)
        stated = (given.penalties_fen, given.rewards_fen, given.net_fen)
        if stated != expected:
            problems.append(
                f"{stream}: {person}'s statement says penalties/rewards/net {stated}, "
                f"its entries give {expected}"
            )
        if given.net_fen != given.rewards_fen - given.penalties_fen:
            problems.append(f"{stream}: {person}'s net is not rewards - penalties")
        if tuple(given.entry_ids) != totals.entry_ids:
            problems.append(f"{stream}: {person}'s statement names other entries than its month")
    return problems


def check_ledger(events: Sequence[Event]) -> list[str]:
    """Every inconsistency of the ledger's log, named (empty: it adds up)."""
    problems: list[str] = []
    months = {s: MONTH.fold(e) for s, e in _streams(events, MONTH.stream_type).items()}
    counted: dict[str, list[str]] = {}
    for stream, state in sorted(months.items()):
        if state.applied_after_close:
            late = ", ".join(state.applied_after_close)
            problems.append(f"{stream}: entries added after its closing: {late}")
        if state.closed:
            problems += _statements(stream, state)
        elif state.issued:
            problems.append(f"{stream}: statements issued but the month is not closed")
        for line in state.lines:
            counted.setdefault(line.entry_id, []).append(stream)
            if line.adjusts is None:
                continue
            closed = months.get(f"ledger-{state.site_id}-{line.adjusts}")
            if line.adjusts >= state.month or closed is None or not closed.closed:
                problems.append(
                    f"{stream}: entry {line.entry_id} adjusts {line.adjusts}, "
                    "which is not an earlier closed month"
                )
    claims: dict[str, EntryState] = {
        s.removeprefix("entry-"): ENTRIES.fold(e)
        for s, e in _streams(events, ENTRIES.stream_type).items()
    }
    for entry_id, streams in sorted(counted.items()):
        if len(streams) > 1:
            problems.append(f"entry {entry_id} is counted {len(streams)} times: {streams}")
        claim = claims.get(entry_id)
        if claim is None or claim.counted_in != streams[0]:
            problems.append(f"entry {entry_id} is counted in {streams[0]} but not claimed there")
    for entry_id in sorted(set(claims) - set(counted)):
        problems.append(f"entry {entry_id} is claimed but counted in no month")
    return problems
