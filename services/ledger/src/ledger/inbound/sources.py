"""Every published ledger entry, from every source service (flow 5).

The sources are found through the contracts (`ledger_entry_models()`), never listed by
hand: a service that publishes a new `LedgerEntry` subclass is consumed at the next
start, with one consumer (inbox key, group) per source topic.
"""

from itertools import groupby

from opsledger.pipeline import Inbound
from opsledger_contracts import REGISTRY, EventEnvelope, EventPayload, events_topic
from opsledger_contracts.ledger import LedgerEntry, ledger_entry_models

from ledger.domain.rules import RejectedEntryError, malformed_amount
from ledger.workflows.entries import ApplyLedgerEntry


def policy(payload: EventPayload, envelope: EventEnvelope) -> ApplyLedgerEntry | None:
    if not isinstance(payload, LedgerEntry):
        return None
    # The one shape, whatever subclass the source registered.
    entry = LedgerEntry.model_validate(payload.model_dump())
    if problem := malformed_amount(entry.amount_fen, entry.corrects):
        raise RejectedEntryError(f"LG-5: entry {entry.entry_id}: {problem}")
    return ApplyLedgerEntry(
        site_id=envelope.site_id,
        source_service=envelope.source,
        source_event=envelope.event_type,
        entry=entry,
        published_at=envelope.occurred_at,
    )


def inbound() -> list[Inbound]:
    """One consumer per service that publishes ledger entries (not the ledger itself)."""
    models = sorted(
        (m for m in ledger_entry_models(REGISTRY) if m.service != "ledger"),
        key=lambda m: m.service,
    )
    return [
        Inbound(
            name=f"entries-{service}",
            topic=events_topic(service),
            events=tuple(found),
            policy=policy,
        )
        for service, found in groupby(models, key=lambda m: m.service)
    ]


INBOUND = inbound()
