"""Flow 5: every person-ledger fact is published in the shared `LedgerEntry` shape.

Dispatch's `PenaltyRecorded` is not a `LedgerEntry`; each penalty is mirrored by a
`DispatchLedgerEntryRecorded` in the same decision, with a stable entry id.
"""

from datetime import timedelta

from dispatch.domain.work_order import commands as wo
from opsledger_contracts import REGISTRY
from opsledger_contracts.events.dispatch import DispatchLedgerEntryRecorded, PenaltyRecorded
from opsledger_contracts.ledger import LedgerEntry, ledger_entry_models

from tests.dispatch.test_issue10_rules import REPLY_BY, W, accepted


def test_flow5_every_service_with_person_penalties_publishes_a_ledger_entry() -> None:
    services = {m.service for m in ledger_entry_models(REGISTRY)}
    assert {"dispatch", "fleet", "secrets_registry"} <= services


def test_flow5_a_dispatch_penalty_is_mirrored_as_a_ledger_entry() -> None:
    late = REPLY_BY + timedelta(hours=1)
    scenario = accepted()
    decided = scenario.when(wo.CompleteWorkOrder(W, "p", "r"), actor="eng-12", at=late)
    penalty = next(e for e in decided if isinstance(e, PenaltyRecorded))
    entries = [e for e in decided if isinstance(e, DispatchLedgerEntryRecorded)]
    assert len(entries) == 1
    entry = LedgerEntry.model_validate(entries[0].model_dump())
    assert (entry.person, entry.kind, entry.amount_fen, entry.rule, entry.month) == (
        penalty.person,
        "penalty",
        penalty.amount_fen,
        "WO-5",
        penalty.month,
    )
    assert entry.entry_id == f"dispatch-{W}-1" and entry.source == W
    assert entry.signed_fen == -3000
