"""Fleet's cross-stream work, one module per area."""

from typing import Any

from opsledger.pipeline import Workflow

from fleet.workflows import assessment, repairs, requests, rewards, vehicles

WORKFLOWS: list[Workflow[Any]] = [
    *vehicles.WORKFLOWS,
    *repairs.REPAIR_WORKFLOWS,
    *rewards.REWARD_WORKFLOWS,
    *requests.REQUEST_WORKFLOWS,
    *assessment.ASSESSMENT_WORKFLOWS,
]
