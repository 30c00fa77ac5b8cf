"""Other services' events that fleet turns into commands, one module per source."""

from opsledger.pipeline import Inbound

from fleet.inbound import dispatch

INBOUND: list[Inbound] = [*dispatch.INBOUND]
