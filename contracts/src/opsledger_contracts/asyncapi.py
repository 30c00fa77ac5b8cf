"""The AsyncAPI 3.0 description of the OpsLedger topics, and a self-contained HTML view.

Built from the registry alone (no YAML, no network) so that each service can serve the
document of its own topic over HTTP, and `contracts/tools/generate.py` can commit the
whole document as `contracts/asyncapi.yaml`. The document is written from a consumer's
point of view: every operation is a `receive`.
"""

import copy
import html
import json
import re
from importlib import metadata
from typing import Any, Final

from opsledger_contracts import events as _events  # noqa: F401  (registers every model)
from opsledger_contracts.base import EventPayload
from opsledger_contracts.envelope import CONTENT_TYPE, SPEC_VERSION
from opsledger_contracts.headers import DEFAULT_SCHEMA_BASE_URI, HEADERS
from opsledger_contracts.registry import REGISTRY, EventRegistry
from opsledger_contracts.schemas import (
    EventKey,
    describe,
    event_schema,
    example_envelope,
    example_payload,
)
from opsledger_contracts.topics import SERVICES, dlq_topic, events_topic

ASYNCAPI_VERSION: Final = "3.0.0"
KAFKA_BINDING_VERSION: Final = "0.5.0"

_DESCRIPTION: Final = """\
Events recorded by OpsLedger services, one Kafka topic per service. This document is \
written from the consumer's side: every operation is a `receive`.

- Key: the stream (aggregate) id, UTF-8; equal to the `ce_subject` header. Events of one \
stream are in one partition, in `ce_streamversion` order. There is no order across keys.
- Value: the payload as JSON, valid against the message's payload schema.
- Headers: CloudEvents 1.0, Kafka binary mode (`ce_*`), plus OpsLedger extensions.
- Delivery is at-least-once: the same event can arrive twice; deduplicate on `ce_id`.
- Select the payload schema by `ce_type` and `ce_schemaversion`. Ignore payload fields \
you do not know; an unknown type or a newer version means: upgrade opsledger-contracts.
- Messages you cannot handle go to the dead-letter topic `<topic>.dlq`, tagged with \
the consumer's name; then move on.

See contracts/README.md, "Consuming OpsLedger events"."""


def build_asyncapi(
    service: str | None = None, *, registry: EventRegistry = REGISTRY
) -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every topic, or of `service`'s topic only.

    Pure and deterministic: the same registry gives the same document. Raises
    `ValueError` for an unknown service.
    """
    if service is not None:
        events_topic(service)  # validates the name
    services = SERVICES if service is None else (service,)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for name in services:
        channel_messages: dict[str, Any] = {}
        for model in registry.for_service(name):
            message_id = _message_id(model)
            schemas.update(_component_schemas(model))
            messages[message_id] = _message(model)
            channel_messages[f"{model.event_type}.v{model.schema_version}"] = {
                "$ref": f"#/components/messages/{message_id}"
            }
        channels[name] = _channel(name, channel_messages)
        operations[_operation_id(name)] = _operation(name, channel_messages)
    title = "OpsLedger events" if service is None else f"OpsLedger {service} events"
    return {
        "asyncapi": ASYNCAPI_VERSION,
        "info": {
            "title": title,
            "version": _contracts_version(),
            "description": _DESCRIPTION,
        },
        "defaultContentType": CONTENT_TYPE,
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def _contracts_version() -> str:
    try:
        return metadata.version("opsledger-contracts")
    except metadata.PackageNotFoundError:  # imported from a source tree, not installed
        return "0.0.0"


def _message_id(model: type[EventPayload]) -> str:
    return f"{model.service}.{model.event_type}.v{model.schema_version}"


def _operation_id(service: str) -> str:
    return "receive" + "".join(part.capitalize() for part in service.split("_")) + "Events"


def _channel(service: str, channel_messages: dict[str, Any]) -> dict[str, Any]:
    topic = events_topic(service)
    return {
        "address": topic,
        "title": f"{service} events",
        "description": (
            f"Every event the {service} service records, in per-stream order (key = stream "
            f"id). A consumer that cannot handle a message parks it on the dead-letter topic "
            f"`{dlq_topic(topic)}` (header `dlq_consumer` names the consumer) and goes on."
            + ("" if channel_messages else " No events are published here yet.")
        ),
        "messages": channel_messages,
        "bindings": {"kafka": {"topic": topic, "bindingVersion": KAFKA_BINDING_VERSION}},
    }


def _operation(service: str, channel_messages: dict[str, Any]) -> dict[str, Any]:
    return {
        "action": "receive",
        "channel": {"$ref": f"#/channels/{service}"},
        "title": f"Receive {service} events",
        "summary": f"Consume {events_topic(service)} with your own consumer group.",
        "description": (
            "Commit offsets only after the event is handled; deduplicate on `ce_id`; "
            "dispatch on `ce_type` + `ce_schemaversion`."
        ),
        "messages": [
            {"$ref": f"#/channels/{service}/messages/{name}"} for name in channel_messages
        ],
    }


def _component_schemas(model: type[EventPayload]) -> dict[str, Any]:
    """The payload schema and its `$defs`, as components named `<message id>[.<Def>]`.

    `$defs` are lifted into `components/schemas` (qualified by message, so two events
    may define a same-named type) because a `#/$defs/...` pointer would resolve against
    the AsyncAPI document. `$id` goes too: it would re-base every `$ref` inside.
    """
    prefix = _message_id(model)
    schema = event_schema(model)
    schema.pop("$schema", None)
    schema.pop("$id", None)
    defs: dict[str, Any] = schema.pop("$defs", {})
    out = {prefix: schema, **{f"{prefix}.{name}": sub for name, sub in defs.items()}}
    _rewrite_refs(out, prefix)
    return out


def _rewrite_refs(node: Any, prefix: str) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            node["$ref"] = f"#/components/schemas/{prefix}.{ref.removeprefix('#/$defs/')}"
        for value in node.values():
            _rewrite_refs(value, prefix)
    elif isinstance(node, list):
        for item in node:
            _rewrite_refs(item, prefix)


def _headers_schema(model: type[EventPayload]) -> dict[str, Any]:
    """Object schema of the Kafka headers, pinned to this event where they are fixed."""
    key = EventKey.of(model)
    pinned: dict[str, str] = {
        "ce_specversion": SPEC_VERSION,
        "ce_type": f"opsledger.{model.service}.{model.event_type}",
        "ce_source": f"/opsledger/{model.service}",
        "ce_schemaversion": str(model.schema_version),
        "content-type": CONTENT_TYPE,
    }
    if model.stream_type is not None:
        pinned["ce_streamtype"] = model.stream_type
    properties: dict[str, Any] = {}
    for spec in HEADERS:
        schema = {**spec.schema, "description": spec.description}
        if spec.name == "ce_dataschema":
            # The base is configurable per deployment; the path is fixed per event.
            schema = {**schema, "pattern": re.escape(key.path) + "$"}
        if spec.name in pinned:
            schema = {"type": "string", "const": pinned[spec.name], "description": spec.description}
        properties[spec.name] = schema
    return {
        "type": "object",
        "properties": properties,
        "required": [spec.name for spec in HEADERS if spec.required],
    }


def _message(model: type[EventPayload]) -> dict[str, Any]:
    description = describe(model)
    envelope = example_envelope(model)
    headers = {
        name: value.decode() for name, value in envelope.to_kafka_headers(DEFAULT_SCHEMA_BASE_URI)
    }
    return {
        "name": model.event_type,
        "title": f"{model.event_type} v{model.schema_version}",
        "summary": description.split("\n\n")[0].replace("\n", " "),
        "description": description,
        "contentType": CONTENT_TYPE,
        "headers": _headers_schema(model),
        "payload": {"$ref": f"#/components/schemas/{_message_id(model)}"},
        "correlationId": {
            "description": "Shared by everything one request caused, across services.",
            "location": "$message.header#/ce_correlationid",
        },
        "bindings": {
            "kafka": {
                "key": {
                    "type": "string",
                    "minLength": 1,
                    "description": "Stream (aggregate) id, UTF-8; equals header ce_subject.",
                },
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "examples": [
            {
                "name": "example",
                "summary": f"A {model.event_type} v{model.schema_version} message "
                f"(Kafka key {envelope.stream_id!r}).",
                "headers": headers,
                "payload": example_payload(model),
            }
        ],
    }


# --------------------------------------------------------------------------- HTML view

_CSS: Final = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2330;
background:#f6f7f9}main{max-width:1100px;margin:0 auto;padding:1.5rem 2rem 4rem}
h1{margin:.2rem 0}h2{margin-top:2.5rem;border-bottom:2px solid #c9d1de;padding-bottom:.2rem}
h3{margin:1.6rem 0 .4rem}section.msg{background:#fff;border:1px solid #d8dde6;
border-radius:6px;padding:.6rem 1.2rem 1rem;margin:1rem 0}table{border-collapse:collapse;
width:100%;margin:.4rem 0 1rem;font-size:14px}th,td{text-align:left;vertical-align:top;
padding:.3rem .5rem;border-bottom:1px solid #e3e7ee}th{background:#eef1f5}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{background:#1d2330;color:#e9edf3;padding:.8rem;border-radius:4px;overflow-x:auto}
.muted{color:#5b6578}.tag{display:inline-block;background:#e4ecfb;border-radius:3px;
padding:0 .35rem;font-size:12px;margin-right:.3rem}nav ul{columns:2}
"""


def render_asyncapi_html(doc: dict[str, Any]) -> str:
    """A self-contained, readable HTML page for an AsyncAPI document from `build_asyncapi`.

    No scripts, fonts or stylesheets are fetched: everything is inline, so it works on
    a closed network. Lists each channel, its messages, headers, key, payload fields
    (types, constraints, descriptions) and examples.
    """
    info = doc.get("info", {})
    title = str(info.get("title", "AsyncAPI"))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="muted">AsyncAPI {_e(doc.get("asyncapi", ""))} &middot; version '
        f"{_e(info.get('version', ''))}</p>",
        _paragraphs(str(info.get("description", ""))),
        _toc(doc),
    ]
    operations_by_channel: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for op_id, operation in doc.get("operations", {}).items():
        channel_ref = str(operation.get("channel", {}).get("$ref", ""))
        operations_by_channel.setdefault(channel_ref, []).append((op_id, operation))
    for channel_id, channel in doc.get("channels", {}).items():
        parts.append(
            f'<h2 id="{_anchor("channel", channel_id)}">Topic <code>'
            f"{_e(channel.get('address', channel_id))}</code></h2>"
        )
        parts.append(_paragraphs(str(channel.get("description", ""))))
        for op_id, operation in operations_by_channel.get(f"#/channels/{channel_id}", []):
            parts.append(
                f'<p><span class="tag">{_e(operation.get("action", ""))}</span>'
                f"<code>{_e(op_id)}</code> &mdash; {_inline(operation.get('summary', ''))} "
                f"{_inline(operation.get('description', ''))}</p>"
            )
        channel_messages = channel.get("messages", {})
        if not channel_messages:
            parts.append('<p class="muted">No events are published on this topic yet.</p>')
        for message_key, ref in channel_messages.items():
            message = _deref(doc, ref)
            parts.append(_message_html(doc, channel_id, message_key, message))
    parts.append(
        "<h2>Raw document</h2><details><summary>AsyncAPI document as JSON</summary><pre>"
        + _e(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False))
        + "</pre></details>"
    )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def _toc(doc: dict[str, Any]) -> str:
    items = []
    for channel_id, channel in doc.get("channels", {}).items():
        subitems = "".join(
            f'<li><a href="#{_anchor("msg", channel_id, key)}">{_e(key)}</a></li>'
            for key in channel.get("messages", {})
        )
        items.append(
            f'<li><a href="#{_anchor("channel", channel_id)}"><code>'
            f"{_e(channel.get('address', channel_id))}</code></a>"
            + (f"<ul>{subitems}</ul>" if subitems else "")
            + "</li>"
        )
    return f"<nav><h2>Topics</h2><ul>{''.join(items)}</ul></nav>"


def _message_html(doc: dict[str, Any], channel_id: str, key: str, message: dict[str, Any]) -> str:
    parts = [
        f'<section class="msg" id="{_anchor("msg", channel_id, key)}">',
        f"<h3>{_e(message.get('title', key))}</h3>",
        _paragraphs(str(message.get("description", ""))),
    ]
    kafka = message.get("bindings", {}).get("kafka", {})
    if "key" in kafka:
        parts.append(
            f"<p><strong>Kafka key:</strong> {_e(_type_text(doc, kafka['key']))} &mdash; "
            f"{_e(kafka['key'].get('description', ''))}</p>"
        )
    headers = _deref(doc, message.get("headers", {}))
    if headers:
        parts.append("<h4>Headers</h4>")
        parts.append(_fields_table(doc, headers))
    payload = _deref(doc, message.get("payload", {}))
    if payload:
        parts.append("<h4>Payload fields</h4>")
        parts.append(_fields_table(doc, payload))
    for example in message.get("examples", []):
        parts.append(f"<h4>Example: {_e(example.get('summary', example.get('name', '')))}</h4>")
        for part in ("headers", "payload"):
            if part in example:
                parts.append(
                    f'<p class="muted">{part}</p><pre>'
                    + _e(json.dumps(example[part], indent=2, ensure_ascii=False))
                    + "</pre>"
                )
    parts.append("</section>")
    return "\n".join(parts)


def _fields_table(doc: dict[str, Any], schema: dict[str, Any]) -> str:
    rows: list[str] = []
    _field_rows(doc, schema, "", rows, depth=0)
    return (
        "<table><thead><tr><th>Field</th><th>Type</th><th>Required</th><th>Constraints</th>"
        "<th>Description</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )


def _field_rows(
    doc: dict[str, Any], schema: dict[str, Any], prefix: str, rows: list[str], depth: int
) -> None:
    required = set(schema.get("required", []))
    for name, raw in schema.get("properties", {}).items():
        field = _deref(doc, raw)
        path = f"{prefix}{name}"
        description = raw.get("description") or field.get("description", "")
        rows.append(
            f"<tr><td><code>{_e(path)}</code></td><td>{_e(_type_text(doc, raw))}</td>"
            f"<td>{'yes' if name in required else 'no'}</td>"
            f"<td>{_e(_constraints(field))}</td><td>{_e(description)}</td></tr>"
        )
        # Nested objects (directly, in arrays, or nullable) get their own dotted rows.
        nested = _object_schema(doc, field)
        if nested is not None and depth < 5:
            marker = "[]" if field.get("type") == "array" else ""
            _field_rows(doc, nested, f"{path}{marker}.", rows, depth + 1)


def _object_schema(doc: dict[str, Any], field: dict[str, Any]) -> dict[str, Any] | None:
    if "properties" in field:
        return field
    if field.get("type") == "array":
        return _object_schema(doc, _deref(doc, field.get("items", {})))
    for union in ("anyOf", "oneOf"):
        branches = [_deref(doc, b) for b in field.get(union, []) if b.get("type") != "null"]
        if len(branches) == 1:
            return _object_schema(doc, branches[0])
    return None


def _type_text(doc: dict[str, Any], schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1].rsplit(".", 1)[-1]
    if "const" in schema:
        return f"{schema.get('type', 'value')} = {json.dumps(schema['const'])}"
    if "enum" in schema:
        return "one of " + ", ".join(json.dumps(v) for v in schema["enum"])
    for union in ("anyOf", "oneOf"):
        if union in schema:
            return " | ".join(_type_text(doc, branch) for branch in schema[union])
    kind = schema.get("type", "any")
    if isinstance(kind, list):
        kind = " | ".join(str(k) for k in kind)
    if kind == "array":
        return f"array of {_type_text(doc, schema.get('items', {}))}"
    if "format" in schema:
        return f"{kind} ({schema['format']})"
    return str(kind)


def _constraints(schema: dict[str, Any]) -> str:
    labels = {
        "minLength": "min length",
        "maxLength": "max length",
        "pattern": "pattern",
        "minimum": ">=",
        "exclusiveMinimum": ">",
        "maximum": "<=",
        "exclusiveMaximum": "<",
        "multipleOf": "multiple of",
        "minItems": "min items",
        "maxItems": "max items",
        "uniqueItems": "unique items",
        "default": "default",
    }
    return ", ".join(
        f"{label} {json.dumps(schema[key])}" for key, label in labels.items() if key in schema
    )


def _deref(doc: dict[str, Any], node: Any) -> dict[str, Any]:
    """Follow local `$ref`s (`#/a/b`) within `doc`; siblings of `$ref` are kept."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        if ref in seen or not ref.startswith("#/"):
            break
        seen.add(ref)
        target: Any = doc
        for part in ref[2:].split("/"):
            target = target.get(part.replace("~1", "/").replace("~0", "~"), {})
        node = {**copy.deepcopy(target), **{k: v for k, v in node.items() if k != "$ref"}}
    return node if isinstance(node, dict) else {}


def _anchor(*parts: str) -> str:
    return "-".join(re.sub(r"[^A-Za-z0-9_-]", "-", p) for p in parts)


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _paragraphs(text: str) -> str:
    """Escape text; blank lines become paragraphs, `- ` lines lists, `x` code."""
    out = []
    for block in text.strip().split("\n\n"):
        if not block:
            continue
        lines = block.split("\n")
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            out.append(f"<ul>{items}</ul>")
        else:
            out.append(f"<p>{_inline(' '.join(lines))}</p>")
    return "\n".join(out)


def _inline(text: object) -> str:
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))
