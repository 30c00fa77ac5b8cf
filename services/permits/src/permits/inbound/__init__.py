"""Events that permits turns into commands, one module per source service."""

from opsledger.pipeline import Inbound

from permits.inbound import callcenter, dispatch, permits

INBOUND: list[Inbound] = [*callcenter.INBOUND, *dispatch.INBOUND, *permits.INBOUND]
