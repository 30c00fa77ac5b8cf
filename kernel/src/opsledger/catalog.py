"""Which event models a service reads and writes: the published contracts plus its own
private events (stored, rebuildable, never produced to Kafka)."""

from collections.abc import Iterable

from opsledger_contracts import REGISTRY, EventPayload, EventRegistry

from opsledger.decider import Event
from opsledger.eventstore import RecordedEvent


class NumberAssigned(EventPayload):
    """A number of a gap-free sequence was taken (kernel bookkeeping, never published)."""

    event_type = "NumberAssigned"
    service = "kernel"

    number: int
    assigned_to: str


KERNEL_PRIVATE: tuple[type[EventPayload], ...] = (NumberAssigned,)


class EventCatalog:
    """Decodes stored events of one service into the domain's `Event`."""

    def __init__(self, private: Iterable[type[EventPayload]] = ()) -> None:
        self.registry = EventRegistry()
        for model in REGISTRY:
            self.registry.register(model)
        self.private = (*KERNEL_PRIVATE, *private)
        for model in self.private:
            self.registry.register(model)

    @property
    def private_event_types(self) -> frozenset[str]:
        return frozenset(m.event_type for m in self.private)

    def decode(self, recorded: RecordedEvent) -> Event:
        return Event(
            payload=recorded.decode(self.registry),
            stream_id=recorded.stream_id,
            version=recorded.version,
            site_id=recorded.site_id,
            actor=recorded.actor,
            occurred_at=recorded.occurred_at,
            event_id=recorded.event_id,
        )
