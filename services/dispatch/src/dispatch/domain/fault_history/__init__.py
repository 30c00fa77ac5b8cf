"""WO-10 repeat repairs: the fault history of one asset (or location) and fault code.

Stream `fault-history-<site>-<key>`, stream type "FaultHistory" (private events). The
issue workflow reads it and appends to it in the issuing transaction with the version
read, so the repeat check is exact even with concurrent issuers (a read model would be
eventually consistent and could miss an order issued a moment earlier).
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Final

from opsledger.decider import Aggregate, DecisionContext, Event, changed
from opsledger.pipeline import SYSTEM_ONLY

from dispatch.domain.private_events import FaultOrderRecorded, WorkOrderRequestReceived
from dispatch.domain.work_order.commands import IssueWorkOrder

STREAM_TYPE: Final = "FaultHistory"


def normalise(text: str) -> str:
    """Locations typed by people: case and spacing do not make a different place."""
    return " ".join(text.split()).casefold()


def fault_key(asset_id: str | None, location: str, fault_code: str) -> str:
    """The asset when there is one, else the location; with the fault code."""
    place = (
        f"asset:{normalise(asset_id)}"
        if asset_id and asset_id.strip()
        else (f"location:{normalise(location)}")
    )
    return f"{place}|fault:{normalise(fault_code)}"


def stream_id(site_id: str, key: str) -> str:
    # Hashed so that free-text locations make bounded, safe stream ids.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"fault-history-{site_id}-{digest}"


@dataclass(frozen=True)
class RecordFaultOrder:
    site_id: str
    entry: FaultOrderRecorded

    @property
    def stream(self) -> str:
        entry = self.entry
        return stream_id(self.site_id, fault_key(entry.asset_id, entry.location, entry.fault_code))

    def numbered(self, work_order_id: str, serial_no: int) -> "RecordFaultOrder":
        update = {"work_order_id": work_order_id, "serial_no": serial_no}
        return RecordFaultOrder(self.site_id, self.entry.model_copy(update=update))


def with_requested_fault(
    command: IssueWorkOrder, request: WorkOrderRequestReceived | None
) -> IssueWorkOrder:
    """WO-10: an order for a ticket takes the asset and fault code callcenter classified
    the request with, when the dispatcher gives none, so ticket-born repeats are found."""
    if request is None:
        return command
    return changed(
        command,
        asset_id=command.asset_id or request.asset_id,
        fault_code=command.fault_code or request.fault_code,
    )


def entry_of(command: IssueWorkOrder, now: datetime) -> RecordFaultOrder | None:
    """The fault-history entry an order issued now makes (numbered once it has a serial)."""
    if not (command.fault_code and command.location):
        return None
    entry = FaultOrderRecorded(
        work_order_id="(unnumbered)",
        serial_no=1,
        fault_code=command.fault_code,
        asset_id=command.asset_id,
        location=command.location.strip(),
        issued_at=now,
    )
    return RecordFaultOrder(command.site_id, entry)


@dataclass(frozen=True)
class FaultHistory:
    """The latest order recorded for this fault (older ones never matter)."""

    latest: FaultOrderRecorded | None = None


def evolve(state: FaultHistory, event: Event) -> FaultHistory:
    if isinstance(event.payload, FaultOrderRecorded):
        return FaultHistory(event.payload)
    return state


def previous_within(state: FaultHistory, now: datetime, window: timedelta) -> str | None:
    """The latest earlier order for this fault issued within `window` before `now`."""
    latest = state.latest
    if latest is not None and now - latest.issued_at <= window:
        return latest.work_order_id
    return None  # the latest is outside the window, so every older one is too


def decide(
    state: FaultHistory, command: RecordFaultOrder, ctx: DecisionContext
) -> Sequence[FaultOrderRecorded]:
    return [command.entry]


FAULT_HISTORY: Aggregate[FaultHistory, RecordFaultOrder] = Aggregate(
    stream_type=STREAM_TYPE,
    stream_prefix="fault-history-",
    initial=FaultHistory(),
    evolve=evolve,
    stream_id=lambda command: command.stream,
    commands={RecordFaultOrder: (SYSTEM_ONLY, decide)},
    creates=frozenset({RecordFaultOrder}),
)
