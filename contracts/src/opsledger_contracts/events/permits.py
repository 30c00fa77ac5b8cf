"""Events published by permits on `opsledger.permits.events` (RULES.md §4, RP-1 … RP-11).

What other departments need of a renovation permit: that it exists for a unit, its
milestones (approved, works started and finished, accepted, deposit refunded) and its
missed working-day deadlines. Owners', contractors' and workers' names, fees and passes
stay in permits (private events). Timestamps are UTC instants; dates are site-local.
"""

from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, ConfigDict, Field, JsonValue

from opsledger_contracts.base import EventPayload
from opsledger_contracts.registry import REGISTRY

_PERMIT = "PMT-site-a-0001"
_UNIT = "B2-1203"


def _example(**fields: JsonValue) -> ConfigDict:
    return ConfigDict(
        json_schema_extra={"examples": [{"permit_id": _PERMIT, "unit_id": _UNIT, **fields}]}
    )


class PermitEvent(EventPayload):
    """Fields every event of a permit's stream carries."""

    service: ClassVar[str] = "permits"
    stream_type: ClassVar[str | None] = "Permit"

    permit_id: str = Field(min_length=1, max_length=64, description="Permit id.")
    unit_id: str = Field(min_length=1, max_length=64, description="The unit renovated.")


@REGISTRY.register
class PermitApplied(PermitEvent):
    """The front desk took a complete renovation application for the unit (RP-1)."""

    event_type: ClassVar[str] = "PermitApplied"
    model_config = _example(structural_change=False)

    structural_change: bool = Field(description="The works change the structure (RP-2).")


@REGISTRY.register
class PermitApproved(PermitEvent):
    """Engineering approved the application: the unit construction permit (RP-2)."""

    event_type: ClassVar[str] = "PermitApproved"
    model_config = _example(structural_approval=False)

    structural_approval: bool = Field(description="Explicit approval of a structural change.")


@REGISTRY.register
class PermitRejected(PermitEvent):
    """Engineering rejected the application (RP-2)."""

    event_type: ClassVar[str] = "PermitRejected"
    model_config = _example(reason="Load-bearing wall removal")

    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class PermitReviewOverdue(PermitEvent):
    """Engineering did not decide within the site's working days of the hand-over (RP-2)."""

    event_type: ClassVar[str] = "PermitReviewOverdue"
    model_config = _example(due_at="2026-12-10T01:00:00Z")

    due_at: AwareDatetime = Field(description="The review deadline that passed.")


@REGISTRY.register
class RenovationWorksStarted(PermitEvent):
    """Every fee is paid, passes issued, the permit handed to the applicant (RP-3, RP-4)."""

    event_type: ClassVar[str] = "RenovationWorksStarted"
    model_config = _example(passes=3)

    passes: int = Field(ge=1, description="How many worker passes were issued.")


@REGISTRY.register
class RenovationWorksFinished(PermitEvent):
    """The works are finished; the owner applies for acceptance within the deadline (RP-11)."""

    event_type: ClassVar[str] = "RenovationWorksFinished"
    model_config = _example(finished_on="2026-12-18", acceptance_due_on="2026-12-29")

    finished_on: date = Field(description="Site-local day the works finished.")
    acceptance_due_on: date = Field(
        description="Last site-local day for the owner's acceptance application (working days)."
    )


@REGISTRY.register
class RenovationAccepted(PermitEvent):
    """The joint acceptance inspection passed: the certificate is issued (RP-11)."""

    event_type: ClassVar[str] = "RenovationAccepted"
    model_config = _example(certificate_no="ACC-0001", rounds=1)

    certificate_no: str = Field(min_length=1, max_length=64, description="Certificate.")
    rounds: int = Field(ge=1, description="Inspections it took (1: passed first time).")


@REGISTRY.register
class DepositRefunded(PermitEvent):
    """Finance refunded the deposit and the pass deposit; the permit is closed (RP-11)."""

    event_type: ClassVar[str] = "DepositRefunded"
    model_config = _example(within_target=True, within_limit=True)

    within_target: bool = Field(description="Within the target working days.")
    within_limit: bool = Field(description="Within the hard limit of working days.")


@REGISTRY.register
class DepositRefundOverdue(PermitEvent):
    """A refund deadline passed with the deposit not refunded (RP-11 rev.2)."""

    event_type: ClassVar[str] = "DepositRefundOverdue"
    model_config = _example(deadline="target", due_at="2026-12-30T01:00:00Z")

    deadline: Literal["target", "limit"] = Field(description="Which deadline was missed.")
    due_at: AwareDatetime = Field(description="The deadline that passed.")
