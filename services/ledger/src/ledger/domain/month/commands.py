"""Commands on a site-month: apply an entry (the system), close it (finance)."""

from dataclasses import dataclass

from ledger.domain.month.events import LedgerEntryApplied


@dataclass(frozen=True)
class ApplyEntry:
    """Count `line` in this site-month (run by the ApplyLedgerEntry workflow)."""

    site_id: str
    month: str
    line: LedgerEntryApplied


@dataclass(frozen=True)
class CloseMonth:
    """Finance closes the site-month: every person's statement is issued, final."""

    site_id: str
    month: str


MonthCommand = ApplyEntry | CloseMonth
