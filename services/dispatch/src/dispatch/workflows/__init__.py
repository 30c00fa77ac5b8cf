"""Dispatch's cross-stream work, one module per area."""

from typing import Any

from opsledger.pipeline import Workflow

from dispatch.workflows import inspections, key_locations, work_orders

WORKFLOWS: list[Workflow[Any]] = [
    *work_orders.WORKFLOWS,
    *inspections.WORKFLOWS,
    *key_locations.WORKFLOWS,  # WO-12 rev.2 check-in
]
