"""No carrier leaks to a reader who may not see it (issue 20 items 5 and 11).

Every GET route of the secrets registry — enumerated from the app, so a route added
tomorrow is tried too — is called by two attackers holding every reader role: one with
no personnel record (uncleared) and one cleared at the top level but in another
need-to-know scope. Each request is made before and after two carriers (secret and top
secret) are registered, one signed out to a person: the answers (status, body, list
lengths, totals) must be identical, i.e. the carriers behave exactly as if they did not
exist; and every attempt on a registry route is in the read audit. A cleared reader in
scope sees the difference (the positive control: the comparison can see a leak).
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest
import structlog.testing
from fastapi.routing import APIRoute

from tests.secrets_registry.carrier_harness import ALL_ROLES, SCOPE, SITE, Carriers
from tests.secrets_registry.carrier_harness import carriers as carriers
from tests.secrets_registry.conftest import registry as registry

__all__ = ["carriers", "registry"]

HIDDEN = ("car-hid-s", "car-hid-ts")
TITLE = "Substation plan"
ATTACKERS = ("uncleared", "wrong-scope")
# Query values by name, for required parameters and the optional ones worth trying.
QUERY = {"site_id": SITE, "q": "Substation", "carrier_id": HIDDEN[0], "on": "2026-12-07"}
PATH = {"location_id": "loc-1", "person_id": "holder-1"}
# The personnel reads that show which carriers a person holds (ids, counts): filtered by
# the reader's clearance like the carriers' own reads.
HOLDING_READS = frozenset({"/holdings", "/people", "/people/{person_id}"})
CARRIER_READS = frozenset({"/carriers", "/carriers/{carrier_id}", "/carriers/count"})


@dataclass
class Attempt:
    route: str
    url: str
    params: dict[str, str]
    registry_route: bool
    before: dict[str, Any] = field(default_factory=dict)


def _registry_paths(carriers: Carriers) -> dict[str, str]:
    """The GET routes of the service's own routers (the rest is the kernel's), and the
    module of each."""
    routers = carriers.service.definition.routers()
    return {
        r.path: r.endpoint.__module__
        for router in routers
        for r in router.routes
        if isinstance(r, APIRoute) and "GET" in (r.methods or ())
    }


def _personnel_paths(carriers: Carriers) -> set[str]:
    """The personnel and leaving reads (audited like the carriers' since issue 20's fix)."""
    return {
        path
        for path, module in _registry_paths(carriers).items()
        if module.rsplit(".", 1)[-1] in ("http_personnel", "http_leaving")
    }


def _attempts(carriers: Carriers) -> list[Attempt]:
    """One attempt per GET route of the app's OpenAPI document (every route it serves)
    and per value of its path parameters."""
    app = carriers.client._transport.app  # type: ignore[attr-defined]
    spec = app.openapi()["paths"]
    registry_paths = set(_registry_paths(carriers))
    found: list[Attempt] = []
    for path, operations in sorted(spec.items()):
        if "get" not in operations:
            continue
        parameters = operations["get"].get("parameters", [])
        path_values: list[dict[str, str]] = [{}]
        params: dict[str, str] = {}
        for p in parameters:
            name, schema = p["name"], p.get("schema", {})
            if p["in"] == "path":
                choices = schema.get("enum") or (
                    list(HIDDEN) if name == "carrier_id" else [PATH.get(name, "x-1")]
                )
                path_values = [{**v, name: str(c)} for v in path_values for c in choices]
            elif p["in"] == "query" and (p.get("required") or name in QUERY):
                params[name] = QUERY.get(name, "x")
        for values in path_values:
            url = path.format(**values)
            found.append(Attempt(path, url, dict(params), path in registry_paths))
    return found


def _normal(route: str, body: Any) -> Any:
    """The audit rows of the test's own readers are the only expected change (what the
    audit shows of others' reads is tested in tests/secrets_registry/test_audit.py)."""
    if route == "/registry-reads" and isinstance(body, list):
        return [r for r in body if r.get("reader") not in (*ATTACKERS, "cleared")]
    return body


async def _answers(carriers: Carriers, attempts: list[Attempt], reader: str) -> list[Any]:
    await carriers.service.read_models.catch_up()
    answers = []
    for a in attempts:
        reply = await carriers.client.get(
            a.url, params=a.params, headers=carriers.auth(reader, ALL_ROLES)
        )
        # The kernel's probes answer 503 while Kafka is not configured: not a read.
        assert reply.status_code < 500 or not a.registry_route, (a.url, reply.text)
        body = (
            reply.json()
            if reply.headers.get("content-type", "").startswith("application/json")
            else reply.text
        )
        answers.append((reply.status_code, _normal(a.route, body)))
    return answers


async def _hide_two_carriers(carriers: Carriers) -> None:
    await carriers.carrier(HIDDEN[0], "secret")
    await carriers.carrier(HIDDEN[1], "top_secret")
    await carriers.post(
        f"/carriers/{HIDDEN[0]}/sign-outs",
        {"site_id": SITE, "person_id": "holder-1", "purpose": "read"},
        carriers.officer,
    )


async def _setup(carriers: Carriers) -> None:
    await carriers.person("off-1")
    await carriers.person("holder-1")
    await carriers.person("wrong-scope", scopes=("finance",))
    await carriers.person("cleared", scopes=(SCOPE,))
    location = {
        "site_id": SITE,
        "location_id": "loc-1",
        "name": "Archive",
        "kind": "location",
        "entry_list": ["holder-1"],
    }
    await carriers.post("/key-locations", location, carriers.officer, 201)


def _leaks(attempts: list[Attempt], before: list[Any], after: list[Any]) -> set[str]:
    """Registry routes: any difference at all (status, body, lengths, totals). The
    kernel's routes (docs, probes, metrics) change by themselves: there, no carrier id,
    title or serial may appear."""
    leaks = set()
    for attempt, old, new in zip(attempts, before, after, strict=True):
        if attempt.registry_route and old != new:
            leaks.add(attempt.route)
        shown = json.dumps(new[1], ensure_ascii=False)
        if not attempt.registry_route and any(w in shown for w in (*HIDDEN, TITLE, "-TS-")):
            leaks.add(attempt.route)
    return leaks


async def _run(carriers: Carriers) -> tuple[list[Attempt], dict[str, set[str]]]:
    await _setup(carriers)
    attempts = _attempts(carriers)
    before = {who: await _answers(carriers, attempts, who) for who in (*ATTACKERS, "cleared")}
    await _hide_two_carriers(carriers)
    leaks: dict[str, set[str]] = {}
    for who in (*ATTACKERS, "cleared"):
        after = await _answers(carriers, attempts, who)
        leaks[who] = _leaks(attempts, before[who], after)
    return attempts, leaks


async def test_no_carrier_leaks_on_any_read_route(carriers: Carriers) -> None:
    attempts, leaks = await _run(carriers)
    routes = {a.route for a in attempts}
    found = {who: leaks[who] for who in ATTACKERS}
    print(
        f"\nregistry leak test: {len(routes)} read routes, {len(attempts)} requests per reader, "
        f"{len(ATTACKERS)} attackers x 2 rounds; leaks found: "
        f"{sum(len(v) for v in found.values())}"
    )
    assert len(routes) >= 10 and routes >= CARRIER_READS | HOLDING_READS
    assert found == {who: set() for who in ATTACKERS}
    # The positive control: the same comparison sees the carriers for a cleared reader,
    # on the carriers' reads and on the personnel reads of who holds what.
    assert leaks["cleared"] >= CARRIER_READS | HOLDING_READS


async def _unaudited(carriers: Carriers) -> dict[str, list[tuple[str, int, int]]]:
    attempts, _ = await _run(carriers)
    audited = Counter(
        (e.payload["reader"], e.payload["route"]) for e in await carriers.events("registry-read-")
    )
    personnel = _personnel_paths(carriers)
    missing: dict[str, list[tuple[str, int, int]]] = {"carriers": [], "personnel": []}
    for who in ATTACKERS:
        tried = Counter(a.route for a in attempts if a.registry_route)
        for route, times in tried.items():
            if audited[(who, route)] != 2 * times:  # before and after
                half = "personnel" if route in personnel else "carriers"
                missing[half].append((route, audited[(who, route)], 2 * times))
    return missing


async def test_every_attempt_is_in_the_read_audit(carriers: Carriers) -> None:
    assert (await _unaudited(carriers))["carriers"] == []


async def test_every_attempt_on_a_personnel_read_is_in_the_read_audit(carriers: Carriers) -> None:
    assert (await _unaudited(carriers))["personnel"] == []


async def test_no_title_in_logs_metrics_or_kafka_bound_events(
    carriers: Carriers, caplog: pytest.LogCaptureFixture
) -> None:
    """Item 7: a carrier's life, refusals included, leaves its title in no log line, no
    metric, and in no event the relay may publish."""
    await _setup(carriers)
    await carriers.person("esc-1")
    await carriers.person("esc-2")
    with structlog.testing.capture_logs() as logs:
        await _life_of_two_carriers(carriers)
    metrics = (await carriers.client.get("/metrics")).text
    logged = json.dumps(logs, default=str, ensure_ascii=False) + caplog.text
    # Today these commands and reads log nothing at all; whatever they log carries ids.
    assert TITLE not in logged and TITLE not in metrics
    published = carriers.service.bus.catalog.public_event_types
    public = [e for e in await carriers.events() if e.event_type in published]
    assert public and all(TITLE not in json.dumps(e.payload) for e in public)
    assert not any(e.stream_id.startswith("carrier-") for e in public)


async def _life_of_two_carriers(carriers: Carriers) -> None:
    await _hide_two_carriers(carriers)
    await carriers.post(f"/carriers/{HIDDEN[0]}/sign-ins", {"site_id": SITE}, carriers.officer)
    send = {
        "site_id": SITE,
        "action_id": "s-1",
        "channel": "ordinary_post",
        "destination": "City bureau",
        "out_of_town": True,
        "package_no": "P-1",
    }
    refused = await carriers.client.post(
        f"/carriers/{HIDDEN[0]}/dispatches", json=send, headers=carriers.auth("esc-1")
    )
    assert refused.status_code == 422
    send["channel"] = "confidential_post"
    for escort in ("esc-1", "esc-2"):
        await carriers.client.post(
            f"/carriers/{HIDDEN[0]}/dispatches", json=send, headers=carriers.auth(escort)
        )
    await carriers.get(f"/carriers/{HIDDEN[1]}", carriers.auth("uncleared"), status=404)
