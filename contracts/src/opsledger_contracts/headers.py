"""The Kafka headers of every OpsLedger event (CloudEvents 1.0, Kafka binary mode).

One table, used by the AsyncAPI document, the HTML page and the tests, so the published
description of the headers cannot drift from what `EventEnvelope` writes.
"""

import os
import re
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlsplit

_POSITIVE_INT: Final = "^[1-9][0-9]*$"

# `ce_dataschema` is an absolute URI (CloudEvents `dataschema`): a base where the contracts
# directory is published, plus the schema's path in it (schemas/<service>/<Type>.v<N>.json).
# The base is configurable per deployment; generated files always use the default, so they
# do not depend on the machine that generated them.
DEFAULT_SCHEMA_BASE_URI: Final = "https://opsledger.example/contracts/"
SCHEMA_BASE_ENV: Final = "OPSLEDGER_SCHEMA_BASE_URI"
_SCHEMA_PATH_AT_END: Final = re.compile(r"(schemas/[a-z_]+/[A-Za-z0-9]+\.v[1-9][0-9]*\.json)$")


def check_schema_base_uri(base: str) -> str:
    """`base` as a valid absolute base URI ending in '/'; raises `ValueError` otherwise."""
    parts = urlsplit(base)
    if not parts.scheme or not parts.netloc:
        raise ValueError(
            f"schema base URI must be absolute (e.g. https://host/contracts/): {base!r}"
        )
    if parts.query or parts.fragment:
        raise ValueError(f"schema base URI must have no query or fragment: {base!r}")
    return base if base.endswith("/") else base + "/"


def schema_base_uri() -> str:
    """The configured base ($OPSLEDGER_SCHEMA_BASE_URI), else `DEFAULT_SCHEMA_BASE_URI`."""
    configured = os.environ.get(SCHEMA_BASE_ENV, "").strip()
    return check_schema_base_uri(configured) if configured else DEFAULT_SCHEMA_BASE_URI


def data_schema_uri(path: str, base: str | None = None) -> str:
    """Absolute `ce_dataschema` of a schema path (relative to the contracts directory)."""
    return check_schema_base_uri(base) + path if base else schema_base_uri() + path


def schema_path_of(uri: str) -> str:
    """The schema's path in the contracts directory, from a `ce_dataschema` value."""
    match = _SCHEMA_PATH_AT_END.search(uri)
    if match is None:
        raise ValueError(f"not an OpsLedger schema URI: {uri!r}")
    return match.group(1)


@dataclass(frozen=True)
class HeaderSpec:
    """One Kafka header: its name, whether producers always send it, and its meaning."""

    name: str
    required: bool
    description: str
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string"})


HEADERS: Final[tuple[HeaderSpec, ...]] = (
    HeaderSpec(
        "ce_specversion", True, "CloudEvents spec version.", {"type": "string", "const": "1.0"}
    ),
    HeaderSpec(
        "ce_id",
        True,
        "Unique event id (envelope event_id). Delivery is at-least-once: deduplicate on it.",
        {"type": "string", "format": "uuid"},
    ),
    HeaderSpec(
        "ce_type",
        True,
        "opsledger.<service>.<EventType>; with ce_schemaversion it selects the payload schema.",
        {"type": "string", "pattern": "^opsledger\\.[a-z_]+\\.[A-Za-z0-9]+$"},
    ),
    HeaderSpec(
        "ce_source",
        True,
        "/opsledger/<service>: the service that recorded the event.",
        {"type": "string", "pattern": "^/opsledger/[a-z_]+$"},
    ),
    HeaderSpec(
        "ce_subject",
        True,
        "Stream (aggregate) id; equal to the Kafka message key.",
        {"type": "string", "minLength": 1},
    ),
    HeaderSpec(
        "ce_time",
        True,
        "When the event happened, RFC 3339 in UTC (envelope occurred_at).",
        {"type": "string", "format": "date-time"},
    ),
    HeaderSpec(
        "ce_dataschema",
        True,
        "Absolute URI of the payload's JSON Schema: a configurable base "
        f"(default {DEFAULT_SCHEMA_BASE_URI}, set by ${SCHEMA_BASE_ENV}) followed by its path "
        "in contracts/, schemas/<service>/<EventType>.v<N>.json.",
        {"type": "string", "format": "uri"},
    ),
    HeaderSpec(
        "content-type",
        True,
        "Media type of the message value.",
        {"type": "string", "const": "application/json"},
    ),
    HeaderSpec(
        "ce_siteid",
        True,
        "Site (branch, project, depot) the event belongs to.",
        {"type": "string", "minLength": 1},
    ),
    HeaderSpec(
        "ce_streamtype",
        True,
        "Aggregate type of the stream, e.g. WorkOrder.",
        {"type": "string", "minLength": 1},
    ),
    HeaderSpec(
        "ce_streamversion",
        True,
        "Position of the event in its stream (1, 2, ...); per key it only grows.",
        {"type": "string", "pattern": _POSITIVE_INT},
    ),
    HeaderSpec(
        "ce_schemaversion",
        True,
        "Version N of the payload schema <EventType>.vN.",
        {"type": "string", "pattern": _POSITIVE_INT},
    ),
    HeaderSpec(
        "ce_correlationid",
        True,
        "Id shared by everything one request caused, across services.",
    ),
    HeaderSpec(
        "ce_causationid",
        False,
        "Id of the event or command that caused this one; absent when none.",
    ),
    HeaderSpec(
        "ce_actor",
        True,
        "Staff id (or system component) on whose behalf the event was recorded.",
    ),
)

HEADER_NAMES: Final[tuple[str, ...]] = tuple(h.name for h in HEADERS)
