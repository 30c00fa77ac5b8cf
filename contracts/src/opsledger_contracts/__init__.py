"""OpsLedger published event contracts.

Everything another department needs to consume OpsLedger topics: the envelope and its
CloudEvents (Kafka binary mode) mapping, topic names, and a frozen pydantic model for
every event each service publishes, looked up by (event type, schema version).
"""

from opsledger_contracts.base import EventPayload
from opsledger_contracts.codec import ContractError, DecodedEvent, decode_message, encode_message
from opsledger_contracts.envelope import EventEnvelope
from opsledger_contracts.headers import HEADERS, HeaderSpec
from opsledger_contracts.registry import REGISTRY, EventRegistry
from opsledger_contracts.topics import SERVICES, dlq_topic, events_topic
from opsledger_contracts.upcasting import UPCASTERS, UpcasterChain

__all__ = [
    "HEADERS",
    "REGISTRY",
    "SERVICES",
    "UPCASTERS",
    "ContractError",
    "DecodedEvent",
    "EventEnvelope",
    "EventPayload",
    "EventRegistry",
    "HeaderSpec",
    "UpcasterChain",
    "decode_message",
    "dlq_topic",
    "encode_message",
    "events_topic",
]
