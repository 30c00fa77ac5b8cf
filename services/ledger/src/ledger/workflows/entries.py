"""Flow 5: one source's ledger entry counted once, in its month or, once that month is
closed, as an adjustment in the next open month naming it (LG-1, LG-2, LG-4, LG-5)."""

from dataclasses import dataclass
from typing import Any

from opsledger.pipeline import SYSTEM_ONLY, CommandResult, UnitOfWork, Workflow
from opsledger_contracts.ledger import LedgerEntry

from ledger.domain.entries import ENTRIES, ClaimEntry, entry_stream
from ledger.domain.month import MONTH, ApplyEntry, LedgerEntryApplied, month_stream
from ledger.domain.people import PEOPLE, person_stream
from ledger.domain.rules import RejectedEntryError, next_month

# A month closed far ahead of the entry is not a reason to walk forever.
MAX_MONTHS_AHEAD = 120


@dataclass(frozen=True)
class ApplyLedgerEntry:
    """A published `LedgerEntry` (any source), as the inbound policy read it."""

    site_id: str
    source_service: str
    source_event: str
    entry: LedgerEntry
    published_at: Any


async def apply_entry(uow: UnitOfWork, command: ApplyLedgerEntry) -> CommandResult[Any]:
    entry = command.entry
    claim_stream = entry_stream(entry.entry_id)
    claim = await uow.load(ENTRIES, claim_stream)
    if claim.state.counted_in:  # LG-1: a second publication of the same entry
        return CommandResult(claim_stream, claim.state, claim.version, [])
    registered = await uow.load(PEOPLE, person_stream(uow.site_id, entry.person))
    if not registered.state.person:
        raise RejectedEntryError(
            f"LG-5: person {entry.person} is not registered at site {uow.site_id} "
            f"(entry {entry.entry_id}, {command.source_service} {command.source_event})"
        )
    month, adjusts = entry.month, None
    for _ in range(MAX_MONTHS_AHEAD):
        state = (await uow.load(MONTH, month_stream(uow.site_id, month))).state
        if not state.closed:
            break
        adjusts = adjusts or entry.month  # LG-4: the closed month it corrects
        month = next_month(month)
    line = LedgerEntryApplied(
        month=month,
        entry_id=entry.entry_id,
        person=entry.person,
        kind=entry.kind,
        amount_fen=entry.amount_fen,
        rule=entry.rule,
        reason=entry.reason,
        source=entry.source,
        corrects=entry.corrects,
        source_service=command.source_service,
        source_event=command.source_event,
        entry_month=entry.month,
        adjusts=adjusts,
        published_at=command.published_at,
    )
    result = await uow.execute(ApplyEntry(uow.site_id, month, line))
    await uow.execute(ClaimEntry(uow.site_id, entry.entry_id, result.stream_id))
    return result


WORKFLOWS: list[Workflow[Any]] = [
    Workflow(
        command=ApplyLedgerEntry,
        roles=SYSTEM_ONLY,
        site_of=lambda c: c.site_id,
        run=apply_entry,
        attempts=3,  # a closing that won the race: re-decided as an adjustment
    )
]
