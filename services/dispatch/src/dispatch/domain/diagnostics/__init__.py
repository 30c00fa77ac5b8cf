"""Dispatch's side of the diagnostic ping: record that a callcenter ping arrived.

Stream `ping-receipt-<ping_id>`, stream type "DiagnosticPingReceipt".
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from opsledger.decider import Aggregate, DecisionContext, Event
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts.events.dispatch import DiagnosticPingReceived

STREAM_TYPE: Final = "DiagnosticPingReceipt"


def stream_id(ping_id: str) -> str:
    return f"ping-receipt-{ping_id}"


@dataclass(frozen=True)
class RecordPingReceipt:
    site_id: str
    ping: DiagnosticPingReceived


@dataclass(frozen=True)
class ReceiptState:
    ping: DiagnosticPingReceived | None = None
    site_id: str = ""
    received_at: datetime | None = None


def evolve(state: ReceiptState, event: Event) -> ReceiptState:
    if isinstance(event.payload, DiagnosticPingReceived) and state.ping is None:
        return ReceiptState(event.payload, event.site_id, event.occurred_at)
    return state


def decide(
    state: ReceiptState, command: RecordPingReceipt, ctx: DecisionContext
) -> Sequence[DiagnosticPingReceived]:
    return [] if state.ping is not None else [command.ping]  # a re-sent ping changes nothing


PING_RECEIPT: Aggregate[ReceiptState, RecordPingReceipt] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="ping-receipt-",
    initial=ReceiptState(),
    evolve=evolve,
    stream_id=lambda command: stream_id(command.ping.ping_id),
    commands={RecordPingReceipt: (SYSTEM_ONLY, decide)},
    creates=frozenset({RecordPingReceipt}),
)
