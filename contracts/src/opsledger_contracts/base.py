"""Base class of every published event payload."""

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventPayload(BaseModel):
    """The data of one event: the Kafka message value, JSON encoded.

    Subclasses set `event_type` (past tense, no suffix), `schema_version` and `service`.
    Payloads are frozen and reject unknown fields so a producer cannot publish more than
    the contract says; consumers of an older contract should ignore unknown fields.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_type: ClassVar[str]
    schema_version: ClassVar[int] = 1
    service: ClassVar[str]
    # Optional: the aggregate type whose stream records this event (header ce_streamtype).
    # When set, the published headers pin it and `encode_message` refuses any other value.
    stream_type: ClassVar[str | None] = None
