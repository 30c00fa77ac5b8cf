"""Private events of the repairs callcenter follows (CC-6): never published.

They restate what dispatch published on its own topic (the source of the facts), so they
stay inside callcenter: `private_events` in `bootstrap.py`.
"""

from typing import ClassVar, Literal

from opsledger.decider import PrivateEvent
from pydantic import AwareDatetime, Field

RepairStep = Literal["issued", "completed", "overdue", "repeat_repair"]


class RepairStepFollowed(PrivateEvent):
    """A step of one of dispatch's work orders, as CC-6 needs it (timeliness, first fix)."""

    event_type: ClassVar[str] = "RepairStepFollowed"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "Repair"

    work_order_id: str = Field(min_length=1, max_length=64)
    step: RepairStep
    at: AwareDatetime = Field(description="When dispatch recorded the step (completion time).")
    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="Site-local month of the step.")
    ticket_id: str | None = Field(default=None, max_length=64)
    repair_class: Literal["urgent", "minor"] | None = None
    fault_code: str | None = Field(default=None, max_length=64)
    reply_by: AwareDatetime | None = None
    source_event_id: str = Field(max_length=64)


PRIVATE_EVENTS = (RepairStepFollowed,)
