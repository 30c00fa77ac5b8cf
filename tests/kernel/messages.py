"""Kafka messages as another service would send them, for consumer tests."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

from opsledger_contracts import EventEnvelope, encode_message
from opsledger_contracts.events.callcenter import DiagnosticPingSent

Message = tuple[bytes, bytes, list[tuple[str, bytes]]]


def ping_message(ping_id: str = "p1", event_id: UUID | str | None = None) -> Message:
    """(key, value, headers) of callcenter's DiagnosticPingSent for ping `ping_id`."""
    envelope = EventEnvelope(
        event_id=event_id or uuid4(),
        event_type="DiagnosticPingSent",
        schema_version=1,
        source="callcenter",
        site_id="site-a",
        stream_id=f"ping-{ping_id}",
        stream_type="DiagnosticPing",
        stream_version=1,
        occurred_at=datetime.now(UTC),
        correlation_id="corr",
        actor="staff-1",
    )
    return encode_message(envelope, DiagnosticPingSent(ping_id=ping_id, message="hi"))
