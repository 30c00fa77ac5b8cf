"""Encode and decode Kafka messages: CloudEvents headers + JSON payload value."""

import json
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


def encode_message(
    envelope: EventEnvelope, payload: EventPayload
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """Return (key, value, headers) for producing one event.

    Raises `ContractError` when the envelope does not describe this payload (another
    event type, version or service), so a producer cannot publish a mislabelled event.
    """
    model = type(payload)
    expected = {
        "event_type": model.event_type,
        "schema_version": model.schema_version,
        "source": model.service,
    }
    if model.stream_type is not None:
        expected["stream_type"] = model.stream_type
    for field, value in expected.items():
        if getattr(envelope, field) != value:
            raise ContractError(
                f"envelope {field} is {getattr(envelope, field)!r} but the payload "
                f"{model.__name__} needs {value!r}"
            )
    return (
        envelope.stream_id.encode(),
        payload.model_dump_json().encode(),
        envelope.to_kafka_headers(),
    )


def decode_message(
    headers: Iterable[tuple[str, bytes]] | Mapping[str, bytes | str],
    value: bytes | None,
    registry: EventRegistry = REGISTRY,
    *,
    key: bytes | None = None,
    ignore_unknown_fields: bool = True,
) -> DecodedEvent:
    """Validate headers and value against the contract; raises `ContractError`.

    The error text is one line naming the header or payload field at fault. Pass the
    Kafka `key` to also check it equals the `ce_subject` header. Unknown top-level
    payload fields are ignored by default (tolerant reader): a producer may add an
    optional field without a new schema version, and consumers on an older contract must
    keep working. `ignore_unknown_fields=False` rejects them instead.
    """
    try:
        envelope = EventEnvelope.from_kafka_headers(headers)
    except ValueError as exc:
        raise ContractError(f"envelope: {exc}") from exc
    if key is not None and key != envelope.stream_id.encode():
        raise ContractError(
            f"envelope: message key {key!r} does not equal header ce_subject {envelope.stream_id!r}"
        )
    try:
        model = registry.get(envelope.event_type, envelope.schema_version)
    except KeyError as exc:
        raise ContractError(
            f"header ce_type/ce_schemaversion: {exc.args[0]} (unknown event type or a newer "
            "schema version: upgrade opsledger-contracts)"
        ) from exc
    where = f"payload {envelope.event_type} v{envelope.schema_version}"
    if value is None:
        raise ContractError(f"{where}: the message value is empty (tombstone?)")
    try:
        data = json.loads(value)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ContractError(f"{where}: value is not UTF-8 JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise ContractError(f"{where}: value must be a JSON object, got {type(data).__name__}")
    raw = value
    fields = model.model_fields  # a descriptor: read once, not once per key
    unknown = [k for k in data if k not in fields]
    if unknown and ignore_unknown_fields:
        # Re-encode rather than validate the dict: JSON-mode validation is what the
        # producer's JSON is specified against (dates, bytes, decimals as strings).
        raw = json.dumps({k: v for k, v in data.items() if k not in unknown}).encode()
    try:
        payload = model.model_validate_json(raw)
    except ValidationError as exc:
        raise ContractError(f"{where}: {_describe(exc)}") from exc
    return DecodedEvent(envelope=envelope, payload=payload)


def _describe(exc: ValidationError) -> str:
    """One line per pydantic error, joined: `field a.b: message`."""
    parts = []
    for error in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in error["loc"]) or "(value)"
        parts.append(f"field {loc}: {error['msg']}")
    return "; ".join(parts)
