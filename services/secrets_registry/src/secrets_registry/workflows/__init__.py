"""The registry's cross-stream work, one module per area."""

from typing import Any

from opsledger.pipeline import Workflow

from secrets_registry.workflows import (
    byproducts,
    carriers,
    custody,
    inventory,
    locations,
    registers,
)

WORKFLOWS: list[Workflow[Any]] = [
    *registers.WORKFLOWS,
    *carriers.WORKFLOWS,
    *custody.WORKFLOWS,
    *inventory.WORKFLOWS,
    *locations.WORKFLOWS,
    *byproducts.WORKFLOWS,  # SR-11 rev.2
]
