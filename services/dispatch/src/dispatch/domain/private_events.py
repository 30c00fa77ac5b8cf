"""Dispatch's private events: stored in its streams, never published (issue #6).

Internal bookkeeping that other departments must not depend on; see the service README
("Private events") for why each one is private. Formerly published contracts, so their
event types and payloads are unchanged: existing databases hold them.
"""

from datetime import date
from typing import ClassVar

from opsledger.decider import PrivateEvent
from pydantic import AwareDatetime, ConfigDict, Field

_WO = "WO-site-a-000042"


class WorkOrderSerialAssigned(PrivateEvent):
    """Legacy: a serial was taken (WO-8). Serials are now the kernel's `NumberAssigned`
    on the same stream `work-order-serials-<site>`; kept so older databases decode."""

    event_type: ClassVar[str] = "WorkOrderSerialAssigned"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "WorkOrderSerials"
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"work_order_id": _WO, "serial_no": 42}]}
    )

    work_order_id: str = Field(min_length=1, max_length=64, description="The numbered order.")
    serial_no: int = Field(ge=1, description="The serial number taken.")


class FaultOrderRecorded(PrivateEvent):
    """An order for a fault at an asset (or location) entered the fault history (WO-10).

    Stream `fault-history-<site>-<key>` per site, asset/location and fault code; issuing
    reads it to flag repeat repairs exactly, and appends to it with optimistic concurrency.
    """

    event_type: ClassVar[str] = "FaultOrderRecorded"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "FaultHistory"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "work_order_id": _WO,
                    "serial_no": 42,
                    "fault_code": "plumbing.leak",
                    "asset_id": "B3-1202-sink",
                    "location": "Block 3, unit 1202, kitchen",
                    "issued_at": "2026-11-22T02:00:00Z",
                }
            ]
        }
    )

    work_order_id: str = Field(min_length=1, max_length=64, description="The order.")
    serial_no: int = Field(ge=1, description="Its serial number.")
    fault_code: str = Field(min_length=1, max_length=64, description="The fault.")
    asset_id: str | None = Field(default=None, max_length=100, description="The asset, if any.")
    location: str = Field(min_length=1, max_length=200, description="Where.")
    issued_at: AwareDatetime = Field(description="When the order was issued.")


class _RequestEvent(PrivateEvent):
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "WorkOrderRequest"

    ticket_id: str = Field(min_length=1, max_length=64, description="The requesting ticket.")


class WorkOrderRequestReceived(_RequestEvent):
    """Dispatch received callcenter's `WorkOrderRequested` (CC-4): an open request."""

    event_type: ClassVar[str] = "WorkOrderRequestReceived"
    schema_version: ClassVar[int] = 1
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ticket_id": "T-site-a-000123",
                    "kind": "repair",
                    "location": "Block 3, unit 1202, kitchen",
                    "content": "Water leaking under the sink",
                    "requirements": "Bring a replacement trap",
                    "reply_by": "2026-11-23T10:00:00Z",
                    "asset_id": "B3-1202-sink",
                    "fault_code": "plumbing.leak",
                    "requested_event_id": "a7d5b825-ae1a-505f-86d5-e4e9bd4e3872",
                }
            ]
        }
    )

    kind: str = Field(min_length=1, max_length=32, description="Kind of the ticket.")
    location: str = Field(min_length=1, max_length=200, description="Where the work is.")
    content: str = Field(min_length=1, max_length=2000, description="What is wrong.")
    requirements: str = Field(max_length=1000, description="Requirements, as requested.")
    reply_by: AwareDatetime = Field(description="When callcenter needs it done by.")
    asset_id: str | None = Field(default=None, max_length=100, description="Asset, if known.")
    fault_code: str | None = Field(default=None, max_length=64, description="Fault, if known.")
    requested_event_id: str = Field(
        min_length=1, max_length=64, description="event_id of the WorkOrderRequested."
    )
    # Flow 2: permits' `InspectionRequested` (a renovation complaint to inspect).
    inspection_id: str | None = Field(default=None, max_length=80, description="Inspection.")
    permit_id: str | None = Field(default=None, max_length=64, description="Active permit.")
    unit_id: str | None = Field(default=None, max_length=64, description="Unit inspected.")


class WorkOrderRequestClosed(_RequestEvent):
    """A work order was issued for the request, which is no longer open."""

    event_type: ClassVar[str] = "WorkOrderRequestClosed"
    schema_version: ClassVar[int] = 1
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"ticket_id": "T-site-a-000123", "work_order_id": _WO, "serial_no": 42}]
        }
    )

    work_order_id: str = Field(min_length=1, max_length=64, description="The issued order.")
    serial_no: int = Field(ge=1, description="Its serial number.")


class EndOfDayReviewDue(PrivateEvent):
    """Reminder: the site's end of day is 10 minutes away, the review is due (WO-7)."""

    event_type: ClassVar[str] = "EndOfDayReviewDue"
    schema_version: ClassVar[int] = 1
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"local_date": "2026-11-22", "end_of_day": "2026-11-22T10:00:00Z"}]
        }
    )

    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "EndOfDayReview"

    local_date: date = Field(description="The site-local day reviewed.")
    end_of_day: AwareDatetime = Field(description="The site's end of the working day.")


class SuperiorRecorded(PrivateEvent):
    """A dispatch lead recorded whom a staff member reports to at the site (WO-4).

    Stream `reporting-line-<site>`; escalation goes to the recorded superior only. Private:
    the site's organisation chart is dispatch's own bookkeeping (auditable in its log).
    """

    event_type: ClassVar[str] = "SuperiorRecorded"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "ReportingLine"
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"staff_id": "eng-12", "superior_id": "sup-3"}]}
    )

    staff_id: str = Field(min_length=1, max_length=64, description="Who reports.")
    superior_id: str | None = Field(
        default=None, max_length=64, description="To whom; null: the line was removed."
    )


class _RollCallEvent(PrivateEvent):
    service: ClassVar[str] = "dispatch"
    stream_type: ClassVar[str | None] = "WorkOrder"

    local_date: date = Field(description="The site-local working day.")
    reminder_at: AwareDatetime = Field(description="Its review time (end of day - 10 min).")


class WorkOrderOpenAtReview(_RollCallEvent):
    """The order was open at the day's review time, so the review is due (WO-7 rev.).

    The daily roll call of an open order (timer on its stream); it carries the next
    working day's review time, where the order answers again while it is open.
    """

    event_type: ClassVar[str] = "WorkOrderOpenAtReview"
    schema_version: ClassVar[int] = 1
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "local_date": "2026-11-27",
                    "reminder_at": "2026-11-27T09:50:00Z",
                    "end_of_day": "2026-11-27T10:00:00Z",
                    "next_local_date": "2026-11-30",
                    "next_reminder_at": "2026-11-30T09:50:00Z",
                }
            ]
        }
    )

    end_of_day: AwareDatetime = Field(description="The site's end of that working day.")
    next_local_date: date = Field(description="The next working day.")
    next_reminder_at: AwareDatetime = Field(description="Its review time.")


class WorkOrderReviewPlanned(_RollCallEvent):
    """A reopened order answers the roll call again from this working day (WO-7 rev.)."""

    event_type: ClassVar[str] = "WorkOrderReviewPlanned"
    schema_version: ClassVar[int] = 1
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"local_date": "2026-11-24", "reminder_at": "2026-11-24T09:50:00Z"}]
        }
    )


PRIVATE_EVENTS: tuple[type[PrivateEvent], ...] = (
    WorkOrderSerialAssigned,
    FaultOrderRecorded,
    WorkOrderRequestReceived,
    WorkOrderRequestClosed,
    EndOfDayReviewDue,
    SuperiorRecorded,
    WorkOrderOpenAtReview,
    WorkOrderReviewPlanned,
)
