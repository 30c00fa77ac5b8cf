"""Dispatch's side of the diagnostic ping: record that a callcenter ping arrived."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from opsledger.eventstore import RecordedEvent
from opsledger_contracts.events.dispatch import DiagnosticPingReceived

STREAM_TYPE = "DiagnosticPingReceipt"


@dataclass(frozen=True)
class RecordPingReceipt:
    ping_id: str
    message: str
    sent_event_id: str
    sent_at: datetime


@dataclass(frozen=True)
class ReceiptState:
    received: bool = False


class PingReceiptDecider:
    stream_type = STREAM_TYPE

    def initial_state(self) -> ReceiptState:
        return ReceiptState()

    def evolve(self, state: ReceiptState, event: RecordedEvent) -> ReceiptState:
        return ReceiptState(received=True)

    def decide(
        self, state: ReceiptState, command: RecordPingReceipt, now: datetime
    ) -> Sequence[DiagnosticPingReceived]:
        if state.received:
            return []  # a re-sent ping changes nothing
        return [
            DiagnosticPingReceived(
                ping_id=command.ping_id,
                message=command.message,
                sent_event_id=command.sent_event_id,
                sent_at=command.sent_at,
            )
        ]


def stream_id(ping_id: str) -> str:
    return f"ping-receipt-{ping_id}"
