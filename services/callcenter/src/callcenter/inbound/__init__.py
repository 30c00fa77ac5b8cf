"""Other services' events that callcenter turns into commands, one module per source."""

from opsledger.pipeline import Inbound

from callcenter.inbound import dispatch

INBOUND: list[Inbound] = [*dispatch.INBOUND]
