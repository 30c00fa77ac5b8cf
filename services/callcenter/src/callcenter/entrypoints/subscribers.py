"""Kafka subscriptions of callcenter."""

from opsledger.consumers import Subscription
from opsledger_contracts import events_topic

from callcenter import handlers


def build_subscriptions() -> list[Subscription]:
    return [
        # CC-4: the ticket follows its work order's life in dispatch.
        Subscription(
            name="work-orders",
            topic=events_topic("dispatch"),
            handler=handlers.on_work_order_event,
            event_types=handlers.WORK_ORDER_EVENT_TYPES,
        )
    ]
