"""The ledger's cross-stream work, one module per area."""

from typing import Any

from opsledger.pipeline import Workflow

from ledger.workflows import entries

WORKFLOWS: list[Workflow[Any]] = [*entries.WORKFLOWS]
