"""Permits' cross-stream work, one module per area."""

from typing import Any

from opsledger.pipeline import Workflow

from permits.workflows import applications, flow2, units, works_approvals

WORKFLOWS: list[Workflow[Any]] = [
    *units.UNIT_WORKFLOWS,
    *applications.APPLICATION_WORKFLOWS,
    *flow2.WORKFLOWS,
    *works_approvals.WORKFLOWS,
]
