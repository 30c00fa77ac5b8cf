"""Small helpers every fleet decider shares: refusals with the rule ID, rounding."""

from decimal import ROUND_HALF_UP, Decimal
from typing import NoReturn, Protocol, TypedDict

from opsledger.decider import DecisionContext
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


class Deduction(Protocol):
    """An itemized FL-10 deduction from a driver's or a vehicle's monthly 100 points."""

    @property
    def deduction_id(self) -> str: ...
    @property
    def month(self) -> str: ...
    @property
    def points(self) -> int: ...
    @property
    def item(self) -> str: ...
    @property
    def note(self) -> str: ...


class DeductionFacts(TypedDict):
    """What a driver's and a vehicle's points-deducted events both state."""

    deduction_id: str
    month: str
    points: int
    item: str
    rule: str
    note: str


def check_deduction(command: Deduction, recorded: bool, ctx: DecisionContext) -> DeductionFacts:
    """FL-10: a month that has begun, 1 to 100 points, each recorded once; what its event states."""
    if command.month > ctx.site.month(ctx.now):
        refuse("FL-10", f"{command.month} has not begun: nothing to assess yet", "month")
    if not 1 <= command.points <= 100:
        refuse("FL-10", "a deduction is 1 to 100 points", "points")
    if recorded:
        conflict(f"deduction {command.deduction_id} is already recorded")
    return DeductionFacts(
        deduction_id=command.deduction_id,
        month=command.month,
        points=command.points,
        item=command.item,
        rule="FL-10",
        note=command.note,
    )
