"""Composition root of dispatch: what the kernel runs for this service."""

from pathlib import Path

from opsledger.service import ServiceDefinition

from dispatch.domain.diagnostics import PING_RECEIPT
from dispatch.domain.fault_history import FAULT_HISTORY
from dispatch.domain.private_events import PRIVATE_EVENTS
from dispatch.domain.reporting_line import REPORTING_LINE
from dispatch.domain.requests import REQUEST
from dispatch.domain.reviews import END_OF_DAY_REVIEW
from dispatch.domain.rules import DispatchRules
from dispatch.domain.work_order import WORK_ORDER
from dispatch.entrypoints import http_desk, http_reporting_lines, http_work_orders
from dispatch.entrypoints.inbound import INBOUND
from dispatch.handlers import WORKFLOWS
from dispatch.readmodels import read_models

definition = ServiceDefinition(
    name="dispatch",
    title="Work-order dispatcher",
    default_port=8102,
    description="Work orders: issue, accept, escalate, complete, sign-off, callback, archive.",
    routers=lambda: [http_work_orders.router, http_desk.router, http_reporting_lines.router],
    aggregates=lambda: [
        WORK_ORDER,
        END_OF_DAY_REVIEW,
        REQUEST,
        FAULT_HISTORY,
        PING_RECEIPT,
        REPORTING_LINE,
    ],
    workflows=lambda: WORKFLOWS,
    read_models=read_models,
    inbound=lambda: INBOUND,
    private_events=PRIVATE_EVENTS,
    migrations=Path(__file__).parent / "migrations",
    site_rules=DispatchRules,
)
