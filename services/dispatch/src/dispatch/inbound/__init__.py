"""Other services' events that dispatch turns into commands, one module per source."""

from opsledger.pipeline import Inbound

from dispatch.inbound import callcenter, fleet, permits

INBOUND: list[Inbound] = [*callcenter.INBOUND, *fleet.INBOUND, *permits.INBOUND]
