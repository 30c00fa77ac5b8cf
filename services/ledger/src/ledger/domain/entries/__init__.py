"""Entry ids the ledger has counted (stream entry-<entry_id>): one claim per id, wherever
the entry went (its month, or a later month as an adjustment), so it counts once (LG-1)."""

from dataclasses import dataclass
from typing import Any, ClassVar

from opsledger.decider import Aggregate, DecisionContext, Event, PrivateEvent, changed
from opsledger.pipeline import SYSTEM_ONLY
from opsledger_contracts import EventPayload
from pydantic import Field

__all__ = ["ENTRIES", "PRIVATE_EVENTS", "ClaimEntry", "EntryClaimed", "EntryState", "entry_stream"]


class EntryClaimed(PrivateEvent):
    """The entry id is counted, in the site-month stream `counted_in`."""

    event_type: ClassVar[str] = "EntryClaimed"
    service: ClassVar[str] = "ledger"
    stream_type: ClassVar[str | None] = "LedgerEntry"

    entry_id: str = Field(min_length=1, max_length=120)
    counted_in: str = Field(min_length=1, max_length=200)


PRIVATE_EVENTS = (EntryClaimed,)


@dataclass(frozen=True)
class ClaimEntry:
    site_id: str
    entry_id: str
    counted_in: str


@dataclass(frozen=True)
class EntryState:
    site_id: str = ""
    counted_in: str = ""


def entry_stream(entry_id: str) -> str:
    return f"entry-{entry_id}"


def evolve(state: EntryState, event: Event) -> EntryState:
    if isinstance(event.payload, EntryClaimed):
        return changed(state, site_id=event.site_id, counted_in=event.payload.counted_in)
    return state


def decide(state: EntryState, command: ClaimEntry, ctx: DecisionContext) -> list[EventPayload]:
    if state.counted_in:
        return []  # counted already (LG-1)
    return [EntryClaimed(entry_id=command.entry_id, counted_in=command.counted_in)]


def _stream_id(command: Any) -> str:
    return entry_stream(command.entry_id)


ENTRIES: Aggregate[EntryState, ClaimEntry] = Aggregate(
    stream_type="LedgerEntry",
    stream_prefix="entry-",
    initial=EntryState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={ClaimEntry: (SYSTEM_ONLY, decide)},
    creates=frozenset({ClaimEntry}),
)
