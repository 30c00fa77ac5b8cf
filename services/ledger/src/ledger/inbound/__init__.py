"""Other services' events the ledger turns into commands: every published ledger entry."""

from opsledger.pipeline import Inbound

from ledger.inbound import sources

INBOUND: list[Inbound] = [*sources.INBOUND]
