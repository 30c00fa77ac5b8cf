"""The reconciliation of a site-month (pure): what the sources published for it against
what the ledger counted for it, every difference named.

The ledger never calls another service's HTTP API for its data, so "the sources' own
ledger reads" are taken as what they published: their `LedgerEntry` events re-read from
their topics (views/reconciliation.py). Entries counted after the close (adjustments in a
later month) are named too: they are why a closed statement differs from the sources.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from opsledger_contracts.ledger import LedgerEntry

from ledger.domain.month.events import LedgerEntryApplied


@dataclass(frozen=True)
class Published:
    """One ledger entry as its source published it."""

    service: str
    topic: str
    entry: LedgerEntry


def _facts(kind: str, person: str, amount_fen: int) -> tuple[str, str, int]:
    return (kind, person, amount_fen)


def reconcile(
    month: str,
    published: Mapping[str, Published],
    counted: Iterable[tuple[str, LedgerEntryApplied]],
) -> list[str]:
    """Differences for `month`. `counted`: (month it is counted in, line) of every entry
    the ledger holds whose own month is `month`, in any month of the site."""
    differences: list[str] = []
    seen: set[str] = set()
    for counted_in, line in counted:
        seen.add(line.entry_id)
        source = published.get(line.entry_id)
        if source is None:
            differences.append(
                f"entry {line.entry_id} ({line.source_service} {line.rule}, {line.person}) is "
                "in the ledger but not on its source's topic"
            )
            continue
        theirs = source.entry
        ours = _facts(line.kind, line.person, line.amount_fen)
        if _facts(theirs.kind, theirs.person, theirs.amount_fen) != ours:
            differences.append(
                f"entry {line.entry_id}: {source.service} published "
                f"{theirs.kind} {theirs.amount_fen} fen for {theirs.person}, the ledger "
                f"counted {line.kind} {line.amount_fen} fen for {line.person}"
            )
        if counted_in != month:
            differences.append(
                f"entry {line.entry_id} ({source.service} {line.rule}, {line.person}, "
                f"{line.kind} {line.amount_fen} fen) arrived after {month} was closed: "
                f"counted in {counted_in} as an adjustment"
            )
    for entry_id in sorted(set(published) - seen):
        source = published[entry_id]
        e = source.entry
        differences.append(
            f"entry {entry_id} ({source.service} {e.rule}, {e.person}, {e.kind} "
            f"{e.amount_fen} fen) was published on {source.topic} but is not in the ledger "
            "(dead-lettered, or still in flight)"
        )
    return differences
