"""Idempotent, at-least-once consumers of other services' topics, with a dead-letter topic.

Messages arrive in batches (whatever the broker has ready, up to `max_records`). Each
message is decoded against the published contract; then ONE transaction, in order:
check the inbox (consumer, event_id) for the whole batch, run each handler, record the
inbox rows. One commit, one WAL flush, for the whole batch: that is what lets a
consumer keep up with a busy producer. Only after it commits are the offsets committed
(FastStream AckPolicy.NACK_ON_ERROR; its default ACK_FIRST would be at-most-once).

A run is all or nothing, without savepoints (two round trips per message saved; a
failure is rare). When a handler fails, the run is rolled back, the messages before the
failing one are applied again and committed, and the failing one heads the next run; if
it fails there too it is tried alone a bounded number of times, then goes to
`<topic>.dlq` with the error, and the consumer carries on. Order is kept throughout.
When the failure is our own infrastructure (database unreachable), nothing is
dead-lettered: the batch is nacked and redelivered once we recover, and the inbox skips
what had already committed. A message that breaks its contract is dead-lettered only
once the rest of its batch has committed: dead-lettered earlier, a later failure of the
batch would redeliver it and dead-letter it again (it has no inbox row to dedupe on).
"""

from opsledger.consumers.broker import LagMonitor, subscribe
from opsledger.consumers.inbox import (
    Handler,
    InboxConsumer,
    IncomingMessage,
    Outcome,
    Subscription,
)

__all__ = [
    "Handler",
    "InboxConsumer",
    "IncomingMessage",
    "LagMonitor",
    "Outcome",
    "Subscription",
    "subscribe",
]
