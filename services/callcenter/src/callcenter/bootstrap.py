"""Composition root of callcenter: what the kernel runs for this service."""

from opsledger.service import ServiceDefinition

from callcenter.entrypoints.http import build_router

definition = ServiceDefinition(
    name="callcenter",
    title="Call center",
    default_port=8101,
    description="Complaints, repair requests and inquiries; SLAs, callbacks, rosters.",
    routers=lambda: [build_router()],
)
