"""Prometheus metrics of one service process (own registry, so tests can build many)."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


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
            "opsledger_timers_due_unfired", "Timers past due and not yet fired", registry=r
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
        self.domain_rejections = Counter(
            "opsledger_domain_rejections_total",
            "Commands refused by a business rule",
            ["rule"],
            registry=r,
        )
