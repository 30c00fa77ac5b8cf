"""Diagnostic ping: the smallest command that crosses services (tracer for the wiring)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from opsledger.errors import DomainError
from opsledger.eventstore import RecordedEvent
from opsledger_contracts.events.callcenter import DiagnosticPingSent

STREAM_TYPE = "DiagnosticPing"


@dataclass(frozen=True)
class SendDiagnosticPing:
    ping_id: str
    message: str


@dataclass(frozen=True)
class PingState:
    sent: bool = False


class DiagnosticPingDecider:
    stream_type = STREAM_TYPE

    def initial_state(self) -> PingState:
        return PingState()

    def evolve(self, state: PingState, event: RecordedEvent) -> PingState:
        return PingState(sent=True) if event.event_type == DiagnosticPingSent.event_type else state

    def decide(
        self, state: PingState, command: SendDiagnosticPing, now: datetime
    ) -> Sequence[DiagnosticPingSent]:
        if state.sent:
            raise DomainError(
                "DIAG-1", f"ping {command.ping_id} was sent already", field="ping_id", status=409
            )
        return [DiagnosticPingSent(ping_id=command.ping_id, message=command.message)]


def stream_id(ping_id: str) -> str:
    return f"ping-{ping_id}"
