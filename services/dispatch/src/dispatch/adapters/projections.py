"""Read models of dispatch (SQL tables fed by the event log)."""

from collections.abc import Sequence

import sqlalchemy as sa
from opsledger.eventstore import RecordedEvent
from opsledger_contracts.events.dispatch import DiagnosticPingReceived
from sqlalchemy.ext.asyncio import AsyncConnection

metadata = sa.MetaData()

diagnostic_pings = sa.Table(
    "diagnostic_pings",
    metadata,
    sa.Column("ping_id", sa.String(64), primary_key=True),
    sa.Column("site_id", sa.String(64), nullable=False),
    sa.Column("message", sa.String(500), nullable=False),
    sa.Column("sent_event_id", sa.String(64), nullable=False),
    sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("correlation_id", sa.String(200), nullable=False),
)


class DiagnosticPingsProjection:
    """One row per ping dispatch received."""

    name = "diagnostic_pings"
    tables: Sequence[sa.Table] = (diagnostic_pings,)

    async def apply(self, conn: AsyncConnection, event: RecordedEvent) -> None:
        if event.event_type != DiagnosticPingReceived.event_type:
            return
        ping = DiagnosticPingReceived.model_validate(event.payload)
        await conn.execute(
            diagnostic_pings.insert().values(
                ping_id=ping.ping_id,
                site_id=event.site_id,
                message=ping.message,
                sent_event_id=ping.sent_event_id,
                sent_at=ping.sent_at,
                received_at=event.recorded_at,
                correlation_id=event.correlation_id,
            )
        )
