"""The event envelope and its CloudEvents 1.0 Kafka binary-mode mapping."""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Final
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from opsledger_contracts.headers import data_schema_uri

SPEC_VERSION: Final = "1.0"
CONTENT_TYPE: Final = "application/json"

# CloudEvents extension attribute names must be lower-case alphanumerics.
_EXTENSIONS: Final[dict[str, str]] = {
    "site_id": "ce_siteid",
    "stream_type": "ce_streamtype",
    "stream_version": "ce_streamversion",
    "schema_version": "ce_schemaversion",
    "correlation_id": "ce_correlationid",
    "causation_id": "ce_causationid",
    "actor": "ce_actor",
}
_HEADER_OF_FIELD: Final[dict[str, str]] = {
    "event_id": "ce_id",
    "event_type": "ce_type",
    "source": "ce_source",
    "stream_id": "ce_subject",
    "occurred_at": "ce_time",
    **_EXTENSIONS,
}


class EventEnvelope(BaseModel):
    """Metadata that travels with every event, as CloudEvents headers on Kafka.

    `stream_id` is also the Kafka message key, so all events of one stream are in one
    partition, in `stream_version` order. Delivery is at-least-once: deduplicate on
    `event_id` (the `ce_id` header).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: UUID = Field(description="Unique id of the event (ce_id); dedupe on it.")
    event_type: str = Field(description="Past-tense event name, e.g. WorkOrderIssued.")
    schema_version: int = Field(ge=1, description="Version of the payload schema.")
    source: str = Field(description="Service that recorded the event, e.g. dispatch.")
    site_id: str = Field(min_length=1, description="Site (branch, project, depot).")
    stream_id: str = Field(min_length=1, description="Aggregate id; the Kafka key.")
    stream_type: str = Field(min_length=1, description="Aggregate type, e.g. WorkOrder.")
    stream_version: int = Field(ge=1, description="Position of the event in its stream.")
    occurred_at: AwareDatetime = Field(description="When it happened (UTC).")
    correlation_id: str = Field(description="Id shared by everything one request caused.")
    causation_id: str | None = Field(
        default=None, description="Event or command id that caused it."
    )
    actor: str = Field(description="Staff id (or system component) that caused it.")

    @property
    def ce_type(self) -> str:
        """CloudEvents type: opsledger.<service>.<EventType>."""
        return f"opsledger.{self.source}.{self.event_type}"

    @property
    def ce_source(self) -> str:
        """CloudEvents source: /opsledger/<service>."""
        return f"/opsledger/{self.source}"

    @property
    def data_schema_path(self) -> str:
        """Path of the payload's JSON Schema, relative to the contracts directory."""
        return f"schemas/{self.source}/{self.event_type}.v{self.schema_version}.json"

    @property
    def data_schema(self) -> str:
        """Absolute URI of the payload's JSON Schema (the `ce_dataschema` header)."""
        return data_schema_uri(self.data_schema_path)

    def to_kafka_headers(self, schema_base: str | None = None) -> list[tuple[str, bytes]]:
        """CloudEvents binary-mode headers (values UTF-8).

        `schema_base`: base URI of `ce_dataschema`; default the configured one.
        """
        headers: dict[str, str] = {
            "ce_specversion": SPEC_VERSION,
            "ce_id": str(self.event_id),
            "ce_type": self.ce_type,
            "ce_source": self.ce_source,
            "ce_subject": self.stream_id,
            "ce_time": self.occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "ce_dataschema": data_schema_uri(self.data_schema_path, schema_base),
            "content-type": CONTENT_TYPE,
        }
        for field, header in _EXTENSIONS.items():
            value = getattr(self, field)
            if value is not None:
                headers[header] = str(value)
        return [(k, v.encode()) for k, v in headers.items()]

    @classmethod
    def from_kafka_headers(
        cls, headers: Iterable[tuple[str, bytes]] | Mapping[str, bytes | str]
    ) -> "EventEnvelope":
        """Parse CloudEvents headers; raises `ValueError` naming the missing or bad header."""
        items = headers.items() if isinstance(headers, Mapping) else headers
        raw: dict[str, str] = {}
        for name, value in items:
            try:
                raw[name] = value.decode() if isinstance(value, bytes) else str(value)
            except UnicodeDecodeError:
                raise ValueError(f"header {name} is not UTF-8") from None
        for required in ("ce_id", "ce_type", "ce_source", "ce_subject", "ce_time"):
            if required not in raw:
                raise ValueError(f"header {required} is missing (CloudEvents binary mode)")
        if raw.get("ce_specversion") != SPEC_VERSION:
            raise ValueError(
                f"header ce_specversion must be {SPEC_VERSION!r}, got {raw.get('ce_specversion')!r}"
            )
        content_type = raw.get("content-type", CONTENT_TYPE)
        if content_type.split(";")[0].strip() != CONTENT_TYPE:
            raise ValueError(f"header content-type must be {CONTENT_TYPE!r}, got {content_type!r}")
        prefix, _, rest = raw["ce_type"].partition(".")
        source, _, event_type = rest.partition(".")
        if prefix != "opsledger" or not source or not event_type:
            raise ValueError(
                f"header ce_type must look like opsledger.<service>.<EventType>, "
                f"got {raw['ce_type']!r}"
            )
        if raw["ce_source"] != f"/opsledger/{source}":
            raise ValueError(
                f"header ce_source is {raw['ce_source']!r} but ce_type says the source is "
                f"'/opsledger/{source}'"
            )
        try:
            occurred_at = datetime.fromisoformat(raw["ce_time"].replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(
                f"header ce_time is not an RFC 3339 timestamp: {raw['ce_time']!r}"
            ) from None
        fields: dict[str, object] = {
            "event_id": raw["ce_id"],
            "event_type": event_type,
            "source": source,
            "stream_id": raw["ce_subject"],
            "occurred_at": occurred_at,
        }
        for field, header in _EXTENSIONS.items():
            if header in raw:
                fields[field] = raw[header]
        try:
            return cls.model_validate(fields)
        except ValidationError as exc:
            # Report the header the consumer sees, not the envelope's field name.
            error = exc.errors()[0]
            header = _HEADER_OF_FIELD.get(str(error["loc"][0]), str(error["loc"][0]))
            if error["type"] == "missing":
                raise ValueError(f"header {header} is missing") from None
            got = raw.get(header, error.get("input"))  # the header text, not a parsed value
            raise ValueError(f"header {header}: {error['msg']} (got {got!r})") from None
