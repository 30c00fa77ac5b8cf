"""Carriers over HTTP (SR-11 … SR-19): registered, signed for, sent, taken out,
inventoried and destroyed through the workflows, with the person's custody in step."""

from datetime import timedelta
from typing import Any

import pytest
from opsledger.errors import DomainError
from secrets_registry.domain.clearance import PersonLevel
from secrets_registry.domain.personnel import PERSON
from secrets_registry.domain.personnel.decide_leaving import must_hand_back

from tests.secrets_registry.carrier_harness import SITE, Carriers
from tests.secrets_registry.carrier_harness import carriers as carriers

__all__ = ["carriers"]


async def test_sr11_registration_gives_top_secret_and_secret_a_serial(carriers: Carriers) -> None:
    await carriers.person("off-1")
    secret = await carriers.carrier("car-1", "secret")
    ts = await carriers.carrier("car-2", "top_secret")
    conf = await carriers.carrier("car-3", "confidential")
    assert secret["serial"] == f"{SITE}-S-000001" and ts["serial"] == f"{SITE}-TS-000002"
    assert conf["serial"] is None
    assert "title" not in secret


async def test_sr13_sign_out_and_in_keep_the_persons_custody_in_step(carriers: Carriers) -> None:
    await carriers.person("off-1")
    await carriers.person("stf-1")
    await carriers.carrier()
    out = await carriers.post(
        "/carriers/car-1/sign-outs",
        {"site_id": SITE, "person_id": "stf-1", "purpose": "read"},
        carriers.officer,
    )
    assert out["status"] == "signed_out" and out["holder"] == ["stf-1"]
    person = (await carriers.events("person-stf-1"))[-1]
    assert person.event_type == "CarrierCustodyTaken"
    back = await carriers.post("/carriers/car-1/sign-ins", {"site_id": SITE}, carriers.officer)
    assert back["status"] == "stored"
    assert (await carriers.events("person-stf-1"))[-1].event_type == "CarrierCustodyReleased"
    use = await carriers.get("/carrier-registers/use", carriers.auth("off-1"))
    returned = await carriers.get("/carrier-registers/return", carriers.auth("off-1"))
    assert [r["entry"] for r in use] == ["registered", "signed_out"]
    assert [(r["entry"], r["person"]) for r in returned] == [("signed_in", "stf-1")]


async def test_sr13_an_uncleared_holder_is_refused(carriers: Carriers) -> None:
    await carriers.person("off-1")
    await carriers.person("stf-2", PersonLevel.GENERAL)
    await carriers.carrier()
    answer = await carriers.client.post(
        "/carriers/car-1/sign-outs",
        json={"site_id": SITE, "person_id": "stf-2", "purpose": "use"},
        headers=carriers.officer,
    )
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "SR-13", answer.text


async def test_sr12_two_escorts_each_with_their_own_token(carriers: Carriers) -> None:
    for pid in ("off-1", "esc-1", "esc-2"):
        await carriers.person(pid)
    await carriers.carrier()
    body = {
        "site_id": SITE,
        "action_id": "send-1",
        "channel": "confidential_courier",
        "destination": "City bureau",
        "out_of_town": False,
        "package_no": "PKG-1",
    }
    first = await carriers.post("/carriers/car-1/dispatches", body, carriers.auth("esc-1"), 202)
    assert first["status"] == "pending" and first["confirmed_by"] == "esc-1"
    done = await carriers.post("/carriers/car-1/dispatches", body, carriers.auth("esc-2"))
    assert done["status"] == "sent"
    sent = await carriers.get("/carrier-registers/send_receive", carriers.auth("off-1"))
    assert sent[-1]["entry"] == "sent" and sent[-1]["person"] == "esc-1 esc-2"


async def test_sr12_ordinary_post_is_refused_at_the_first_confirmation(carriers: Carriers) -> None:
    await carriers.person("off-1")
    await carriers.person("esc-1")
    await carriers.carrier()
    body = {
        "site_id": SITE,
        "action_id": "send-2",
        "channel": "ordinary_post",
        "destination": "City bureau",
        "out_of_town": True,
        "package_no": "PKG-2",
    }
    answer = await carriers.client.post(
        "/carriers/car-1/dispatches", json=body, headers=carriers.auth("esc-1")
    )
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "SR-12", answer.text
    assert not await carriers.events("two-person-")


async def test_sr16_top_secret_taken_out_by_two_after_approval(carriers: Carriers) -> None:
    for pid in ("off-1", "lead-1", "a", "b"):
        await carriers.person(pid)
    await carriers.carrier("ts-1", "top_secret")
    where = {"site_id": SITE, "destination": "City hall"}
    await carriers.post("/carriers/ts-1/take-out-approvals", where, carriers.leader)
    body = {**where, "action_id": "out-1"}
    await carriers.post("/carriers/ts-1/take-outs", body, carriers.auth("a"), 202)
    out = await carriers.post("/carriers/ts-1/take-outs", body, carriers.auth("b"))
    assert out["status"] == "taken_out" and out["holder"] == ["a", "b"]
    held = await carriers.get("/carrier-holdings", carriers.auth("off-1"))
    assert held == [
        {"carrier_id": "ts-1", "level": "top_secret", "holder": "a b", "status": "taken_out"}
    ]


async def test_sr17_inventory_reports_each_discrepancy(carriers: Carriers) -> None:
    await carriers.person("off-1")
    for cid in ("car-1", "car-2", "car-3"):
        await carriers.carrier(cid)
    body = {"site_id": SITE, "inventory_id": "inv-2026", "present": ["car-1", "car-3", "car-9"]}
    await carriers.post("/carrier-inventories", body, carriers.officer, 201)
    reports = [
        e
        for e in await carriers.events("carriers-held-")
        if e.event_type == "InventoryDiscrepancyReported"
    ]
    assert [(e.payload["carrier_id"], e.payload["discrepancy"]) for e in reports] == [
        ("car-2", "missing"),
        ("car-9", "unregistered"),
    ]
    carriers.clock.advance(timedelta(days=366))
    due = await carriers.get("/carriers-due", carriers.auth("off-1"))
    assert {(d["carrier_id"], d["due"]) for d in due} == {
        ("car-1", "inventory"),
        ("car-2", "inventory"),
        ("car-3", "inventory"),
    }


async def test_sr19_destruction_approved_counted_and_witnessed_by_two(carriers: Carriers) -> None:
    for pid in ("off-1", "lead-1", "w-1", "w-2"):
        await carriers.person(pid)
    await carriers.carrier()
    approve = {"site_id": SITE, "count": 2, "method": "designated_mill"}
    await carriers.post("/carriers/car-1/destruction-approvals", approve, carriers.leader)
    body = {"site_id": SITE, "action_id": "d-1", "place": "Designated mill 2"}
    await carriers.post("/carriers/car-1/destructions", body, carriers.auth("w-1"), 202)
    alone = await carriers.get("/carriers/car-1", carriers.auth("off-1"))
    assert alone["status"] == "stored"  # one escort changes nothing
    done = await carriers.post("/carriers/car-1/destructions", body, carriers.auth("w-2"))
    assert done["status"] == "destroyed"
    register = await carriers.get("/carrier-registers/destruction", carriers.auth("off-1"))
    assert register[0]["detail"] == "2 by designated_mill at Designated mill 2"
    assert register[0]["person"] == "w-1 w-2"


async def _person(carriers: Carriers, pid: str) -> Any:
    bus = carriers.service.bus
    history = [bus.catalog.decode(r) for r in await carriers.events(f"person-{pid}")]
    return PERSON.fold(history)


async def test_sr18_a_departure_sees_a_carrier_signed_out_at_once(carriers: Carriers) -> None:
    await carriers.person("off-1")
    await carriers.person("stf-1")
    await carriers.carrier()
    await carriers.carrier("car-2", "top_secret")
    out = {"site_id": SITE, "person_id": "stf-1", "purpose": "use"}
    await carriers.post("/carriers/car-1/sign-outs", out, carriers.officer)
    await carriers.post("/carriers/car-2/sign-outs", out, carriers.officer)
    # No read model caught up: the person's own stream already names both carriers.
    with pytest.raises(DomainError) as refused:
        must_hand_back(await _person(carriers, "stf-1"))
    assert refused.value.code == "SR-18" and "car-1, car-2" in refused.value.message
    for cid in ("car-1", "car-2"):
        await carriers.post(f"/carriers/{cid}/sign-ins", {"site_id": SITE}, carriers.officer)
    must_hand_back(await _person(carriers, "stf-1"))
