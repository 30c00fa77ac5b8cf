"""One module per service with every event it publishes. Importing registers them."""

from opsledger_contracts.events import (
    callcenter,
    dispatch,
    fleet,
    ledger,
    permits,
    permits_conduct,
    secrets_registry,
)

__all__ = [
    "callcenter",
    "dispatch",
    "fleet",
    "ledger",
    "permits",
    "permits_conduct",
    "secrets_registry",
]
