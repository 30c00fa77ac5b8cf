"""Events published by callcenter on `opsledger.callcenter.events`."""

from typing import ClassVar

from pydantic import ConfigDict, Field

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
