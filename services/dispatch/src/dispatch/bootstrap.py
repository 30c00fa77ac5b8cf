"""Composition root of dispatch: what the kernel runs for this service."""

from pathlib import Path

from opsledger.service import ServiceDefinition
from opsledger.scheduler import TimerHandler

from dispatch import handlers
from dispatch.adapters.projections import all_projections, metadata
from dispatch.domain import reviews
from dispatch.domain.rules import DispatchRules
from dispatch.entrypoints.http import build_router
from dispatch.entrypoints.subscribers import build_subscriptions
from dispatch.entrypoints.work_orders_http import build_router as build_work_orders_router


def timer_handlers() -> dict[str, TimerHandler]:
    return {
        handlers.OVERDUE_TIMER_KIND: handlers.on_overdue_timer,  # WO-5
        reviews.REMINDER_TIMER_KIND: handlers.on_review_reminder_timer,  # WO-7
    }


definition = ServiceDefinition(
    name="dispatch",
    title="Work-order dispatcher",
    default_port=8102,
    description="Work orders: issue, accept, escalate, complete, sign-off, callback, archive.",
    metadata=metadata,
    routers=lambda: [build_router(), build_work_orders_router()],
    projections=all_projections,
    subscriptions=build_subscriptions,
    timer_handlers=timer_handlers,
    migrations=Path(__file__).parent / "migrations",
    site_rules=DispatchRules,
)
