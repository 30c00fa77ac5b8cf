"""The Kafka headers of every OpsLedger event (CloudEvents 1.0, Kafka binary mode).

One table, used by the AsyncAPI document, the HTML page and the tests, so the published
description of the headers cannot drift from what `EventEnvelope` writes.
"""

from dataclasses import dataclass, field
from typing import Any, Final

_POSITIVE_INT: Final = "^[1-9][0-9]*$"


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
        "Path of the payload's JSON Schema, relative to contracts/ "
        "(schemas/<service>/<EventType>.v<N>.json).",
        {"type": "string", "format": "uri-reference"},
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
