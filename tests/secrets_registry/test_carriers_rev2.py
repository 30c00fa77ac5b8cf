"""SR-11 rev.2 and SR-17 rev.2 over HTTP, each test named after its rule.

SR-11 rev.2: by-products of producing a carrier (drafts, misprints, proofs, waste) that
are not archived are carriers too — same level, scope and originator as what they were
made for, a serial if top secret or secret — and are destroyed promptly under SR-19: due
for destruction the day they are registered, never copied, sent or taken out.
"""

from datetime import timedelta
from typing import Any

from tests.secrets_registry.carrier_harness import SCOPE, SITE, Carriers
from tests.secrets_registry.carrier_harness import carriers as carriers

__all__ = ["carriers"]


async def _by_product(carriers: Carriers, status: int = 201, **kw: Any) -> Any:
    body = {"site_id": SITE, "by_product_id": "bp-1", "by_product_kind": "misprint", "copies": 3}
    body.update(kw)
    return await carriers.post("/carriers/car-1/by-products", body, carriers.officer, status)


async def test_sr11_rev2_a_by_product_is_a_carrier_of_its_source_and_due_for_destruction(
    carriers: Carriers,
) -> None:
    for pid in ("off-1", "lead-1", "w-1", "w-2"):
        await carriers.person(pid)
    await carriers.carrier("car-1", "secret")
    made = await _by_product(carriers)
    assert isinstance(made, dict)
    assert (made["carrier_id"], made["level"], made["scope"]) == ("bp-1", "secret", [SCOPE])
    registered = (await carriers.events("carrier-bp-1"))[0]
    assert registered.payload["origin"] == "by_product"
    assert registered.payload["derived_from"] == ["car-1"]
    assert made["serial"] == f"{SITE}-S-000002" and made["copies"] == 3
    assert "title" not in made
    due = await carriers.get("/carriers-due", carriers.auth("off-1"))
    assert [(d["carrier_id"], d["due"]) for d in due] == [("bp-1", "destruction")]
    # SR-19 as for any carrier: approval with the count, then two witnesses
    approve = {"site_id": SITE, "count": 3, "method": "approved_shredder"}
    await carriers.post("/carriers/bp-1/destruction-approvals", approve, carriers.leader)
    body = {"site_id": SITE, "action_id": "d-bp", "place": "Shredder room"}
    await carriers.post("/carriers/bp-1/destructions", body, carriers.auth("w-1"), 202)
    done = await carriers.post("/carriers/bp-1/destructions", body, carriers.auth("w-2"))
    assert done["status"] == "destroyed"


async def test_sr11_rev2_a_by_product_is_never_copied_sent_or_taken_out(
    carriers: Carriers,
) -> None:
    for pid in ("off-1", "lead-1", "w-1"):
        await carriers.person(pid)
    await carriers.carrier("car-1", "confidential")
    await _by_product(carriers, by_product_kind="draft")
    copy = {"site_id": SITE, "copy_id": "c-1", "approval": "unit_leader"}
    refused = await carriers.post("/carriers/bp-1/copies", copy, carriers.leader, 422)
    assert refused["error"]["code"] == "SR-11"
    send = {
        "site_id": SITE,
        "action_id": "s-1",
        "channel": "confidential_post",
        "destination": "City bureau",
        "out_of_town": False,
        "package_no": "PK-1",
        "to_originator": False,
    }
    sent = await carriers.post("/carriers/bp-1/dispatches", send, carriers.auth("w-1"), 422)
    assert sent["error"]["code"] == "SR-11"
    out = {"site_id": SITE, "destination": "Meeting room B"}
    taken = await carriers.post("/carriers/bp-1/take-out-approvals", out, carriers.leader, 422)
    assert taken["error"]["code"] == "SR-11"


async def test_sr11_rev2_a_by_product_of_a_carrier_not_seen_is_a_404(carriers: Carriers) -> None:
    await carriers.person("off-1")
    answer = await _by_product(carriers, 404)
    assert isinstance(answer, dict) and "bp-1" not in str(answer)


async def test_sr11_rev2_a_by_product_kind_is_checked(carriers: Carriers) -> None:
    await carriers.person("off-1")
    await carriers.carrier("car-1", "secret")
    answer = await _by_product(carriers, 422, by_product_kind="souvenir")
    assert "by_product_kind" in str(answer)


async def test_sr17_rev2_a_carrier_not_locked_away_by_the_evening_is_on_the_use_register(
    carriers: Carriers,
) -> None:
    await carriers.person("off-1")
    await carriers.person("stf-1")
    await carriers.carrier()
    await carriers.carrier("car-2")
    out = {"site_id": SITE, "person_id": "stf-1", "purpose": "read"}
    await carriers.post("/carriers/car-1/sign-outs", out, carriers.officer)
    await carriers.post("/carriers/car-2/sign-outs", out, carriers.officer)
    await carriers.post("/carriers/car-2/sign-ins", {"site_id": SITE}, carriers.officer)
    assert await carriers.service.timers.fire_due() == 0  # not before the lock-away time
    carriers.clock.advance(timedelta(hours=24))
    assert await carriers.service.timers.fire_due() == 1  # car-2's timer was cancelled
    use = await carriers.get("/carrier-registers/use", carriers.auth("off-1"))
    assert [(r["carrier_id"], r["entry"], r["person"]) for r in use][-1] == (
        "car-1",
        "not_locked_away",
        "stf-1",
    )
