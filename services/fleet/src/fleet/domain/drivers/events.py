"""Private events of a driver's stream: bookkeeping that never leaves fleet.

Listed in the service's `private_events`, so the relay never produces them to Kafka and
they are no published contract. The published fact is the vehicle's `TripDispatched`.
"""

from typing import ClassVar

from opsledger_contracts.events.fleet import DriverEvent
from pydantic import AwareDatetime, Field


class DriverAssignedToTrip(DriverEvent):
    """The driver drives this trip (FL-2): one trip at a time, claimed on the driver's
    own stream so that two trips racing for one driver conflict on it."""

    event_type: ClassVar[str] = "DriverAssignedToTrip"

    vehicle_id: str = Field(min_length=1, max_length=64, description="The trip's vehicle.")
    trip_id: str = Field(min_length=1, max_length=128, description="The trip.")


class DriverBookedForRequest(DriverEvent):
    """The director reserved the driver for a vehicle request's later time (FL-2 rev.2)."""

    event_type: ClassVar[str] = "DriverBookedForRequest"

    request_id: str = Field(min_length=1, max_length=128, description="The request.")
    needed_at: AwareDatetime = Field(description="When the driver is needed.")


PRIVATE_EVENTS = (DriverAssignedToTrip, DriverBookedForRequest)
