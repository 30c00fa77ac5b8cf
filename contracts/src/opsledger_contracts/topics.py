"""Topic names. One events topic per service; a dead-letter topic per consumed topic."""

from typing import Final, Literal

ServiceName = Literal[
    "callcenter", "dispatch", "fleet", "permits", "secrets_registry", "ledger", "dashboard"
]

SERVICES: Final[tuple[ServiceName, ...]] = (
    "callcenter",
    "dispatch",
    "fleet",
    "permits",
    "secrets_registry",
    "ledger",
    "dashboard",
)


def events_topic(service: str) -> str:
    """The topic a service publishes all its events to, keyed by stream id."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {', '.join(SERVICES)}")
    return f"opsledger.{service}.events"


def dlq_topic(topic: str) -> str:
    """Where a consumer of `topic` parks messages it could not handle."""
    return f"{topic}.dlq"
