"""Fuzz one service in-process with schemathesis: its own OpenAPI, every operation.

The service runs as the tests run it (ServiceApp on SQLite and a ManualClock, no
background loops), behind the ASGI app `build_http()` gives, whose lifespan starts and
stops it on schemathesis' single event-loop thread. Requests carry an admin token for
all sites, so what is exercised is the service's validation, rules and answers, not
the 401 path.
"""

import os
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import schemathesis
from fastapi import FastAPI
from opsledger.app import ServiceApp
from opsledger.auth import ALL_SITES, MAX_TOKEN_LIFETIME, TokenService
from opsledger.clock import ManualClock
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger_contracts import SERVICES
from schemathesis.engine import events
from schemathesis.engine import from_schema as engine_for
from schemathesis.python import asgi
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tests.processes import random_key

SECRET = random_key()
# A Monday morning in the default site zone; the clock stays there for the whole run.
START = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)

# Operations that are not the service's API: their answers depend on the process
# (readiness on the broker, which no in-process test connects) or are not JSON.
SKIPPED_PATHS = ("/ready", "/metrics")

# Every check that holds for a caller with a valid admin token. Left out:
# `positive_data_acceptance` (schema-valid commands are refused by business rules:
# 404 unknown id, 409 a rule, by design) and `max_response_time` (a shared 2-core box).
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
    "negative_data_rejection",
    "use_after_free",
    "ensure_resource_availability",
    "missing_required_header",
    "ignored_auth",
    "unsupported_method",
)


def admin_token(secret: str = SECRET) -> str:
    """An admin for all sites and services, minted at START (the services' clock)."""
    tokens = TokenService(secret, clock=ManualClock(START))
    return tokens.mint("fuzz-admin", ["admin"], [ALL_SITES], MAX_TOKEN_LIFETIME, SERVICES)


@dataclass
class ServiceReport:
    service: str
    operations: int = 0
    requests: int = 0
    server_errors: int = 0
    failures: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    # Generated cases per phase; "stateful" counts the steps of chained scenarios, whose
    # links schemathesis infers from the response schemas and path parameters.
    phases: Counter[str] = field(default_factory=Counter)
    fatal: list[str] = field(default_factory=list)
    app_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures and not self.fatal

    def details(self, limit: int = 40) -> str:
        """Distinct failures (with how often each was seen) and errors, one per line."""
        seen = Counter(f.split(" [", 1)[0] for f in self.failures)
        examples = {f.split(" [", 1)[0]: f for f in reversed(self.failures)}
        lines = [f"{count} x {examples[key]}" for key, count in seen.most_common(limit)]
        lines += [f"error: {error}" for error in self.fatal[:limit]]
        return "\n".join([self.summary(), *lines])

    def summary(self) -> str:
        return (
            f"fuzz {self.service}: {self.operations} operations, {self.requests} requests, "
            f"{self.server_errors} 5xx, {len(self.failures)} failures"
            + (f", {len(self.fatal)} errors" if self.fatal else "")
            + f" ({self.seconds:.0f} s, {self.app_seconds:.0f} s in the service)"
            + (
                "; cases per phase: "
                + ", ".join(f"{phase} {n}" for phase, n in sorted(self.phases.items()))
                if self.phases
                else ""
            )
        )


def service_app(name: str, directory: Path) -> FastAPI:
    """The service's ASGI app; its lifespan migrates a fresh SQLite file and stops it."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{directory / f'{name}.db'}", auth_secret=SECRET
    )
    service = ServiceApp(load_service(name), settings, clock=ManualClock(START))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await service.start(background=False)
        try:
            yield
        finally:
            await service.stop()

    return service.build_http(lifespan)


@dataclass(frozen=True)
class Profile:
    """How hard to fuzz. `make test` runs `quick()`, `make fuzz` runs `thorough()`."""

    examples: int
    stateful: bool = False
    # Methods the coverage phase sends where they are not declared (405 with `Allow`).
    unexpected_methods: tuple[str, ...] = ("PATCH",)
    seed: int | None = None

    @classmethod
    def quick(cls) -> "Profile":
        return cls(examples=_env_int("OPSLEDGER_FUZZ_EXAMPLES", QUICK_EXAMPLES), seed=_seed())

    @classmethod
    def thorough(cls) -> "Profile":
        return cls(
            examples=_env_int("OPSLEDGER_FUZZ_EXAMPLES", THOROUGH_EXAMPLES),
            stateful=True,
            unexpected_methods=("DELETE", "PATCH", "PUT", "POST", "TRACE", "OPTIONS"),
            seed=_seed(),
        )

    @classmethod
    def from_env(cls) -> "Profile":
        return cls.thorough() if os.environ.get("OPSLEDGER_FUZZ") == "thorough" else cls.quick()


# Random examples per operation on top of the coverage phase's deterministic boundary
# cases (which are most of the requests). `make test` keeps the tier within ~2 minutes
# on a 2-core machine; `make fuzz` runs at least 50.
QUICK_EXAMPLES = 3
THOROUGH_EXAMPLES = 50


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _seed() -> int | None:
    value = os.environ.get("OPSLEDGER_FUZZ_SEED")
    return int(value) if value else None


def config(profile: Profile) -> schemathesis.Config:
    data: dict[str, Any] = {
        "headers": {"Authorization": f"Bearer {admin_token()}"},
        "workers": 1,
        "continue-on-failure": True,
        "generation": {"max-examples": profile.examples, "database": "none"},
        "checks": {
            "enabled": False,
            **{check: {"enabled": True} for check in CHECKS},
        },
        "phases": {
            "examples": {"enabled": True},
            "coverage": {
                "enabled": True,
                "unexpected-methods": list(profile.unexpected_methods),
            },
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": profile.stateful},
        },
        "operations": [{"include-path": path, "enabled": False} for path in SKIPPED_PATHS],
    }
    if profile.seed is not None:
        data["seed"] = profile.seed
    return schemathesis.Config.from_dict(data)


class Counted:
    """ASGI wrapper: counts every answer the service gives, by status (the schema fetch aside)."""

    def __init__(self, app: ASGIApp, report: "ServiceReport") -> None:
        self.app = app
        self.report = report

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] == "/openapi.json":
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status = int(message["status"])
                self.report.requests += 1
                self.report.statuses[status] += 1
                if status >= 500:
                    self.report.server_errors += 1
            await send(message)

        try:
            await self.app(scope, receive, counting_send)
        finally:
            self.report.app_seconds += time.perf_counter() - started


def fuzz_service(name: str, directory: Path, profile: Profile) -> ServiceReport:
    started = time.perf_counter()
    report = ServiceReport(name)
    app = Counted(service_app(name, directory), report)
    try:
        schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config(profile))
        report.operations = sum(1 for _ in schema.get_all_operations())
        for event in engine_for(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                _record(report, event)
            elif isinstance(event, events.NonFatalError):
                report.fatal.append(f"{event.label}: {event.value!r}")
            elif isinstance(event, events.FatalError):
                report.fatal.append(repr(event.exception))
    finally:
        asgi.shutdown_lifespans()
        report.seconds = time.perf_counter() - started
    return report


def _record(report: ServiceReport, event: events.ScenarioFinished) -> None:
    recorder = event.recorder
    report.phases[str(event.phase.value)] += len(recorder.cases)
    for case_id, checks in recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            case = recorder.cases[case_id].value
            failure = check.failure_info.failure
            request = f"{case.method} {case.formatted_path} query={case.query}"
            report.failures.append(
                f"{case.operation.label}: {check.name}: {failure.title}"
                f" [{request} body={_short(case.body)}]"
            )


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"
