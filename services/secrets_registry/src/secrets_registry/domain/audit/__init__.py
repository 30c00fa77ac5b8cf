"""Every read of the registry is itself an event (SR-20, issue 20 item 5).

One stream per read, `registry-read-<uuid>`, so reads never contend with each other or
with commands; the event says who read, what, and the result (shown, a count, not
found, refused) — never a title. Only the officer, the committee and auditors read them
(`secrets_registry.views.audit`).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from opsledger.decider import Aggregate, DecisionContext, Event, PrivateEvent, changed
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from pydantic import Field


def read_stream(read_id: str) -> str:
    return f"registry-read-{read_id}"


class RegistryRead(PrivateEvent):
    """Someone read (or tried to read) the registry: who, what, the result."""

    event_type: ClassVar[str] = "RegistryRead"
    service: ClassVar[str] = "secrets_registry"
    stream_type: ClassVar[str | None] = "RegistryRead"

    read_id: str = Field(min_length=1, max_length=64)
    reader: str = Field(min_length=1, max_length=200)
    route: str = Field(min_length=1, max_length=200, description="The route template read.")
    target: str = Field(max_length=500, description="Ids and filters asked for, never titles.")
    result: str = Field(min_length=1, max_length=64, description="shown, listed:N, not_found…")
    carrier_id: str | None = Field(
        default=None, max_length=64, description="The one carrier read, if any (item 5)."
    )


@dataclass(frozen=True)
class RecordRegistryRead:
    site_id: str
    read_id: str
    route: str
    target: str
    result: str
    carrier_id: str | None = None


@dataclass(frozen=True)
class ReadState:
    site_id: str = ""
    read: RegistryRead | None = None
    at: datetime | None = None
    reader: str = ""


def evolve(state: ReadState, event: Event) -> ReadState:
    if isinstance(event.payload, RegistryRead):
        return changed(
            state,
            site_id=event.site_id,
            read=event.payload,
            at=event.occurred_at,
            reader=event.actor,
        )
    return state


def decide(
    state: ReadState, command: RecordRegistryRead, ctx: DecisionContext
) -> list[EventPayload]:
    return [
        RegistryRead(
            read_id=command.read_id,
            reader=ctx.actor,
            route=command.route,
            target=command.target[:500],
            result=command.result,
            carrier_id=command.carrier_id,
        )
    ]


READ_AUDIT: Aggregate[ReadState, RecordRegistryRead] = Aggregate(
    stream_type="RegistryRead",
    stream_prefix="registry-read-",
    initial=ReadState(),
    evolve=evolve,
    stream_id=lambda command: read_stream(command.read_id),
    commands={RecordRegistryRead: (SYSTEM_ONLY, decide)},
    creates=frozenset({RecordRegistryRead}),
)

__all__ = ["READ_AUDIT", "ReadState", "RecordRegistryRead", "RegistryRead", "read_stream"]
