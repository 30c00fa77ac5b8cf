"""The secrets registry's events that become dispatch commands (flow 4, pure policies).

Only the published clearance, departure and key-location contracts reach dispatch; the
registry never publishes carriers or personnel files.
"""

from opsledger.pipeline import Inbound
from opsledger_contracts import EventEnvelope, EventPayload, events_topic
from opsledger_contracts.events.secrets_registry import (
    ClearanceEnded,
    ClearanceGranted,
    KeyLocationEntryListChanged,
    KeyLocationRegistered,
    PersonDeparted,
)

from dispatch.domain.clearances import NoteClearance, NoteClearanceEnd
from dispatch.domain.key_locations import NoteKeyLocation


def secrecy_changed(
    event: EventPayload, envelope: EventEnvelope
) -> NoteClearance | NoteClearanceEnd | NoteKeyLocation:
    """WO-12: a clearance granted or changed is noted whole, an end or a departure ends it;
    a key location is noted with its entry list as it now stands."""
    site = envelope.site_id
    match event:
        case ClearanceGranted():
            return NoteClearance(
                site, event.person_id, event.level, event.key_locations, event.pledge_valid_until
            )
        case ClearanceEnded():
            return NoteClearanceEnd(site, event.person_id, event.ended_on, event.reason)
        case PersonDeparted():
            return NoteClearanceEnd(site, event.person_id, event.left_on, f"departed:{event.kind}")
        case KeyLocationRegistered() | KeyLocationEntryListChanged():
            return NoteKeyLocation(site, event.location_id, event.entry_list)
    raise TypeError(f"not a flow-4 event: {type(event).__name__}")


INBOUND = [
    Inbound(
        name="secrecy",
        topic=events_topic("secrets_registry"),
        events=(
            ClearanceGranted,
            ClearanceEnded,
            PersonDeparted,
            KeyLocationRegistered,
            KeyLocationEntryListChanged,
        ),
        policy=secrecy_changed,
    ),
]
