"""Encode and decode Kafka messages: CloudEvents headers + JSON payload value."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from opsledger_contracts import events as _events  # noqa: F401  (registers every model)
from opsledger_contracts.base import EventPayload
from opsledger_contracts.envelope import EventEnvelope
from opsledger_contracts.registry import REGISTRY, EventRegistry


class ContractError(ValueError):
    """A message does not match the published contract; the text says where."""


@dataclass(frozen=True)
class DecodedEvent:
    """One validated event: its envelope and its typed payload."""

    envelope: EventEnvelope
    payload: EventPayload


def encode_message(envelope: EventEnvelope, payload: EventPayload) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Return (key, value, headers) for producing one event."""
    return envelope.stream_id.encode(), payload.model_dump_json().encode(), envelope.to_kafka_headers()


def decode_message(
    headers: Iterable[tuple[str, bytes]] | Mapping[str, bytes | str],
    value: bytes,
    registry: EventRegistry = REGISTRY,
) -> DecodedEvent:
    """Validate headers and value against the contract; raises `ContractError`."""
    try:
        envelope = EventEnvelope.from_kafka_headers(headers)
    except (ValueError, ValidationError) as exc:
        raise ContractError(f"envelope: {exc}") from exc
    try:
        model = registry.get(envelope.event_type, envelope.schema_version)
    except KeyError as exc:
        raise ContractError(str(exc.args[0])) from exc
    try:
        payload = model.model_validate_json(value)
    except ValidationError as exc:
        raise ContractError(f"{envelope.event_type} v{envelope.schema_version}: {exc}") from exc
    return DecodedEvent(envelope=envelope, payload=payload)
