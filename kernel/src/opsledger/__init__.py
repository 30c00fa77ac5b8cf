"""OpsLedger kernel: the event-sourcing runtime every service shares.

Event store, outbox relay to Kafka, idempotent consumers with a dead-letter topic,
durable timers, rebuildable projections, authentication, observability and the
`opsledger` command line. Nothing here connects or reads configuration at import time.
"""
