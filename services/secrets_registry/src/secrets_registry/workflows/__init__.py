"""The registry's cross-stream work, one module per area."""

from typing import Any

from opsledger.pipeline import Workflow

from secrets_registry.workflows import carriers, custody, locations, registers

WORKFLOWS: list[Workflow[Any]] = [
    *carriers.WORKFLOWS,
    *custody.WORKFLOWS,
    *registers.WORKFLOWS,
    *locations.WORKFLOWS,
]
