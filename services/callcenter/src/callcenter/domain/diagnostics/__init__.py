"""Diagnostic ping: the smallest command that crosses services (tracer for the wiring).

Stream `ping-<id>`; dispatch answers every ping it receives with `DiagnosticPingReceived`.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from opsledger.decider import Aggregate, DecisionContext, Event
from opsledger.errors import DomainError
from opsledger_contracts.events.callcenter import DiagnosticPingSent

from callcenter.domain.roles import CC_ROLES


@dataclass(frozen=True, slots=True)
class SendDiagnosticPing:
    site_id: str
    ping_id: str
    message: str = ""


def _sent(state: bool, event: Event) -> bool:
    return state or isinstance(event.payload, DiagnosticPingSent)


def _decide(
    sent: bool, cmd: SendDiagnosticPing, ctx: DecisionContext
) -> Sequence[DiagnosticPingSent]:
    if sent:
        raise DomainError(
            "DIAG-1", f"ping {cmd.ping_id} was sent already", field="ping_id", status=409
        )
    return [DiagnosticPingSent(ping_id=cmd.ping_id, message=cmd.message)]


PING: Aggregate[bool, SendDiagnosticPing] = Aggregate(
    stream_type="DiagnosticPing",
    stream_prefix="ping-",
    initial=False,
    evolve=_sent,
    stream_id=lambda cmd: f"ping-{cmd.ping_id}",
    commands={SendDiagnosticPing: (CC_ROLES, _decide)},
    creates=frozenset({SendDiagnosticPing}),
)
