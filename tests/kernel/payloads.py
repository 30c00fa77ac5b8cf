"""Payload models used only by kernel tests (not published contracts)."""

from typing import ClassVar

from opsledger_contracts import EventPayload


class CounterIncremented(EventPayload):
    """Test event."""

    event_type: ClassVar[str] = "CounterIncremented"
    schema_version: ClassVar[int] = 1
    service: ClassVar[str] = "kerneltest"

    by: int


class CounterIncrementedV2(EventPayload):
    """Test event, version 2: `by` renamed to `amount`, `reason` added."""

    event_type: ClassVar[str] = "CounterIncremented"
    schema_version: ClassVar[int] = 2
    service: ClassVar[str] = "kerneltest"

    amount: int
    reason: str
