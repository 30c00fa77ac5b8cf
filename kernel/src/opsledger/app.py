"""The composition root: builds one service process from its definition and settings.

Nothing connects until `start()`; Kafka being down at boot is not fatal (the service
answers /ready with 503 and keeps retrying in the background).
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
import structlog
from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from faststream.kafka import KafkaBroker
from opsledger_contracts import dlq_topic
from opsledger_contracts.anchors import anchors_topic
from opsledger_contracts.asyncapi import build_asyncapi, render_asyncapi_html
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from opsledger.auth import TokenService
from opsledger.calendar import SiteDirectory
from opsledger.catalog import EventCatalog
from opsledger.chain_anchor import ChainAnchorer
from opsledger.chain_seal import seal
from opsledger.clock import Clock, SystemClock
from opsledger.consumers import InboxConsumer, LagMonitor, subscribe
from opsledger.db import create_engine
from opsledger.docs import install_offline_docs
from opsledger.http import install_error_handlers
from opsledger.kafka import KafkaConnector, KafkaSecurity
from opsledger.metrics import Metrics
from opsledger.middleware import install_request_middleware
from opsledger.migrate import upgrade
from opsledger.pipeline import CommandBus
from opsledger.readmodels import ReadModelRunner
from opsledger.relay import OutboxRelay
from opsledger.runtime import Runtime
from opsledger.scheduler import TimerScheduler
from opsledger.service import ServiceDefinition
from opsledger.settings import Settings

log = structlog.get_logger(__name__)

# The AsyncAPI page is static HTML with one inline <style>: no script, never framed.
ASYNCAPI_PAGE_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)


class ServiceApp:
    """One running service: HTTP app, relay, consumers, projections, timers."""

    def __init__(
        self, definition: ServiceDefinition, settings: Settings, clock: Clock | None = None
    ) -> None:
        self.definition = definition
        self.settings = settings
        name = definition.name
        self.metrics = Metrics(name)
        sites = SiteDirectory(settings.sites, settings.site_default)
        if definition.site_rules is not None:
            sites.check_rules(definition.site_rules)
        self.runtime = Runtime(
            name,
            create_engine(
                settings.database_url_for(name),
                pool_size=settings.database_pool_size,
                statement_timeout=settings.database_statement_timeout_seconds,
            ),
            clock or SystemClock(),
            self.metrics,
            sites=sites,
        )
        self.kafka_security = KafkaSecurity.from_settings(settings, name)
        self.kafka = KafkaConnector(
            settings.kafka_bootstrap_servers, f"opsledger-{name}", self.kafka_security
        )
        prefix = settings.kafka_topic_prefix
        self.catalog = EventCatalog(definition.private_events, service=name)
        self.bus = CommandBus(
            self.runtime, self.catalog, definition.aggregates(), definition.workflows()
        )
        self.read_models = ReadModelRunner(self.runtime, self.catalog, definition.read_models())
        self.relay = OutboxRelay(
            self.runtime,
            self.kafka,
            settings.relay_batch_size,
            prefix,
            self.catalog.private_event_types,
        )
        self.timers = TimerScheduler(self.runtime, self.bus.timer_handlers())
        self.anchorer = ChainAnchorer(
            self.runtime.engine,
            self.kafka,
            name,
            prefix + anchors_topic(name),
            settings.chain_anchor_seconds,
            (settings.kafka_partitions, settings.kafka_replication_factor),
        )
        subscriptions = self.bus.subscriptions(name, definition.inbound())
        self.consumers = [
            InboxConsumer(self.runtime, self.kafka, sub, settings.consumer_max_attempts)
            for sub in subscriptions
        ]
        self.broker = KafkaBroker(
            settings.kafka_bootstrap_servers,
            client_id=f"opsledger-{name}-consumer",
            security=self.kafka_security.faststream(),
            # Per-message lines at DEBUG, through structlog like every other log line.
            logger=logging.getLogger("faststream"),
            log_level=logging.DEBUG,
        )
        for consumer in self.consumers:
            subscribe(self.broker, consumer, name, prefix, settings.consumer_batch_size)
        self._tasks: list[asyncio.Task[None]] = []
        self._next_seal = 0.0
        self._stopping = asyncio.Event()
        self.broker_started = False

    # -- lifecycle -------------------------------------------------------------------

    def token_service(self) -> TokenService:
        """The verifier of this service's tokens (audience: its name), from the configured
        key; `UnsafeConfigurationError` when there is no usable key. Only HTTP needs it."""
        settings = self.settings
        return TokenService(
            settings.auth_key(),
            settings.auth_issuer,
            self.runtime.clock,
            audience=self.definition.name,
            max_lifetime=timedelta(minutes=settings.auth_max_token_minutes),
            leeway=timedelta(seconds=settings.auth_clock_leeway_seconds),
        )

    async def start(self, background: bool = True) -> None:
        if self.settings.run_migrations:
            await upgrade(self.runtime.engine, self.definition)
        await self.read_models.prepare()
        if not background:
            return
        self._stopping.clear()
        loops: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
            ("relay", self.relay.publish_batch),
            ("read_models", self.read_models.run_once),
            ("timers", self.timers.fire_due),
            ("chain", self._seal_chain),
            ("anchors", self.anchorer.publish_once),
        ]
        for loop_name, step in loops:
            self._tasks.append(asyncio.create_task(self._loop(loop_name, step), name=loop_name))
        self._tasks.append(asyncio.create_task(self._connect_kafka(), name="kafka"))
        self._tasks.append(asyncio.create_task(self._monitor(), name="monitor"))

    async def stop(self) -> None:
        self._stopping.set()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks.clear()
        await self.relay.resign()
        if self.broker_started:
            with contextlib.suppress(Exception):
                await self.broker.stop()
            self.broker_started = False
        await self.kafka.close()
        await self.runtime.engine.dispose()

    async def _loop(self, name: str, step: Callable[[], Awaitable[Any]]) -> None:
        wake = self.runtime.waiter()
        backoff = self.settings.poll_interval_seconds
        while not self._stopping.is_set():
            wake.clear()  # before the step: a commit landing during it wakes the next one
            try:
                done = await step()
                backoff = self.settings.poll_interval_seconds
                if done:
                    continue  # more may be waiting: go again without sleeping
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if name == "relay":
                    self.metrics.relay_errors.inc()
                log.warning("background_step_failed", loop=name, error=str(exc))
                backoff = min(backoff * 2, 5.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wake.wait(), backoff)

    async def _seal_chain(self) -> bool:
        """Chain what appends could not (PostgreSQL): at most once per poll interval, not
        on every commit (most appends chain themselves; opsledger.chain)."""
        now = time.monotonic()
        if now < self._next_seal:
            return False
        self._next_seal = now + self.settings.poll_interval_seconds
        return await seal(self.runtime.engine) > 0

    async def _connect_kafka(self) -> None:
        """Create topics and start consumers, retrying until Kafka answers."""
        prefix = self.settings.kafka_topic_prefix
        own = self.relay.topic
        subscribed = [prefix + c.subscription.topic for c in self.consumers]
        topics = [own, *subscribed, *(dlq_topic(t) for t in subscribed)]
        delay = 0.5
        while not self._stopping.is_set():
            try:
                await self.kafka.ensure_topics(
                    topics, self.settings.kafka_partitions, self.settings.kafka_replication_factor
                )
                if self.consumers:
                    await self.broker.start()
                    self.broker_started = True
                log.info("kafka_connected", topics=topics, consumers=len(self.consumers))
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("kafka_connect_failed", error=str(exc), retry_in=delay)
                with contextlib.suppress(Exception):
                    await self.broker.stop()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 3.0)  # short: at boot Kafka is often seconds away

    async def _monitor(self) -> None:
        """Refresh gauges that are measured rather than counted (backlog, lag, timers)."""
        prefix = self.settings.kafka_topic_prefix
        lag_monitor = LagMonitor(self.settings.kafka_bootstrap_servers, self.kafka_security)
        try:
            while not self._stopping.is_set():
                with contextlib.suppress(Exception):
                    await self.readiness()  # keeps the dependency gauges fresh for alerts
                    await self.relay.measure_backlog()
                    await self.timers.measure()  # overdue and parked timers
                for consumer in self.consumers:
                    sub = consumer.subscription
                    with contextlib.suppress(Exception):
                        lag = await asyncio.wait_for(
                            lag_monitor.measure(
                                sub.group_id(self.definition.name, prefix), [prefix + sub.topic]
                            ),
                            10,
                        )
                        for topic, value in lag.items():
                            self.metrics.consumer_lag.labels(
                                consumer=consumer.consumer_name, topic=topic
                            ).set(value)
                await asyncio.sleep(5)
        finally:
            await lag_monitor.close()

    async def inbound_lag(self) -> dict[str, int]:
        """Messages of the consumed topics not yet applied, per topic, measured now from
        the consumer groups' committed offsets and the topics' end offsets (what a
        service checks before it declares a period complete, e.g. the ledger's close).
        Raises when Kafka does not answer within 10 s: unknown is not zero."""
        prefix = self.settings.kafka_topic_prefix
        monitor = LagMonitor(self.settings.kafka_bootstrap_servers, self.kafka_security)
        lag: dict[str, int] = {}
        try:
            async with asyncio.timeout(10):
                for consumer in self.consumers:
                    sub = consumer.subscription
                    group = sub.group_id(self.definition.name, prefix)
                    measured = await monitor.measure(group, [prefix + sub.topic])
                    for topic, value in measured.items():
                        lag[topic] = lag.get(topic, 0) + value
        finally:
            await monitor.close()
        return lag

    # -- probes --------------------------------------------------------------------------

    async def readiness(self) -> dict[str, str]:
        checks: dict[str, str] = {}
        try:
            async with asyncio.timeout(3):
                async with self.runtime.engine.connect() as conn:
                    await conn.execute(sa.text("SELECT 1"))
            checks["database"] = "ok"
        except Exception as exc:
            # The class only: driver messages carry host names, users and SQL.
            checks["database"] = f"unreachable: {type(exc).__name__}"
            log.debug("ready_database_unreachable", error=str(exc)[:300])  # for operators
        try:
            await self.kafka.ping(wait_seconds=3)
            checks["kafka"] = "ok"
            if self.consumers and not self.broker_started:
                checks["kafka"] = "reachable, but the consumers have not started yet"
        except Exception as exc:
            checks["kafka"] = f"unreachable: {type(exc).__name__}"
            log.debug("ready_kafka_unreachable", error=str(exc)[:300])
            # Drop the producer so the next probe reconnects from scratch.
            with contextlib.suppress(Exception):
                await self.kafka.close()
        for dependency, state in checks.items():
            self.metrics.dependency_up.labels(dependency=dependency).set(1 if state == "ok" else 0)
        return checks

    # -- HTTP ----------------------------------------------------------------------------

    def asgi(self) -> FastAPI:
        @asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            await self.start()
            try:
                yield
            finally:
                await self.stop()

        return self.build_http(lifespan)

    def build_http(self, lifespan: Any = None) -> FastAPI:
        d = self.definition
        app = FastAPI(
            title=f"OpsLedger {d.title}",
            description=d.description,
            lifespan=lifespan,
            docs_url=None,
            redoc_url=None,
        )
        install_offline_docs(app)  # Swagger UI served from the service: works air-gapped
        app.state.service = self
        app.state.runtime = self.runtime
        app.state.bus = self.bus
        app.state.tokens = self.token_service()  # no HTTP without a usable key
        install_error_handlers(app, self.metrics)
        install_request_middleware(app, self.metrics)

        @app.get("/health", tags=["operations"])
        async def health() -> dict[str, str]:
            """Alive: the process answers. Says nothing about its dependencies."""
            return {"status": "ok", "service": d.name}

        ready_answers: dict[int | str, dict[str, Any]] = {
            503: {"description": "A dependency is unreachable; `checks` names it and why"}
        }

        @app.get("/ready", tags=["operations"], responses=ready_answers)
        async def ready() -> JSONResponse:
            """200 when the database and Kafka are reachable, else 503 with the reason."""
            checks = await self.readiness()
            ok = all(v == "ok" for v in checks.values())
            return JSONResponse(
                {"status": "ready" if ok else "unavailable", "service": d.name, "checks": checks},
                status_code=200 if ok else 503,
            )

        @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
        async def metrics() -> Response:
            """Prometheus text exposition."""
            return Response(generate_latest(self.metrics.registry), media_type=CONTENT_TYPE_LATEST)

        @app.get("/asyncapi.json", tags=["contracts"])
        async def asyncapi_json() -> dict[str, Any]:
            """AsyncAPI 3.0 document of the topic this service publishes."""
            return build_asyncapi(d.name)

        @app.get("/asyncapi", tags=["contracts"], response_class=HTMLResponse)
        async def asyncapi_page(_: Request) -> HTMLResponse:
            """Readable page of the events this service publishes."""
            return HTMLResponse(
                render_asyncapi_html(build_asyncapi(d.name)),
                headers={"Content-Security-Policy": ASYNCAPI_PAGE_CSP},
            )

        for router in d.routers():
            app.include_router(router)
        return app
