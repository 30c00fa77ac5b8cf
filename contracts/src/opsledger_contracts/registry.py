"""Lookup from (event type, schema version) to the payload model."""

from collections.abc import Iterator
from typing import TypeVar

from opsledger_contracts.base import EventPayload

_M = TypeVar("_M", bound=type[EventPayload])


class EventRegistry:
    """All published payload models, by (event_type, schema_version)."""

    def __init__(self) -> None:
        self._models: dict[tuple[str, int], type[EventPayload]] = {}

    def register(self, model: _M) -> _M:
        """Class decorator: publish `model` under (event_type, schema_version)."""
        key = (model.event_type, model.schema_version)
        existing = self._models.get(key)
        if existing is not None and existing is not model:
            raise ValueError(f"{key} is registered twice ({existing.__name__}, {model.__name__})")
        self._models[key] = model
        return model

    def get(self, event_type: str, schema_version: int) -> type[EventPayload]:
        """The model of one version; raises `KeyError` naming what is missing."""
        try:
            return self._models[(event_type, schema_version)]
        except KeyError:
            raise KeyError(f"no contract for {event_type} v{schema_version}") from None

    def latest(self, event_type: str) -> type[EventPayload]:
        """The model with the highest schema version of `event_type`."""
        versions = [m for (t, _), m in self._models.items() if t == event_type]
        if not versions:
            raise KeyError(f"no contract for {event_type}")
        return max(versions, key=lambda m: m.schema_version)

    def __iter__(self) -> Iterator[type[EventPayload]]:
        # Stable order (service, type, version) so generated documents never reorder.
        return iter(
            sorted(self._models.values(), key=lambda m: (m.service, m.event_type, m.schema_version))
        )

    def for_service(self, service: str) -> list[type[EventPayload]]:
        """Every model (all versions) published by `service`, in stable order."""
        return [m for m in self if m.service == service]


REGISTRY = EventRegistry()
