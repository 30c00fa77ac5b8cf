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
