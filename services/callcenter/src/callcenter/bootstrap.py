"""Composition root of callcenter: what the kernel runs for this service."""

from pathlib import Path

import sqlalchemy as sa
from opsledger.service import ServiceDefinition

from callcenter.domain.calls import CALL, SEAT
from callcenter.domain.customers import CUSTOMER, PRIVATE_EVENTS
from callcenter.domain.diagnostics import PING
from callcenter.domain.repairs import PRIVATE_EVENTS as REPAIR_EVENTS
from callcenter.domain.repairs import REPAIR
from callcenter.domain.rosters import HANDOVER, ROSTER
from callcenter.domain.rules import CallcenterRules
from callcenter.domain.tickets import TICKET
from callcenter.entrypoints import (
    http_calls,
    http_customers,
    http_diagnostics,
    http_rosters,
    http_tickets,
)
from callcenter.handlers import WORKFLOWS
from callcenter.handlers_rosters import ROSTER_WORKFLOWS
from callcenter.inbound import INBOUND
from callcenter.readmodels import READ_MODELS

definition = ServiceDefinition(
    name="callcenter",
    title="Call center",
    default_port=8101,
    description="Complaints, repair requests and inquiries; SLAs, callbacks, rosters.",
    # No tables of our own: read-model tables are the kernel's (callcenter_0003 dropped
    # the hand-written projection tables).
    metadata=sa.MetaData(),
    aggregates=lambda: [TICKET, CUSTOMER, ROSTER, HANDOVER, CALL, SEAT, PING, REPAIR],
    workflows=lambda: [*WORKFLOWS, *ROSTER_WORKFLOWS],
    read_models=lambda: READ_MODELS,
    inbound=lambda: INBOUND,
    # CC-7: customer personal data is stored, never published; CC-6: the repairs we
    # follow restate dispatch's published facts.
    private_events=PRIVATE_EVENTS + REPAIR_EVENTS,
    routers=lambda: [
        http_tickets.router,
        http_customers.router,
        http_rosters.router,
        http_calls.router,
        http_diagnostics.router,
    ],
    migrations=Path(__file__).parent / "migrations",
    site_rules=CallcenterRules,
)
