"""Composition root of fleet: what the kernel runs for this service.

The domain lands in its own issue; today the service runs the kernel (event store,
relay, probes, metrics) with no commands of its own.
"""

from opsledger.service import ServiceDefinition

definition = ServiceDefinition(
    name="fleet",
    title="Fleet and fuel",
    default_port=8103,
    description=(
        "Vehicles, certified drivers, dispatch log, fuel reconciliation, maintenance, accidents."
    ),
)
