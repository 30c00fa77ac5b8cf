"""Composition root of dispatch: what the kernel runs for this service."""

from pathlib import Path

from opsledger.service import ServiceDefinition

from dispatch.adapters.projections import DiagnosticPingsProjection, metadata
from dispatch.entrypoints.http import build_router
from dispatch.entrypoints.subscribers import build_subscriptions

definition = ServiceDefinition(
    name="dispatch",
    title="Work-order dispatcher",
    default_port=8102,
    description="Work orders: issue, accept, escalate, complete, sign-off, callback, archive.",
    metadata=metadata,
    routers=lambda: [build_router()],
    projections=lambda: [DiagnosticPingsProjection()],
    subscriptions=build_subscriptions,
    migrations=Path(__file__).parent / "migrations",
)
