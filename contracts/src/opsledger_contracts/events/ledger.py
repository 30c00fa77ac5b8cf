"""Events published by the ledger on `opsledger.ledger.events` (flow 5)."""

from typing import ClassVar

from pydantic import ConfigDict, Field

from opsledger_contracts.base import EventPayload
from opsledger_contracts.registry import REGISTRY


@REGISTRY.register
class MonthlyStatementIssued(EventPayload):
    """One person's statement of a closed site-month (flow 5), what payroll imports.

    Published once per person when finance closes the site-month (stream
    `ledger-<site>-<month>`, the envelope's `site_id`). Final: a later entry or
    correction for this month is never added here but to a later month's statement, as
    an adjustment naming this month in that statement's `adjusts_months`.
    """

    event_type: ClassVar[str] = "MonthlyStatementIssued"
    service: ClassVar[str] = "ledger"
    stream_type: ClassVar[str | None] = "LedgerMonth"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person": "drv-07",
                    "month": "2026-11",
                    "penalties_fen": 7250,
                    "rewards_fen": 10036,
                    "net_fen": 2786,
                    "entry_ids": ["fleet-fuel-veh-0001-2026-11-r1", "dispatch-WO-site-a-1-1"],
                    "adjusts_months": [],
                }
            ]
        }
    )

    person: str = Field(min_length=1, max_length=64, description="Staff id of the person.")
    month: str = Field(
        pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="The closed site-local month."
    )
    penalties_fen: int = Field(description="Sum of the penalties (signed as recorded), fen.")
    rewards_fen: int = Field(description="Sum of the rewards, fen.")
    net_fen: int = Field(description="Effect on pay: rewards_fen - penalties_fen.")
    entry_ids: list[str] = Field(
        max_length=100000, description="Every ledger entry the statement sums, in order."
    )
    adjusts_months: list[str] = Field(
        default=[],
        max_length=120,
        description="Closed months some of these entries correct (adjustments), oldest first.",
    )
