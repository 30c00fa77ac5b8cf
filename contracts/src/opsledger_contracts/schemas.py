"""Published JSON Schemas of the event payloads, and one deterministic example per event.

The schema of an event is derived from its model (`model_json_schema`, serialization
mode: exactly what producers put in the message value), then made consumer-facing:

- no `additionalProperties: false`: consumers must ignore fields they do not know, so a
  later optional field never breaks a schema they downloaded (producers stay strict:
  the models forbid unknown fields);
- no auto-generated field titles (noise), a `$id` equal to the `ce_dataschema` header
  (with the default base URI),
  and an `x-opsledger` block naming service, topic, event type and version.
"""

import inspect
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from pydantic import ValidationError

from opsledger_contracts.base import EventPayload
from opsledger_contracts.envelope import EventEnvelope
from opsledger_contracts.headers import DEFAULT_SCHEMA_BASE_URI, data_schema_uri
from opsledger_contracts.topics import SERVICES

JSON_SCHEMA_DIALECT: Final = "https://json-schema.org/draft/2020-12/schema"
_EVENT_TYPE_RE: Final = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_SCHEMA_PATH_RE: Final = re.compile(
    r"^schemas/(?P<service>[a-z_]+)/(?P<event_type>[A-Za-z0-9]+)\.v(?P<version>[1-9][0-9]*)\.json$"
)
# Fixed values so examples (and therefore generated files) never change between runs.
_EXAMPLE_TIME: Final = datetime(2025, 1, 15, 8, 30, tzinfo=UTC)
_EXAMPLE_NAMESPACE: Final = uuid.UUID("8f6c9f0e-5d2a-4e1b-9a57-0b7a1d4c2e10")


@dataclass(frozen=True, order=True)
class EventKey:
    """Identity of one published schema: service, event type and schema version."""

    service: str
    event_type: str
    version: int

    @property
    def path(self) -> str:
        """Path relative to the contracts directory; also the `ce_dataschema` header."""
        return f"schemas/{self.service}/{self.event_type}.v{self.version}.json"

    def __str__(self) -> str:
        return f"{self.service} {self.event_type} v{self.version}"

    @classmethod
    def of(cls, model: type[EventPayload]) -> "EventKey":
        """The key of a payload model."""
        return cls(model.service, model.event_type, model.schema_version)

    @classmethod
    def parse(cls, path: str) -> "EventKey":
        """Inverse of `path`; raises `ValueError` for any other file name."""
        match = _SCHEMA_PATH_RE.match(path)
        if match is None:
            raise ValueError(f"{path}: expected schemas/<service>/<EventType>.v<N>.json")
        return cls(match["service"], match["event_type"], int(match["version"]))


def describe(model: type[EventPayload]) -> str:
    """The model's docstring, dedented: the event's published description."""
    return inspect.cleandoc(model.__doc__ or "")


def event_schema(model: type[EventPayload]) -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12) of one event payload."""
    schema = model.model_json_schema(mode="serialization")
    _make_consumer_facing(schema)
    key = EventKey.of(model)
    schema["$schema"] = JSON_SCHEMA_DIALECT
    schema["$id"] = data_schema_uri(key.path, DEFAULT_SCHEMA_BASE_URI)
    schema["title"] = model.event_type
    schema["description"] = describe(model)
    schema["x-opsledger"] = {
        "ceType": f"opsledger.{model.service}.{model.event_type}",
        "eventType": model.event_type,
        "schemaVersion": model.schema_version,
        "service": model.service,
        "topic": f"opsledger.{model.service}.events",  # lint_model vets the service
    }
    if model.stream_type is not None:
        schema["x-opsledger"]["streamType"] = model.stream_type
    return schema


def _make_consumer_facing(node: Any) -> None:
    """Drop `additionalProperties: false` and auto field titles, recursively, in place."""
    if isinstance(node, dict):
        if node.get("additionalProperties") is False:
            del node["additionalProperties"]
        properties = node.get("properties")
        if isinstance(properties, dict):
            for prop in properties.values():
                if isinstance(prop, dict):
                    prop.pop("title", None)
        for value in node.values():
            _make_consumer_facing(value)
    elif isinstance(node, list):
        for item in node:
            _make_consumer_facing(item)


def render_json(document: Any) -> str:
    """Canonical JSON text of a generated file: sorted keys, 2-space indent, final newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def lint_model(model: type[EventPayload]) -> list[str]:
    """What keeps `model` from being published; empty when it is fine."""
    problems: list[str] = []
    if model.service not in SERVICES:
        problems.append(f"service {model.service!r} is not one of {', '.join(SERVICES)}")
    if not _EVENT_TYPE_RE.match(model.event_type):
        problems.append(f"event_type {model.event_type!r} must be a PascalCase name")
    if model.schema_version < 1:
        problems.append("schema_version must be >= 1")
    if not describe(model):
        problems.append("the model needs a docstring: it is the event's published description")
    for name, info in model.model_fields.items():
        if not info.description:
            problems.append(f"field {name} needs a description (Field(description=...))")
    try:
        example_payload(model)
    except ValueError as exc:
        problems.append(str(exc))
    return problems


def example_payload(model: type[EventPayload]) -> dict[str, Any]:
    """A valid payload of `model`, as JSON data: its first declared example, else synthesised.

    Declare examples on the model with
    `model_config = ConfigDict(json_schema_extra={"examples": [{...}]})`. Raises
    `ValueError` when the declared example is invalid or none can be synthesised.
    """
    schema = model.model_json_schema(mode="serialization")
    examples = schema.get("examples")
    if examples:
        candidate = examples[0]
        origin = "declared example"
    else:
        candidate = _synthesise(schema, schema.get("$defs", {}), model.event_type, 0)
        origin = "synthesised example"
    try:
        instance = model.model_validate_json(json.dumps(candidate))
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ValueError(
            f"{origin} is invalid at field {loc}: {first['msg']}; declare a valid one with "
            "json_schema_extra={'examples': [...]}"
        ) from None
    data: dict[str, Any] = instance.model_dump(mode="json")
    return data


def example_envelope(model: type[EventPayload]) -> EventEnvelope:
    """A deterministic envelope for the example message of `model`."""
    key = EventKey.of(model)
    stream_type = model.stream_type or "Aggregate"
    kebab = re.sub(r"(?<!^)(?=[A-Z])", "-", stream_type).lower()
    return EventEnvelope(
        event_id=uuid.uuid5(_EXAMPLE_NAMESPACE, key.path),
        event_type=model.event_type,
        schema_version=model.schema_version,
        source=model.service,
        site_id="site-001",
        stream_id=f"{kebab}-0001",
        stream_type=stream_type,
        stream_version=1,
        occurred_at=_EXAMPLE_TIME,
        correlation_id=str(uuid.uuid5(_EXAMPLE_NAMESPACE, f"correlation:{key.path}")),
        causation_id=None,
        actor="staff-0001",
    )


def _synthesise(schema: Any, defs: dict[str, Any], name: str, depth: int) -> Any:
    """A value for `schema` built only from its constraints (no randomness)."""
    if depth > 20 or not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        target = defs.get(str(schema["$ref"]).rsplit("/", 1)[-1], {})
        return _synthesise(target, defs, name, depth + 1)
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    for union in ("anyOf", "oneOf"):
        if union in schema:
            branches = [b for b in schema[union] if b.get("type") != "null"] or schema[union]
            return _synthesise(branches[0], defs, name, depth + 1)
    if schema.get("allOf"):
        return _synthesise(schema["allOf"][0], defs, name, depth + 1)
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {
            prop: _synthesise(sub, defs, prop, depth + 1)
            for prop, sub in schema.get("properties", {}).items()
            if prop in required
        }
    if kind == "array":
        count = max(1, int(schema.get("minItems", 1)))
        return [_synthesise(schema.get("items", {}), defs, name, depth + 1)] * count
    if kind in ("integer", "number"):
        low = float(schema.get("minimum") or schema.get("exclusiveMinimum") or 0)
        value = max(1.0, low + (1 if "exclusiveMinimum" in schema else 0))
        return int(value) if kind == "integer" else float(value)
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return _synthesise_string(schema, name)


def _synthesise_string(schema: dict[str, Any], name: str) -> str:
    fmt = schema.get("format")
    by_format = {
        "date-time": "2025-01-15T08:30:00Z",
        "date": "2025-01-15",
        "time": "08:30:00",
        "duration": "PT1H",
        "uuid": str(uuid.uuid5(_EXAMPLE_NAMESPACE, name)),
        "email": "someone@example.com",
        "uri": "https://example.com/",
    }
    if fmt in by_format:
        return by_format[fmt]
    text = f"example-{name}".replace("_", "-")
    low, high = int(schema.get("minLength", 0)), int(schema.get("maxLength", 10_000))
    return (text * (1 + low // max(1, len(text))))[: max(low, min(high, len(text)))]
