"""Composition root of permits: what the kernel runs for this service.

The domain lands in its own issue; today the service runs the kernel (event store,
relay, probes, metrics) with no commands of its own.
"""

from opsledger.service import ServiceDefinition

definition = ServiceDefinition(
    name="permits",
    title="Renovation permits",
    default_port=8104,
    description=(
        "Applications, review, fees, passes, patrols, violations, hot work, acceptance, "
        "deposit refunds."
    ),
)
