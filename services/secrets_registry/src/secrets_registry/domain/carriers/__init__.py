"""Classified carriers (documents, media, devices) and their registers (SR-11 … SR-20)."""

from typing import Any

from opsledger.decider import Aggregate
from opsledger.pipeline import SYSTEM_ONLY

from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.carriers import lockaway
from secrets_registry.domain.carriers.decide import decide
from secrets_registry.domain.carriers.events import CARRIER_EVENTS
from secrets_registry.domain.carriers.register import CARRIER_REGISTER, RegisterState
from secrets_registry.domain.carriers.state import (
    CarrierState,
    RegisterLine,
    carrier_stream,
    evolve,
    register_stream,
    visible,
)

__all__ = [
    "CARRIER",
    "CARRIER_EVENTS",
    "CARRIER_REGISTER",
    "CarrierState",
    "RegisterLine",
    "RegisterState",
    "carrier_stream",
    "register_stream",
    "visible",
]


def _stream_id(command: Any) -> str:
    return carrier_stream(command.carrier_id)


# Every command is run by a workflow that decided first, on the actor's own person
# stream, that the actor may see this carrier (SR-13): none is a person's to run.
CARRIER: Aggregate[CarrierState, c.CarrierCommand] = Aggregate(
    stream_type="Carrier",
    stream_prefix="carrier-",
    initial=CarrierState(),
    evolve=evolve,
    stream_id=_stream_id,
    commands={command: (SYSTEM_ONLY, decide) for command in c.CarrierCommand.__args__},
    creates=frozenset({c.RecordCarrier}),
    reactions=lockaway.reactions,  # SR-17 rev.2
    timers={lockaway.LOCK_AWAY: lockaway.timer_command},
    timer_actors={lockaway.LOCK_AWAY: "carrier-lock-away"},
    snapshot_every=200,
)
