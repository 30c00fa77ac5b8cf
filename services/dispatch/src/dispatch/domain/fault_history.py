"""WO-10 repeat repairs: the fault history of one asset (or location) and fault code.

The issuing transaction reads the history stream and appends to it with optimistic
concurrency, so the repeat check is exact even with concurrent issuers (a projection
read would be eventually consistent and could miss an order issued a moment earlier).
"""

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Final

from opsledger.eventstore import RecordedEvent
from opsledger_contracts.events.dispatch import FaultOrderRecorded

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


def previous_within(
    history: Sequence[RecordedEvent], now: datetime, window: timedelta
) -> str | None:
    """The latest earlier order for this fault issued within `window` before `now`."""
    for event in reversed(history):
        if event.event_type != FaultOrderRecorded.event_type:
            continue
        earlier = FaultOrderRecorded.model_validate(event.payload)
        if now - earlier.issued_at <= window:
            return earlier.work_order_id
        return None  # the latest is outside the window, so every older one is too
    return None
