"""The dashboard consumes the published contracts of every service (one module each)."""

from opsledger.pipeline import Inbound

from dashboard.inbound import callcenter, dispatch, fleet, permits, secrets_registry

INBOUND: list[Inbound] = [
    *callcenter.INBOUND,
    *dispatch.INBOUND,
    *fleet.INBOUND,
    *permits.INBOUND,
    *secrets_registry.INBOUND,
]
