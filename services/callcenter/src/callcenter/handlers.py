"""Command handlers: plain functions over a transaction (no HTTP, no Kafka)."""

from opsledger.eventstore import RecordedEvent
from opsledger.runtime import CommandContext, Tx, execute

from callcenter.domain.diagnostics import DiagnosticPingDecider, SendDiagnosticPing, stream_id


async def send_diagnostic_ping(
    tx: Tx, command: SendDiagnosticPing, ctx: CommandContext
) -> list[RecordedEvent]:
    return await execute(tx, DiagnosticPingDecider(), stream_id(command.ping_id), command, ctx)
