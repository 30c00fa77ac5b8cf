"""A site-month of the ledger (stream ledger-<site>-<month>): entries applied in order,
then closed once by finance, after which nothing is added to it (LG-4).

Every entry of the month and the closing append here at the version they read, so an
entry racing the closing conflicts and is re-decided: it becomes an adjustment.
"""

from typing import Any

from opsledger.decider import Aggregate
from opsledger.pipeline import SYSTEM_ONLY

from ledger.domain.month.commands import ApplyEntry, CloseMonth, MonthCommand
from ledger.domain.month.decide import decide
from ledger.domain.month.events import PRIVATE_EVENTS, LedgerEntryApplied, LedgerMonthClosed
from ledger.domain.month.state import MonthState, Totals, evolve
from ledger.domain.roles import CLOSERS

__all__ = [
    "MONTH",
    "PRIVATE_EVENTS",
    "ApplyEntry",
    "CloseMonth",
    "LedgerEntryApplied",
    "LedgerMonthClosed",
    "MonthState",
    "Totals",
    "month_stream",
]


def month_stream(site_id: str, month: str) -> str:
    return f"ledger-{site_id}-{month}"


def _stream_id(command: Any) -> str:
    return month_stream(command.site_id, command.month)


MONTH: Aggregate[MonthState, MonthCommand] = Aggregate(
    stream_type="LedgerMonth",
    stream_prefix="ledger-",
    initial=MonthState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={ApplyEntry: (SYSTEM_ONLY, decide), CloseMonth: (CLOSERS, decide)},
    creates=frozenset({ApplyEntry, CloseMonth}),
)
