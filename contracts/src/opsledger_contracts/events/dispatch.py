"""Events published by dispatch on `opsledger.dispatch.events`."""

from typing import ClassVar

from pydantic import AwareDatetime, ConfigDict, Field

from opsledger_contracts.base import EventPayload
from opsledger_contracts.registry import REGISTRY


@REGISTRY.register
class DiagnosticPingReceived(EventPayload):
    """Dispatch received a callcenter `DiagnosticPingSent` (the wiring works end to end)."""

    event_type: ClassVar[str] = "DiagnosticPingReceived"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "DiagnosticPingReceipt"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ping_id": "ping-0001",
                    "message": "Dispatch, do you copy?",
                    "sent_event_id": "a7d5b825-ae1a-505f-86d5-e4e9bd4e3872",
                    "sent_at": "2025-01-15T08:29:58Z",
                }
            ]
        }
    )

    ping_id: str = Field(min_length=1, max_length=64, description="The ping's id.")
    message: str = Field(max_length=500, description="The ping's text.")
    sent_event_id: str = Field(description="event_id of the DiagnosticPingSent answered.")
    sent_at: AwareDatetime = Field(description="occurred_at of the ping in callcenter.")


_WO = "WO-site-a-000042"


class WorkOrderEvent(EventPayload):
    """Fields every work-order event carries, so consumers need no state to correlate."""

    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "WorkOrder"

    work_order_id: str = Field(min_length=1, max_length=64, description="Work order id.")
    serial_no: int = Field(ge=1, description="Gap-free per-site serial number (WO-8).")
    ticket_id: str | None = Field(
        default=None, max_length=64, description="callcenter ticket that requested it, if any."
    )


def _example(**fields: object) -> ConfigDict:
    return ConfigDict(
        json_schema_extra={
            "examples": [
                {"work_order_id": _WO, "serial_no": 42, "ticket_id": "T-site-a-000123", **fields}
            ]
        }
    )


@REGISTRY.register
class WorkOrderIssued(WorkOrderEvent):
    """A dispatcher issued a work order with every mandatory field (WO-1, WO-2, WO-8)."""

    event_type: ClassVar[str] = "WorkOrderIssued"
    model_config = _example(
        issuer="disp-07",
        location="Block 3, unit 1202, kitchen",
        content="Water leaking under the sink",
        requirements="Replace the trap",
        reply_by="2026-11-23T10:00:00Z",
        assignee="eng-12",
        asset_id="B3-1202-sink",
        fault_code="plumbing.leak",
    )

    issuer: str = Field(min_length=1, max_length=64, description="Staff id of the issuer.")
    location: str = Field(min_length=1, max_length=200, description="Where the work is.")
    content: str = Field(min_length=1, max_length=2000, description="What is to be done.")
    requirements: str = Field(min_length=1, max_length=1000, description="Requirements.")
    reply_by: AwareDatetime = Field(description="Complete or report progress by then (WO-5).")
    assignee: str = Field(min_length=1, max_length=64, description="Staff id of the assignee.")
    asset_id: str | None = Field(default=None, max_length=100, description="Asset, for WO-10.")
    fault_code: str | None = Field(default=None, max_length=64, description="Fault, for WO-10.")


@REGISTRY.register
class WorkOrderAccepted(WorkOrderEvent):
    """The assignee accepted the order; the time is recorded to the minute (WO-3)."""

    event_type: ClassVar[str] = "WorkOrderAccepted"
    model_config = _example(assignee="eng-12", accepted_at="2026-11-23T02:15:00Z")

    assignee: str = Field(min_length=1, max_length=64, description="Who accepted.")
    accepted_at: AwareDatetime = Field(description="Acceptance time, truncated to the minute.")


@REGISTRY.register
class WorkOrderEscalated(WorkOrderEvent):
    """The assignee escalated to a superior instead of refusing (WO-4)."""

    event_type: ClassVar[str] = "WorkOrderEscalated"
    model_config = _example(escalated_by="eng-12", escalated_to="lead-03", reason="Needs a welder")

    escalated_by: str = Field(min_length=1, max_length=64, description="Who escalated.")
    escalated_to: str = Field(min_length=1, max_length=64, description="The superior.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


@REGISTRY.register
class WorkOrderProgressReported(WorkOrderEvent):
    """The assignee reported progress to dispatch (keeps the order from going overdue, WO-5)."""

    event_type: ClassVar[str] = "WorkOrderProgressReported"
    model_config = _example(reported_by="eng-12", note="Part ordered, fitting tomorrow 09:00")

    reported_by: str = Field(min_length=1, max_length=64, description="Who reported.")
    note: str = Field(min_length=1, max_length=2000, description="The progress report.")


@REGISTRY.register
class WorkOrderOverdue(WorkOrderEvent):
    """The reply-by time passed with neither completion nor a progress report (WO-5)."""

    event_type: ClassVar[str] = "WorkOrderOverdue"
    model_config = _example(assignee="eng-12", reply_by="2026-11-23T10:00:00Z")

    assignee: str = Field(min_length=1, max_length=64, description="Who was responsible.")
    reply_by: AwareDatetime = Field(description="The deadline that passed.")


@REGISTRY.register
class WorkOrderCompleted(WorkOrderEvent):
    """The assignee recorded the process and result of the work (WO-6, step 1)."""

    event_type: ClassVar[str] = "WorkOrderCompleted"
    model_config = _example(
        completed_by="eng-12", process="Replaced the sink trap", result="No more leak"
    )

    completed_by: str = Field(min_length=1, max_length=64, description="Who did the work.")
    process: str = Field(min_length=1, max_length=2000, description="What was done.")
    result: str = Field(min_length=1, max_length=2000, description="The outcome.")


@REGISTRY.register
class WorkOrderSignedOff(WorkOrderEvent):
    """The customer signed the completed order off (WO-6, step 2)."""

    event_type: ClassVar[str] = "WorkOrderSignedOff"
    model_config = _example(signed_by="Ms Wang (owner, 1202)", recorded_by="eng-12")

    signed_by: str = Field(min_length=1, max_length=200, description="Customer who signed.")
    recorded_by: str = Field(min_length=1, max_length=64, description="Staff who recorded it.")


@REGISTRY.register
class WorkOrderCallbackRecorded(WorkOrderEvent):
    """The dispatcher phoned the customer after sign-off (WO-6, step 3)."""

    event_type: ClassVar[str] = "WorkOrderCallbackRecorded"
    model_config = _example(dispatcher="disp-07", confirmed=True, note="Customer satisfied")

    dispatcher: str = Field(min_length=1, max_length=64, description="Who phoned.")
    confirmed: bool = Field(description="Customer confirms the work is done.")
    note: str = Field(default="", max_length=2000, description="What the customer said.")


@REGISTRY.register
class WorkOrderArchived(WorkOrderEvent):
    """Signed off and called back: the order is archived (WO-6, step 4)."""

    event_type: ClassVar[str] = "WorkOrderArchived"
    model_config = _example(archived_by="disp-07")

    archived_by: str = Field(min_length=1, max_length=64, description="Who archived it.")


@REGISTRY.register
class RepeatRepairFlagged(WorkOrderEvent):
    """Same fault at the same location/asset within the window: a repeat repair (WO-10)."""

    event_type: ClassVar[str] = "RepeatRepairFlagged"
    model_config = _example(previous_work_order_id="WO-site-a-000017", window_days=30)

    previous_work_order_id: str = Field(
        min_length=1, max_length=64, description="The earlier order for the same fault."
    )
    window_days: int = Field(ge=1, description="The configured repeat window (days).")
