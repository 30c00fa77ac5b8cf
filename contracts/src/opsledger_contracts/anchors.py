"""The chain-head anchors: each service publishes, now and then, the head of its
tamper-evident log (position and hash) to `opsledger.<service>.anchors`.

Keep a copy of this topic (or of its messages) where the service's database
administrators cannot write: `opsledger verify <service> --against …` recomputes the
log's chain and checks that it still has these hashes at these positions, so even a log
rewritten as a whole, chain included, is caught up to the last anchor.

Message: key = service name, value = `ChainHeadAnchored` as JSON, CloudEvents binary-mode
headers (`ce_type` `ChainHeadAnchored`, `ce_source` `opsledger/<service>`, `ce_id`,
`ce_time`, `ce_specversion`, `content-type: application/json`). Schema:
`contracts/anchors/ChainHeadAnchored.v1.json`; AsyncAPI: `contracts/anchors/asyncapi.yaml`.
"""

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from opsledger_contracts.topics import SERVICES


class ChainHeadAnchored(BaseModel):
    """The head of a service's tamper-evident event chain at one moment."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    event_type: ClassVar[str] = "ChainHeadAnchored"
    schema_version: ClassVar[int] = 1

    service: str = Field(description="the service whose event log this is")
    position: int = Field(ge=1, description="global position of the last chained event")
    hash: str = Field(
        pattern="^[0-9a-f]{64}$",
        description="SHA-256 chain hash at that position, lower-case hex (kernel/README.md)",
    )
    anchored_at: datetime = Field(description="when it was published (UTC)")


def anchors_topic(service: str) -> str:
    """Where a service publishes its chain heads."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
    return f"opsledger.{service}.anchors"
