"""Small helpers every fleet decider shares: refusals with the rule ID, rounding."""

from decimal import ROUND_HALF_UP, Decimal
from typing import NoReturn

from opsledger.errors import DomainError

CENT = Decimal("0.01")


def refuse(rule: str, message: str, field: str | None = None) -> NoReturn:
    """Refuse the command under `rule` (HTTP 422 naming the rule and the field)."""
    raise DomainError(rule, message, field=field)


def conflict(message: str) -> NoReturn:
    raise DomainError("CONFLICT", message, status=409)


def q2(value: Decimal) -> Decimal:
    """Litres, L/100 km and percentages are kept to two decimals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fen(value: Decimal) -> int:
    """Money rounds half up to the fen."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))
