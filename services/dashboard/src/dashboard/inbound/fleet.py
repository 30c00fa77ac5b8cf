"""fleet's published facts the KPI catalogue reads (domain.facts.FACT_FIELDS)."""

from opsledger.pipeline import Inbound
from opsledger_contracts import events_topic
from opsledger_contracts.registry import REGISTRY

from dashboard.domain.facts import FACT_FIELDS, record_fact

INBOUND = [
    Inbound(
        name="fleet-facts",
        topic=events_topic("fleet"),
        events=tuple(REGISTRY.latest(name) for name in FACT_FIELDS["fleet"]),
        policy=record_fact,
    )
]
