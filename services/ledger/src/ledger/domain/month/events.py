"""The site-month's private bookkeeping (stream ledger-<site>-<month>); the statements it
issues on closing are the public `MonthlyStatementIssued`."""

from datetime import datetime
from typing import ClassVar

from opsledger.decider import PrivateEvent
from opsledger_contracts.ledger import LedgerKind
from pydantic import Field


class LedgerMonthEvent(PrivateEvent):
    service: ClassVar[str] = "ledger"
    stream_type: ClassVar[str | None] = "LedgerMonth"

    month: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="The site-month.")


class LedgerEntryApplied(LedgerMonthEvent):
    """A source's ledger entry counted in this month (LG-1), or as an adjustment of a
    closed month (`adjusts`, LG-4)."""

    event_type: ClassVar[str] = "LedgerEntryApplied"

    entry_id: str = Field(min_length=1, max_length=120)
    person: str = Field(min_length=1, max_length=64)
    kind: LedgerKind
    amount_fen: int
    rule: str = Field(min_length=1, max_length=16)
    reason: str = Field(min_length=1, max_length=1000)
    source: str = Field(min_length=1, max_length=200)
    corrects: str | None = Field(default=None, max_length=120)
    source_service: str = Field(min_length=1, max_length=64)
    source_event: str = Field(min_length=1, max_length=120, description="Its event type.")
    entry_month: str = Field(description="The month the entry is for.")
    adjusts: str | None = Field(default=None, description="The closed month it corrects.")
    published_at: datetime = Field(description="When the source recorded it.")


class LedgerMonthClosed(LedgerMonthEvent):
    """Finance closed the site-month (LG-3): its statements follow, final (LG-4)."""

    event_type: ClassVar[str] = "LedgerMonthClosed"

    closed_by: str = Field(min_length=1, max_length=64)
    people: int = Field(ge=0)


PRIVATE_EVENTS = (LedgerEntryApplied, LedgerMonthClosed)
