"""Composition root of secrets_registry: what the kernel runs for this service.

The domain lands in its own issue; today the service runs the kernel (event store,
relay, probes, metrics) with no commands of its own.
"""

from opsledger.service import ServiceDefinition

definition = ServiceDefinition(
    name="secrets_registry",
    title="Secrets registry",
    default_port=8105,
    description=(
        "Classified personnel and carriers: levels, pledges, declassification, "
        "controlled movement, audited reads."
    ),
)
