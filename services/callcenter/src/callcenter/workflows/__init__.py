"""Callcenter's cross-stream work, one module per area."""

from typing import Any

from opsledger.pipeline import Workflow

from callcenter.workflows import rosters, tickets

WORKFLOWS: list[Workflow[Any]] = [*tickets.WORKFLOWS, *rosters.ROSTER_WORKFLOWS]
