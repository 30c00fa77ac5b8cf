"""Prometheus metrics of one service process (own registry, so tests can build many)."""

from collections.abc import Iterable
from typing import Protocol

from opsledger_contracts import REGISTRY
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _Appended(Protocol):
    """What `count_appended` needs of a recorded event (eventstore.RecordedEvent fits)."""

    @property
    def event_type(self) -> str: ...


# Reasons an authentication fails; the label takes only these values (bounded).
AUTH_FAILURE_REASONS = ("missing", "malformed", "bad_signature", "expired", "invalid_claims")


class Metrics:
    """Every metric the kernel exports. Labels are bounded (never an id as a label)."""

    def __init__(self, service: str, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.service = service
        self.info = Gauge("opsledger_service_info", "Static service info", ["service"], registry=r)
        self.info.labels(service=service).set(1)
        self.http_requests = Counter(
            "opsledger_http_requests_total",
            "HTTP requests by route template and status code",
            ["method", "route", "status"],
            registry=r,
        )
        self.http_seconds = Histogram(
            "opsledger_http_request_duration_seconds",
            "HTTP request handling time",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.events_appended = Counter(
            "opsledger_events_appended_total",
            "Events appended to the store",
            ["stream_type"],
            registry=r,
        )
        self.append_conflicts = Counter(
            "opsledger_append_conflicts_total", "Optimistic concurrency conflicts", registry=r
        )
        self.outbox_backlog = Gauge(
            "opsledger_outbox_backlog_events", "Committed events not yet published", registry=r
        )
        self.outbox_oldest_age = Gauge(
            "opsledger_outbox_oldest_unpublished_age_seconds",
            "Age of the oldest committed event not yet published (0 when none)",
            registry=r,
        )
        self.relay_published = Counter(
            "opsledger_relay_published_total", "Events produced to Kafka by the relay", registry=r
        )
        self.relay_errors = Counter(
            "opsledger_relay_errors_total",
            "Relay batches that failed and will be retried",
            registry=r,
        )
        self.consumer_handled = Counter(
            "opsledger_consumer_messages_handled_total",
            "Messages whose effect committed",
            ["consumer"],
            registry=r,
        )
        self.consumer_duplicates = Counter(
            "opsledger_consumer_duplicates_skipped_total",
            "Messages skipped because the inbox had them",
            ["consumer"],
            registry=r,
        )
        self.consumer_dead_lettered = Counter(
            "opsledger_consumer_dead_lettered_total",
            "Messages sent to the dead-letter topic",
            ["consumer"],
            registry=r,
        )
        self.consumer_errors = Counter(
            "opsledger_consumer_handler_errors_total",
            "Failed handling attempts (retried or dead-lettered)",
            ["consumer"],
            registry=r,
        )
        self.consumer_seconds = Histogram(
            "opsledger_consumer_handling_seconds",
            "Time to handle one message, retries included",
            ["consumer"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.consumer_lag = Gauge(
            "opsledger_consumer_lag_messages",
            "Messages in the topic not yet committed by the consumer group",
            ["consumer", "topic"],
            registry=r,
        )
        self.timers_fired = Counter(
            "opsledger_timers_fired_total", "Durable timers fired", ["kind"], registry=r
        )
        self.timers_overdue = Gauge(
            "opsledger_timers_due_unfired",
            "Timers past due and not yet fired (parked ones excepted)",
            registry=r,
        )
        self.timer_failures = Counter(
            "opsledger_timer_failures_total",
            "Timer firings that failed (retried after a backoff) or met an unknown kind",
            ["kind"],
            registry=r,
        )
        self.timers_parked = Gauge(
            "opsledger_timers_parked",
            "Pending timers parked until on-call acts, by kind and reason "
            "(unknown_kind, max_attempts): `opsledger timers list`",
            ["kind", "reason"],
            registry=r,
        )
        self.projection_position = Gauge(
            "opsledger_projection_checkpoint_position",
            "Global position each projection has applied",
            ["projection"],
            registry=r,
        )
        self.projection_lag = Gauge(
            "opsledger_projection_lag_events",
            "Events recorded but not yet applied by the projection",
            ["projection"],
            registry=r,
        )
        self.dependency_up = Gauge(
            "opsledger_dependency_up",
            "1 when the dependency answered the last readiness probe",
            ["dependency"],
            registry=r,
        )
        self.domain_events = Counter(
            "opsledger_domain_events_total",
            "Events recorded, by event type (a bounded set: the service's contract types); "
            "business alerts (SLA breaches, overdue work orders) count these",
            ["event_type"],
            registry=r,
        )
        # Exported at 0 for every published type of this service: increase() then sees the
        # first SLA breach after a restart too (a series born at 1 shows no increase).
        for model in REGISTRY.for_service(service):
            self.domain_events.labels(event_type=model.event_type)
        self.auth_failures = Counter(
            "opsledger_auth_failures_total",
            "Requests refused with 401, by reason: " + ", ".join(AUTH_FAILURE_REASONS),
            ["reason"],
            registry=r,
        )
        for reason in AUTH_FAILURE_REASONS:  # exported at 0, so rate() works from the start
            self.auth_failures.labels(reason=reason)
        self.http_body_rejected = Counter(
            "opsledger_http_request_body_rejected_total",
            "Requests refused with 413 because the body exceeded the configured limit",
            registry=r,
        )
        self.domain_rejections = Counter(
            "opsledger_domain_rejections_total",
            "Commands refused by a business rule",
            ["rule"],
            registry=r,
        )

    def count_appended(self, stream_type: str, recorded: Iterable[_Appended]) -> None:
        """Count events appended to one stream: in total and by event type."""
        n = 0
        for event in recorded:
            self.domain_events.labels(event_type=event.event_type).inc()
            n += 1
        if n:
            self.events_appended.labels(stream_type=stream_type).inc(n)
