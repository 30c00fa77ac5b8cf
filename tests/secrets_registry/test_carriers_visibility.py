"""Invisible without clearance (issue 20 item 5; SR-13): a carrier is seen only with a
clearance at or above its level and inside its scope; to anyone else every read — by
id, list, search, count, registers — behaves exactly as if it did not exist."""

from typing import Any

from secrets_registry.domain.clearance import PersonLevel

from tests.secrets_registry.carrier_harness import SITE, Carriers
from tests.secrets_registry.carrier_harness import carriers as carriers

__all__ = ["carriers"]


async def _three(carriers: Carriers) -> None:
    """car-s secret and car-ts top secret in security-office, car-f secret in finance."""
    await carriers.person("off-1", scopes=("security-office", "finance"))
    await carriers.person("core-sec")  # core, security-office
    await carriers.person("imp-sec", PersonLevel.IMPORTANT)
    await carriers.person("core-fin", scopes=("finance",))
    await carriers.person("lead-1", scopes=("finance",))
    await carriers.carrier("car-s", "secret")
    await carriers.carrier("car-ts", "top_secret")
    await carriers.carrier("car-f", "secret", scope=["finance"])


async def _ids(
    carriers: Carriers, reader: str, path: str = "/carriers", **params: str
) -> list[str]:
    return [r["carrier_id"] for r in await carriers.get(path, carriers.auth(reader), query=params)]


async def test_sr13_lists_show_only_what_the_clearance_and_scope_allow(carriers: Carriers) -> None:
    await _three(carriers)
    assert await _ids(carriers, "core-sec") == ["car-s", "car-ts"]
    assert await _ids(carriers, "imp-sec") == ["car-s"]
    assert await _ids(carriers, "core-fin") == ["car-f"]
    assert await _ids(carriers, "nobody") == []


async def test_sr13_counts_and_searches_leave_unseen_carriers_out(carriers: Carriers) -> None:
    await _three(carriers)
    totals = {
        p: (await carriers.get("/carriers/count", carriers.auth(p)))["total"]
        for p in ("core-sec", "imp-sec", "core-fin", "nobody")
    }
    assert totals == {"core-sec": 2, "imp-sec": 1, "core-fin": 1, "nobody": 0}
    assert await _ids(carriers, "imp-sec", q="Substation") == ["car-s"]
    assert await _ids(carriers, "imp-sec", level="top_secret") == []


async def test_sr13_an_unseen_carrier_answers_exactly_as_a_missing_one(carriers: Carriers) -> None:
    await _three(carriers)
    for reader, carrier in (("imp-sec", "car-ts"), ("core-fin", "car-s"), ("nobody", "car-s")):
        hidden = await carriers.client.get(
            f"/carriers/{carrier}", params={"site_id": SITE}, headers=carriers.auth(reader)
        )
        missing = await carriers.client.get(
            "/carriers/car-zz", params={"site_id": SITE}, headers=carriers.auth(reader)
        )
        assert hidden.status_code == missing.status_code == 404
        assert hidden.json() == _renamed(missing.json(), "car-zz", carrier)
    assert (await carriers.get("/carriers/car-ts", carriers.auth("core-sec")))[
        "title"
    ] == "Substation plan car-ts"


def _renamed(body: Any, old: str, new: str) -> Any:
    import json

    return json.loads(json.dumps(body).replace(old, new))


async def test_sr13_commands_on_an_unseen_carrier_answer_404(carriers: Carriers) -> None:
    await _three(carriers)
    body = {"site_id": SITE, "person_id": "imp-sec", "purpose": "read"}
    officer_unseen = await carriers.client.post(
        "/carriers/car-f/sign-outs", json=body, headers=carriers.auth("imp-sec", "secrecy_officer")
    )
    assert officer_unseen.status_code == 404, officer_unseen.text


async def test_sr13_registers_are_filtered_by_the_readers_clearance(carriers: Carriers) -> None:
    await _three(carriers)
    lines = await carriers.get("/carrier-registers/use", carriers.auth("imp-sec"))
    assert {line["carrier_id"] for line in lines} == {"car-s"}


async def test_sr13_scope_is_never_widened_without_an_event_naming_who(carriers: Carriers) -> None:
    await _three(carriers)
    assert "car-f" not in await _ids(carriers, "core-sec")
    widen = {"site_id": SITE, "reason": "joint review", "add": ["security-office"]}
    await carriers.post("/carriers/car-f/scope", widen, carriers.auth("lead-1", "unit_leader"))
    assert "car-f" in await _ids(carriers, "core-sec")
    (changed,) = [
        e for e in await carriers.events("carrier-car-f") if e.event_type == "CarrierScopeChanged"
    ]
    assert changed.payload["changed_by"] == "lead-1" and changed.actor == "lead-1"
    assert changed.payload["added"] == ["security-office"]


async def test_sr13_only_the_leader_widens_a_scope(carriers: Carriers) -> None:
    await _three(carriers)
    widen = {"site_id": SITE, "reason": "why not", "add": ["security-office"]}
    answer = await carriers.client.post(
        "/carriers/car-f/scope", json=widen, headers=carriers.auth("core-fin", "secrecy_officer")
    )
    assert answer.status_code == 403, answer.text
