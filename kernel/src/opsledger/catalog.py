"""Which event models a service reads and writes: its published contracts plus its own
private events (stored, rebuildable, never produced to Kafka).

Publishing is an allow-list: the relay produces the service's registered contracts only,
and the pipeline refuses to append a type that is neither one of them nor declared
private, so nothing reaches Kafka by forgetting to declare it.
"""

from collections.abc import Iterable, Sequence

from opsledger_contracts import REGISTRY, EventPayload, EventRegistry

from opsledger.decider import Event, PrivateEvent
from opsledger.eventstore import RecordedEvent

__all__ = [
    "KERNEL_PRIVATE",
    "EventCatalog",
    "NumberAssigned",
    "PrivateEvent",
    "UndeclaredEventError",
    "public_event_types",
]


class NumberAssigned(PrivateEvent):
    """A number of a gap-free sequence was taken (kernel bookkeeping, never published)."""

    event_type = "NumberAssigned"
    service = "kernel"

    number: int
    assigned_to: str


KERNEL_PRIVATE: tuple[type[EventPayload], ...] = (NumberAssigned,)


class UndeclaredEventError(TypeError):
    """A decider returned an event type the service neither publishes nor declared private."""


def public_event_types(service: str | None) -> frozenset[str]:
    """The event types `service` publishes (its registered contracts; None: every one)."""
    models = REGISTRY if service is None else REGISTRY.for_service(service)
    return frozenset(m.event_type for m in models)


class EventCatalog:
    """Decodes stored events of one service into the domain's `Event`, and says which
    types it may append: `service`'s published contracts and the declared private ones
    (`service` None: any published contract, for tests of the kernel alone)."""

    def __init__(
        self, private: Iterable[type[EventPayload]] = (), *, service: str | None = None
    ) -> None:
        self.service = service
        self.registry = EventRegistry()
        for model in REGISTRY:
            self.registry.register(model)
        self.private = (*KERNEL_PRIVATE, *private)
        for model in self.private:
            self.registry.register(model)
        public = REGISTRY if service is None else REGISTRY.for_service(service)
        self._private_models = frozenset(self.private)
        # Only the model class itself counts: a look-alike of the same name does not.
        self._appendable = (
            frozenset(public) - {m for m in public if m.event_type in self.private_event_types}
            | self._private_models
        )

    @property
    def private_event_types(self) -> frozenset[str]:
        return frozenset(m.event_type for m in self.private)

    @property
    def public_event_types(self) -> frozenset[str]:
        """What the relay may produce: published contracts that are not declared private."""
        return public_event_types(self.service) - self.private_event_types

    def check_appendable(self, payloads: Sequence[EventPayload]) -> None:
        """Refuse (before anything is written) a type neither public nor declared private."""
        for payload in payloads:
            model = type(payload)
            if model in self._appendable:
                continue
            owner = f"service {self.service!r}" if self.service else "any service"
            elsewhere = (
                f" (it is a contract of {model.service!r})"
                if model.service != self.service and model in set(REGISTRY)
                else ""
            )
            raise UndeclaredEventError(
                f"{model.__name__} ({model.event_type} v{model.schema_version}) is neither a "
                f"published contract of {owner}{elsewhere} nor declared in private_events "
                "(subclass opsledger.decider.PrivateEvent): refusing to append it"
            )

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
