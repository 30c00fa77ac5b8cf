"""What a service plugs into the kernel: its definition, discovered by entry point."""

import importlib
import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fastapi import APIRouter
from opsledger_contracts import EventPayload

from opsledger.calendar import SiteRules
from opsledger.decider import Aggregate, Event
from opsledger.pipeline import Inbound, Workflow
from opsledger.readmodels import ReadModel

ENTRY_POINT_GROUP = "opsledger.services"

# A service's own consistency check for `opsledger verify`: every event of its log, in
# order, decoded; the answer names each problem found (empty: consistent).
Check = Callable[[Sequence[Event]], list[str]]


@dataclass(frozen=True)
class ServiceDefinition:
    """Everything the composition root needs to run one service.

    Factories, not instances: nothing is built (or connected) until a process starts.
    """

    name: str
    title: str
    default_port: int
    description: str = ""
    metadata: sa.MetaData = field(default_factory=sa.MetaData)
    routers: Callable[[], Sequence[APIRouter]] = lambda: ()
    # The command pipeline (opsledger.pipeline): aggregates and cross-stream workflows,
    # read models derived from aggregate state, and other services' events as commands.
    aggregates: Callable[[], Sequence[Aggregate[Any, Any]]] = lambda: ()
    workflows: Callable[[], Sequence[Workflow[Any]]] = lambda: ()
    read_models: Callable[[], Sequence[ReadModel[Any]]] = lambda: ()
    inbound: Callable[[], Sequence[Inbound]] = lambda: ()
    # Events this service stores but never publishes (bookkeeping, personal data).
    # Anything not declared here must be a published contract in opsledger_contracts.
    private_events: Sequence[type[EventPayload]] = ()
    migrations: Path | None = None
    # The service's configurable rule values (per-site overrides in OPSLEDGER_SITES).
    site_rules: type[SiteRules] | None = None
    # What `opsledger verify` checks besides the chain and the read models (e.g. that the
    # ledger's closed statements add up), loaded lazily.
    checks: Callable[[], Sequence[Check]] = lambda: ()

    @classmethod
    def from_rooms(
        cls,
        package: str,
        *,
        title: str,
        default_port: int,
        aggregates: Callable[[], Sequence[Aggregate[Any, Any]]],
        description: str = "",
        metadata: sa.MetaData | None = None,
        private_events: Sequence[type[EventPayload]] = (),
        migrations: Path | None = None,
        site_rules: type[SiteRules] | None = None,
        checks: Callable[[], Sequence[Check]] | None = None,
    ) -> "ServiceDefinition":
        """The service in `package`, laid out in the standard rooms (kernel README).

        Workflows, read models, inbound policies and routers are the lists its rooms
        expose (`<package>.workflows.WORKFLOWS`, `.readmodels.READ_MODELS`,
        `.inbound.INBOUND`, `.entrypoints.ROUTERS`), imported when a process asks for
        them; a room the package does not have is empty.
        """
        return cls(
            name=package,
            title=title,
            default_port=default_port,
            description=description,
            metadata=sa.MetaData() if metadata is None else metadata,
            routers=room(package, "entrypoints", "ROUTERS"),
            aggregates=aggregates,
            workflows=room(package, "workflows", "WORKFLOWS"),
            read_models=room(package, "readmodels", "READ_MODELS"),
            inbound=room(package, "inbound", "INBOUND"),
            private_events=private_events,
            migrations=migrations,
            site_rules=site_rules,
            checks=checks or (lambda: ()),
        )


def room(package: str, module: str, attribute: str) -> Callable[[], Sequence[Any]]:
    """A loader of the list `attribute` that `<package>.<module>` exposes (lazy; () if absent)."""

    def load() -> Sequence[Any]:
        name = f"{package}.{module}"
        if importlib.util.find_spec(name) is None:
            return ()
        listed: Sequence[Any] = getattr(importlib.import_module(name), attribute)
        return listed

    return load


def load_service(name: str) -> ServiceDefinition:
    """The installed service called `name` (entry point group `opsledger.services`)."""
    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if name not in found:
        known = ", ".join(sorted(found)) or "none installed"
        raise LookupError(f"unknown service {name!r} (known: {known})")
    definition = found[name].load()
    if not isinstance(definition, ServiceDefinition):
        raise TypeError(f"entry point {name} does not name a ServiceDefinition")
    return definition


def service_names() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))
