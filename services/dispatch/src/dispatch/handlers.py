"""Handlers of dispatch: plain functions over a transaction."""

from opsledger.runtime import CommandContext, Tx, execute
from opsledger_contracts import DecodedEvent
from opsledger_contracts.events.callcenter import DiagnosticPingSent

from dispatch.domain.diagnostics import PingReceiptDecider, RecordPingReceipt, stream_id


async def on_diagnostic_ping_sent(tx: Tx, message: DecodedEvent) -> None:
    ping = message.payload
    assert isinstance(ping, DiagnosticPingSent)
    envelope = message.envelope
    ctx = CommandContext(
        actor="system:dispatch.diagnostics",
        site_id=envelope.site_id,
        correlation_id=envelope.correlation_id,
        causation_id=str(envelope.event_id),
    )
    command = RecordPingReceipt(
        ping_id=ping.ping_id,
        message=ping.message,
        sent_event_id=str(envelope.event_id),
        sent_at=envelope.occurred_at,
    )
    await execute(tx, PingReceiptDecider(), stream_id(ping.ping_id), command, ctx)
