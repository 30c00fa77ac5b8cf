"""Composition root of callcenter: what the kernel runs for this service."""

from pathlib import Path

from opsledger.service import ServiceDefinition

from callcenter import handlers
from callcenter.adapters.projections import build_projections, metadata
from callcenter.domain.customer_events import PRIVATE_EVENT_TYPES
from callcenter.domain.rules import CallcenterRules
from callcenter.entrypoints import staff_http, tickets_http
from callcenter.entrypoints.http import build_router
from callcenter.entrypoints.subscribers import build_subscriptions

definition = ServiceDefinition(
    name="callcenter",
    title="Call center",
    default_port=8101,
    description="Complaints, repair requests and inquiries; SLAs, callbacks, rosters.",
    metadata=metadata,
    routers=lambda: [build_router(), tickets_http.build_router(), staff_http.build_router()],
    projections=build_projections,
    subscriptions=build_subscriptions,
    timer_handlers=lambda: {
        handlers.SLA_TIMER: handlers.on_sla_due,
        handlers.CUSTOMER_RECORD_TIMER: handlers.on_customer_record_due,
    },
    migrations=Path(__file__).parent / "migrations",
    private_event_types=PRIVATE_EVENT_TYPES,
    site_rules=CallcenterRules,
)
