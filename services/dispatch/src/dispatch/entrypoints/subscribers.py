"""Kafka subscriptions of dispatch."""

from opsledger.consumers import Subscription
from opsledger_contracts import events_topic
from opsledger_contracts.events.callcenter import DiagnosticPingSent, WorkOrderRequested

from dispatch import handlers


def build_subscriptions() -> list[Subscription]:
    return [
        Subscription(
            name="diagnostic-pings",
            topic=events_topic("callcenter"),
            handler=handlers.on_diagnostic_ping_sent,
            event_types=frozenset({DiagnosticPingSent.event_type}),
        ),
        # Flow 1 (CC-4): callcenter asks for a work order; recorded as an open request.
        Subscription(
            name="work-order-requests",
            topic=events_topic("callcenter"),
            handler=handlers.on_work_order_requested,
            event_types=frozenset({WorkOrderRequested.event_type}),
        ),
    ]
