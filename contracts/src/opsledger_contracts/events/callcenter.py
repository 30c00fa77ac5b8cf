"""Events published by callcenter on `opsledger.callcenter.events`."""

from typing import ClassVar, Literal

from pydantic import AwareDatetime, ConfigDict, Field

from opsledger_contracts.base import EventPayload
from opsledger_contracts.registry import REGISTRY


@REGISTRY.register
class DiagnosticPingSent(EventPayload):
    """A diagnostic ping was sent by a call-center agent to prove the event wiring.

    Dispatch answers every ping it receives with `DiagnosticPingReceived`.
    """

    event_type: ClassVar[str] = "DiagnosticPingSent"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "DiagnosticPing"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"ping_id": "ping-0001", "message": "Dispatch, do you copy?"}]
        }
    )

    ping_id: str = Field(min_length=1, max_length=64, description="Id chosen for the ping.")
    message: str = Field(max_length=500, description="Free text carried along.")


@REGISTRY.register
class WorkOrderRequested(EventPayload):
    """A ticket needs on-site work: callcenter asks dispatch for a work order (CC-4).

    Dispatch queues the request for a dispatcher, who issues the work order (WO-2); the
    order's events carry `ticket_id`, so the ticket follows the order's life.
    """

    event_type: ClassVar[str] = "WorkOrderRequested"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "callcenter"
    stream_type: ClassVar[str | None] = "Ticket"
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "ticket_id": "T-site-a-000123",
                    "kind": "repair",
                    "location": "Block 3, unit 1202, kitchen",
                    "content": "Water leaking under the sink",
                    "requirements": "Bring a replacement trap; customer home after 14:00",
                    "reply_by": "2026-11-23T10:00:00Z",
                    "asset_id": "B3-1202-sink",
                    "fault_code": "plumbing.leak",
                }
            ]
        }
    )

    ticket_id: str = Field(min_length=1, max_length=64, description="The requesting ticket.")
    kind: Literal["repair", "complaint"] = Field(description="Kind of the requesting ticket.")
    location: str = Field(min_length=1, max_length=200, description="Where the work is (WO-1).")
    content: str = Field(min_length=1, max_length=2000, description="What is wrong (WO-1).")
    requirements: str = Field(
        min_length=1, max_length=1000, description="What the work must achieve (WO-1)."
    )
    reply_by: AwareDatetime = Field(description="When the work must be done by (WO-1, WO-5).")
    asset_id: str | None = Field(
        default=None, max_length=100, description="Asset at the location, for WO-10 repeats."
    )
    fault_code: str | None = Field(
        default=None, max_length=64, description="Classified fault, for WO-10 repeats."
    )
