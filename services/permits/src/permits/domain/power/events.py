"""Private events of temporary power: amounts stay in permits (like the permit's fees).
Published: `TemporaryPowerApplied` and `TemporaryPowerSupplied`."""

from typing import ClassVar

from opsledger_contracts.events.permits_conduct import Staff, TemporaryPowerEvent, _power
from pydantic import Field


class TemporaryPowerApproved(TemporaryPowerEvent):
    """Engineering approved the application and priced it (RP-8 rev.2)."""

    event_type: ClassVar[str] = "TemporaryPowerApproved"
    model_config = _power(approved_by="eng-01", price_fen=20000)

    approved_by: Staff
    price_fen: int = Field(ge=0, description="The charge engineering set, in fen.")


class TemporaryPowerCharged(TemporaryPowerEvent):
    """Finance charged the price engineering set (RP-8)."""

    event_type: ClassVar[str] = "TemporaryPowerCharged"
    model_config = _power(charged_by="fin-01", amount_fen=20000, receipt_no="R-0099")

    charged_by: Staff
    amount_fen: int = Field(description="The amount charged, in fen.", ge=0)
    receipt_no: str = Field(description="Finance's receipt number.", min_length=1, max_length=64)


PRIVATE_EVENTS = (TemporaryPowerApproved, TemporaryPowerCharged)
