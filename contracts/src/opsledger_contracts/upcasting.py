"""Upcasters: upgrade an older payload to the next schema version, one step at a time.

Stored events and old messages are never rewritten; readers upgrade them on the fly by
running the chain from the stored `schema_version` to the newest registered model.
"""

from collections.abc import Callable
from typing import Any

Payload = dict[str, Any]
Upcaster = Callable[[Payload], Payload]


class UpcasterChain:
    """Registered `(event_type, from_version) -> function` steps."""

    def __init__(self) -> None:
        self._steps: dict[tuple[str, int], Upcaster] = {}

    def register(self, event_type: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Decorator: the function turns a v`from_version` payload into v`from_version + 1`."""

        def decorate(fn: Upcaster) -> Upcaster:
            key = (event_type, from_version)
            if key in self._steps:
                raise ValueError(f"upcaster {event_type} v{from_version} registered twice")
            self._steps[key] = fn
            return fn

        return decorate

    def has_step(self, event_type: str, from_version: int) -> bool:
        """Whether an upcaster from `from_version` to the next version is registered."""
        return (event_type, from_version) in self._steps

    def step(self, event_type: str, from_version: int) -> Upcaster:
        """The single step v`from_version` -> v`from_version + 1`; raises `KeyError`."""
        try:
            return self._steps[(event_type, from_version)]
        except KeyError:
            raise KeyError(f"no upcaster for {event_type} v{from_version}") from None

    def upcast(self, event_type: str, version: int, payload: Payload) -> tuple[int, Payload]:
        """Apply every step from `version` on; returns the final version and payload."""
        while (step := self._steps.get((event_type, version))) is not None:
            payload = step(dict(payload))
            version += 1
        return version, payload


UPCASTERS = UpcasterChain()
