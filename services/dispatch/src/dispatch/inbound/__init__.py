"""Other services' events that dispatch turns into commands, one module per source."""

from opsledger.pipeline import Inbound

from dispatch.inbound import callcenter, fleet, permits, secrets_registry

INBOUND: list[Inbound] = [
    *callcenter.INBOUND,
    *fleet.INBOUND,
    *permits.INBOUND,
    *secrets_registry.INBOUND,
]
