"""Private events of a vehicle's stream: bookkeeping that never leaves fleet."""

from typing import ClassVar

from opsledger_contracts.events.fleet import VehicleEvent
from pydantic import AwareDatetime, Field


class VehicleFaultHeldByRepair(VehicleEvent):
    """An open repair holds this fault report (FL-2 rev.2, FL-4): only the repair's
    completion clears it, never a hand on the fault."""

    event_type: ClassVar[str] = "VehicleFaultHeldByRepair"

    fault_id: str = Field(min_length=1, max_length=64, description="The open fault report.")
    repair_id: str = Field(min_length=1, max_length=64, description="The repair holding it.")


class VehicleBookedForRequest(VehicleEvent):
    """The director reserved the vehicle for a vehicle request's later time (FL-2 rev.2)."""

    event_type: ClassVar[str] = "VehicleBookedForRequest"

    request_id: str = Field(min_length=1, max_length=128, description="The request.")
    needed_at: AwareDatetime = Field(description="When the vehicle is needed.")


PRIVATE_EVENTS = (VehicleFaultHeldByRepair, VehicleBookedForRequest)
