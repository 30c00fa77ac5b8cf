"""FL-4 over HTTP: a repair keeps the vehicle off the road until it is done (FL-2),
the approval chain in order with roles, and small parts purchases."""

from collections.abc import Mapping
from typing import Any

from tests.fleet.conftest import SITE, Fleet

REPAIR = {
    "site_id": SITE,
    "repair_id": "rep-1",
    "vehicle_id": "veh-1",
    "driver_id": "drv-07",
    "shop": "Fuzhou Soueast 4S",
    "description": "Clutch slipping",
}


def office(fleet: Fleet) -> Mapping[str, str]:
    return fleet.auth("off-1", "fleet_office")


async def refused(fleet: Fleet, path: str, body: Any, headers: Mapping[str, str]) -> Any:
    answer = await fleet.client.post(path, json=body, headers=headers)
    assert answer.status_code in (403, 422), answer.text
    return answer.json()["error"].get("code") if answer.status_code == 422 else 403


async def test_fl4_repair_chain_and_the_open_repair_blocks_dispatch(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.driver()
    driver = fleet.auth("drv-07", "driver")
    opened = await fleet.post("/repairs", REPAIR, driver, 201)
    assert opened["status"] == "requested" and opened["fault_id"] == "rep-1"
    # FL-2 (reused): the open repair is an open fault report on the vehicle.
    assert await refused(fleet, "/trips", fleet.trip_body(), fleet.director) == "FL-2"
    r = "/repairs/rep-1"
    assert await refused(fleet, f"{r}/shop", None, fleet.director) == "FL-4"
    assert await refused(fleet, f"{r}/approve", {"form_no": "RF-1"}, fleet.captain) == 403
    await fleet.post(f"{r}/approve", {"form_no": "RF-1"}, office(fleet))
    await fleet.post(f"{r}/shop", None, fleet.director)
    parts = {
        "parts": [
            {"name": "Clutch plate", "quantity": "1", "amount_fen": 68000, "major": True},
            {"name": "Gear oil", "quantity": "2", "amount_fen": 10000, "major": False},
        ]
    }
    other = fleet.auth("drv-99", "driver")
    assert await refused(fleet, f"{r}/parts", parts, other) == "FL-4"
    await fleet.post(f"{r}/parts", parts, driver)
    done = await fleet.post(
        f"{r}/complete", {"site_id": SITE, "note": "Clutch done"}, fleet.captain
    )
    assert done["status"] == "completed"
    await fleet.post("/trips", fleet.trip_body(), fleet.director, 201)  # back on the road
    settle = {"amount_fen": 78000, "invoice_no": "INV-9"}
    assert await refused(fleet, f"{r}/settle", settle, fleet.captain) == "FL-4"  # old clutch
    inspect = {"parts": ["Clutch plate"], "note": "Worn through"}
    await fleet.post(f"{r}/inspect", inspect, office(fleet))
    assert await refused(fleet, f"{r}/settle", settle, office(fleet)) == 403
    await fleet.post(f"{r}/settle", settle, fleet.captain)
    assert await refused(fleet, f"{r}/approve-payment", None, fleet.manager) == "FL-4"
    await fleet.post(f"{r}/audit", {"note": "Checked line by line"}, office(fleet))
    paid = await fleet.post(f"{r}/approve-payment", None, fleet.manager)
    assert paid["status"] == "payment_approved" and paid["settled_fen"] == 78000
    rows = await fleet.get("/repairs", fleet.auth("fin-1", "finance"), site_id=SITE)
    assert [(x["repair_id"], x["status"], x["parts_fen"]) for x in rows] == [
        ("rep-1", "payment_approved", 78000)
    ]


async def test_fl4_repair_of_another_sites_vehicle_is_not_found(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.driver()
    other = fleet.auth("drv-09", "driver", "site-b")
    answer = await fleet.client.post(
        "/repairs", json={**REPAIR, "site_id": "site-b"}, headers=other
    )
    assert answer.status_code == 404


async def test_fl4_small_parts_over_http(fleet: Fleet) -> None:
    driver = fleet.auth("drv-07", "driver")
    lead = fleet.auth("lead-1", "fleet_group_lead")
    body = {
        "site_id": SITE,
        "purchase_id": "sp-1",
        "vehicle_id": "veh-1",
        "items": "4 L engine oil",
        "estimated_fen": 24000,
    }
    await fleet.post("/small-parts", body, driver, 201)
    assert await refused(fleet, "/small-parts/sp-1/approve", None, fleet.director) == "FL-4"
    assert await refused(fleet, "/small-parts/sp-1/confirm", None, fleet.director) == 403
    await fleet.post("/small-parts/sp-1/confirm", None, lead)
    await fleet.post("/small-parts/sp-1/approve", None, fleet.director)
    bought = {"site_id": SITE, "vehicle_id": "veh-1", "amount_fen": 23500, "invoice_no": "I-1"}
    ok = await fleet.post("/small-parts/sp-1/bought", bought, driver)
    assert ok["reimbursable"] is True
    rogue = await fleet.post("/small-parts/sp-2/bought", {**bought, "invoice_no": "I-2"}, driver)
    assert rogue["reimbursable"] is False and "director" in rogue["reason"]
    rows = await fleet.get("/small-parts", lead, site_id=SITE)
    assert [(x["purchase_id"], x["reimbursable"]) for x in rows] == [
        ("sp-1", True),
        ("sp-2", False),
    ]
