"""The one shape of a penalty or reward entry in a person's monthly ledger (flow 5).

RULES.md §0: penalties and rewards are recorded as ledger events against the person,
per month; payroll (outside the suite) consumes them. Every service that records one
publishes an event whose payload *is* a `LedgerEntry`: the same fields, meaning and
constraints, so payroll decodes any of them with this one model.

The registry keys contracts by event type alone, so each service registers its own
event type on its own topic by subclassing `LedgerEntry` and adding nothing but the
class variables (fleet: `FleetLedgerEntryRecorded`). Payroll finds them all with
`ledger_entry_models()` and reads every one as a `LedgerEntry`:

    entry = LedgerEntry.model_validate(decoded.payload.model_dump())
    pay_delta_fen = entry.signed_fen

Evolution: fields added here must be optional (with a default) so every subclass stays
compatible; the compatibility gate checks each registered subclass.
"""

from typing import Literal

from pydantic import Field, JsonValue

from opsledger_contracts.base import EventPayload
from opsledger_contracts.registry import REGISTRY, EventRegistry

LedgerKind = Literal["penalty", "reward"]

LEDGER_EXAMPLE: dict[str, JsonValue] = {
    "entry_id": "fleet-fuel-veh-0001-2026-11-r1",
    "person": "drv-07",
    "month": "2026-11",
    "kind": "penalty",
    "amount_fen": 4250,
    "rule": "FL-7",
    "reason": "Fuel 25.0% over the allowance in 2026-11: 5.0 excess litres at 8.50 yuan/L",
    "source": "fuel-veh-0001-2026-11",
    "corrects": None,
}


class LedgerEntry(EventPayload):
    """A penalty or a reward against one person in one site-local month.

    `amount_fen` is positive in the direction `kind` says (a penalty of 4250 deducts
    42.50 yuan). A correction of an earlier entry is a new entry naming it in `corrects`;
    its amount may be negative (e.g. a fine reduced after a month was reopened). Pay
    effect: `signed_fen` (rewards add, penalties deduct).
    """

    entry_id: str = Field(
        min_length=1, max_length=120, description="Unique id of the entry (idempotency key)."
    )
    person: str = Field(min_length=1, max_length=64, description="Staff id of the person.")
    month: str = Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$",
        description="Site-local month (YYYY-MM) of the fact the entry is for.",
    )
    kind: LedgerKind = Field(description="penalty (deducted from pay) or reward (added).")
    amount_fen: int = Field(
        description="Amount in fen (1 yuan = 100 fen), in the direction of `kind`; "
        "negative only in a correction (`corrects` set).",
    )
    rule: str = Field(min_length=1, max_length=16, description="Rule ID, e.g. FL-7.")
    reason: str = Field(min_length=1, max_length=1000, description="Why, for the person.")
    source: str = Field(
        min_length=1,
        max_length=200,
        description="Reference of what caused it (stream id, trip, accident, reconciliation).",
    )
    corrects: str | None = Field(
        default=None, max_length=120, description="entry_id of the entry this one corrects."
    )

    @property
    def signed_fen(self) -> int:
        """The effect on pay: rewards add, penalties deduct."""
        return self.amount_fen if self.kind == "reward" else -self.amount_fen


def ledger_entry_models(registry: EventRegistry = REGISTRY) -> list[type[LedgerEntry]]:
    """Every published event type that is a ledger entry (what payroll subscribes to)."""
    return [m for m in registry if issubclass(m, LedgerEntry)]


__all__ = ["LEDGER_EXAMPLE", "LedgerEntry", "LedgerKind", "ledger_entry_models"]
