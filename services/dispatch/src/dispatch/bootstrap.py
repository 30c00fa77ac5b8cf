"""Composition root of dispatch: what the kernel runs for this service.

Loaders, not lists: the rooms (workflows, read models, inbound, routes) are imported when
a process asks for them, never when the entry point is read.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from opsledger.decider import Aggregate
from opsledger.pipeline import Inbound, Workflow
from opsledger.readmodels import ReadModel
from opsledger.service import ServiceDefinition

from dispatch.domain.private_events import PRIVATE_EVENTS
from dispatch.domain.rules import DispatchRules


def _aggregates() -> Sequence[Aggregate[Any, Any]]:
    from dispatch.domain.diagnostics import PING_RECEIPT
    from dispatch.domain.fault_history import FAULT_HISTORY
    from dispatch.domain.reporting_line import REPORTING_LINE
    from dispatch.domain.requests import REQUEST
    from dispatch.domain.reviews import END_OF_DAY_REVIEW
    from dispatch.domain.work_order import WORK_ORDER

    return [
        WORK_ORDER,
        END_OF_DAY_REVIEW,
        REQUEST,
        FAULT_HISTORY,
        PING_RECEIPT,
        REPORTING_LINE,
    ]


def _workflows() -> Sequence[Workflow[Any]]:
    from dispatch.workflows import WORKFLOWS

    return WORKFLOWS


def _read_models() -> Sequence[ReadModel[Any]]:
    from dispatch.readmodels import READ_MODELS

    return READ_MODELS


def _inbound() -> Sequence[Inbound]:
    from dispatch.inbound import INBOUND

    return INBOUND


def _routers() -> Sequence[APIRouter]:
    from dispatch.entrypoints import ROUTERS

    return ROUTERS


definition = ServiceDefinition(
    name="dispatch",
    title="Work-order dispatcher",
    default_port=8102,
    description="Work orders: issue, accept, escalate, complete, sign-off, callback, archive.",
    routers=_routers,
    aggregates=_aggregates,
    workflows=_workflows,
    read_models=_read_models,
    inbound=_inbound,
    private_events=PRIVATE_EVENTS,
    migrations=Path(__file__).parent / "migrations",
    site_rules=DispatchRules,
)
