"""Private events of a vehicle-month of fuel: bookkeeping that never leaves fleet."""

from typing import ClassVar

from opsledger_contracts.events.fleet import FuelMonthEvent
from pydantic import AwareDatetime, Field


class FuelReconciliationDue(FuelMonthEvent):
    """FL-5 rev.2: the month must be reconciled before this instant (the end of the
    configured day of the next month, site time); a timer reports it if not."""

    event_type: ClassVar[str] = "FuelReconciliationDue"

    due_at: AwareDatetime = Field(description="The end of the last day to reconcile.")


PRIVATE_EVENTS = (FuelReconciliationDue,)
