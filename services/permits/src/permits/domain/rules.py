"""Permits' configurable rule values (RULES.md §4 *configurable*), per site.

Defaults are RULES.md's; a site overrides them in OPSLEDGER_SITES, e.g.
`{"site-b": {"rules": {"permits": {"review_working_days": 2,
"fee_kinds": ["deposit", "management_fee", "waste_removal_fee", "worker_pass_deposit",
"elevator_protection_fee"]}}}}`. Money is integer fen.
"""

from typing import ClassVar

from opsledger.calendar import SiteRules
from pydantic import Field, model_validator

# RP-1 rev.2: the drawing kinds the rule lists ("at least"); a site may require more.
DRAWING_KINDS = (
    "lighting_system",
    "ceiling",
    "lighting_plan",
    "sockets",
    "low_voltage",
    "partitions",
)
# RP-3: the four named fee kinds (a minimum, 「等」); the two refunded ones (RP-11).
DEPOSIT = "deposit"
PASS_DEPOSIT = "worker_pass_deposit"
FEE_KINDS = (DEPOSIT, "management_fee", "waste_removal_fee", PASS_DEPOSIT)


class PermitRules(SiteRules):
    """Values of RP-1 … RP-11 that a site may set."""

    service: ClassVar[str] = "permits"

    drawing_kinds: list[str] = Field(
        default_factory=lambda: list(DRAWING_KINDS), min_length=1, description="RP-1 rev.2"
    )
    drawing_copies: int = Field(default=2, ge=1, le=10, description="RP-1: copies of each kind")
    fee_kinds: list[str] = Field(
        default_factory=lambda: list(FEE_KINDS), min_length=1, description="RP-3 rev.2"
    )
    review_working_days: int = Field(default=3, ge=1, le=60, description="RP-2")
    # RP-6 rev.2 (perm-b): the Nth recorded violation on a permit that brings the written
    # rectification notice, and the one that notifies the owner.
    ladder_notice_at: int = Field(default=2, ge=1, le=100, description="RP-6 rev.2")
    ladder_serious_at: int = Field(default=3, ge=1, le=100, description="RP-6 rev.")
    # RP-6 rev.2 (perm-b): complaints linked to the permit since the written notice that
    # let the final step (power cut or clearing) go ahead.
    final_step_complaints: int = Field(default=1, ge=1, le=100, description="RP-6 rev.2")
    scope_change_notice_working_days: int = Field(default=7, ge=0, le=60, description="RP-9")
    acceptance_application_working_days: int = Field(default=7, ge=1, le=60, description="RP-11")
    acceptance_inspection_working_days: int = Field(default=7, ge=1, le=60, description="RP-11")
    refund_target_working_days: int = Field(default=7, ge=1, le=60, description="RP-11")
    refund_limit_working_days: int = Field(default=15, ge=1, le=120, description="RP-11")

    @model_validator(mode="after")
    def _consistent(self) -> "PermitRules":
        missing = [k for k in DRAWING_KINDS if k not in self.drawing_kinds]
        if missing:
            raise ValueError(f"RP-1: the six drawing kinds are a minimum; missing {missing}")
        if DEPOSIT not in self.fee_kinds or PASS_DEPOSIT not in self.fee_kinds:
            raise ValueError("RP-11: fee_kinds keep the deposit and the worker-pass deposit")
        if self.refund_limit_working_days < self.refund_target_working_days:
            raise ValueError("RP-11: the refund limit is not before the target")
        return self
