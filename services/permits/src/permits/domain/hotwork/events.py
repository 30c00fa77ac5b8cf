"""Private events of hot work: they name the contractor's fire supervisor, so they stay
in permits. Published: `HotWorkApproved` (who approved for which department)."""

from typing import ClassVar

from opsledger_contracts.events.permits_conduct import HotWorkEvent, Person, Staff, Text, _hot
from pydantic import AwareDatetime, Field


class HotWorkApplied(HotWorkEvent):
    """The contractor applied at the management office for hot work, naming its fire
    supervisor and the time window (RP-7 rev.2)."""

    event_type: ClassVar[str] = "HotWorkApplied"
    model_config = _hot(
        description="Welding the balcony railing",
        fire_supervisor="Chen Qiang",
        starts_at="2026-12-05T01:00:00Z",
        ends_at="2026-12-05T04:00:00Z",
        received_by="cs-01",
    )

    description: Text = Field(description="What it is.")
    fire_supervisor: Person = Field(description="The contractor's fire supervisor (動火負責人).")
    starts_at: AwareDatetime = Field(description="Start of the window.")
    ends_at: AwareDatetime = Field(description="End of the window.")
    received_by: Staff


class HotWorkPermitIssued(HotWorkEvent):
    """Both approvals given: the hot-work permit (《動火許可證》) for the window (RP-7)."""

    event_type: ClassVar[str] = "HotWorkPermitIssued"
    model_config = _hot(
        issued_by="cs-01",
        fire_supervisor="Chen Qiang",
        starts_at="2026-12-05T01:00:00Z",
        ends_at="2026-12-05T04:00:00Z",
        engineering_approver="eng-01",
        concierge_approver="con-01",
    )

    issued_by: Staff
    fire_supervisor: Person
    starts_at: AwareDatetime = Field(description="Start of the window.")
    ends_at: AwareDatetime = Field(description="End of the window.")
    engineering_approver: Staff
    concierge_approver: Staff


PRIVATE_EVENTS = (HotWorkApplied, HotWorkPermitIssued)
