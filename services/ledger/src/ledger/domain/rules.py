"""The ledger's rules (services/ledger/README.md), and the refusals that name them.

- LG-1 an entry counts once per entry_id, whatever the deliveries.
- LG-2 a correction (`corrects`) is a new entry in the month it is for, added to it.
- LG-3 finance closes a site-month only once it is over in the site's time zone, and not
  while entries are in flight (consumer lag).
- LG-4 a closed month never changes: a later entry for it is an adjustment in the next
  open month, naming the closed month.
- LG-5 an entry for a person not registered at the site, or with a malformed amount, is
  dead-lettered with its reason.
"""

from typing import NoReturn

from opsledger.errors import DomainError

# The largest amount one entry may carry: 10 million yuan. Beyond it is a typo or worse.
MAX_ENTRY_FEN = 1_000_000_000


class RejectedEntryError(ValueError):
    """An entry the ledger will not count (LG-5): the consumer dead-letters it, with this
    message as the reason, after its retries. Not a DomainError: those are dropped."""


def malformed_amount(amount_fen: int, corrects: str | None) -> str | None:
    """Why an entry's amount is malformed (LG-5), or None."""
    if amount_fen == 0:
        return "amount_fen is 0: an entry moves money"
    if amount_fen < 0 and corrects is None:
        return f"amount_fen {amount_fen} is negative but the entry corrects nothing"
    if abs(amount_fen) > MAX_ENTRY_FEN:
        return f"amount_fen {amount_fen} is beyond {MAX_ENTRY_FEN} fen per entry"
    return None


def next_month(month: str) -> str:
    """The calendar month after YYYY-MM."""
    year, number = int(month[:4]), int(month[5:7])
    return f"{year + 1}-01" if number == 12 else f"{year}-{number + 1:02d}"


def refuse(rule: str, message: str, field: str | None = None, status: int = 422) -> NoReturn:
    raise DomainError(rule, message, field=field, status=status)
