"""FL-9 and FL-10 over HTTP: rewards computed from the log, signed, approved into the
ledger; the monthly 100-point assessment with itemized deductions."""

from datetime import timedelta

from tests.fleet.conftest import SITE, Fleet


async def drive(fleet: Fleet, driver: str, vehicle: str, km_in: str) -> None:
    body = fleet.trip_body(driver_id=driver, vehicle_id=vehicle)
    trip = (await fleet.post("/trips", body, fleet.director, 201))["current_trip"]
    path = f"/vehicles/{vehicle}/trips/{trip['trip_id']}/return"
    await fleet.post(path, {"odometer_in_km": km_in}, fleet.director)


async def test_fl9_rewards_proposed_signed_approved_become_ledger_entries(fleet: Fleet) -> None:
    office = fleet.auth("off-1", "fleet_office")
    await fleet.vehicle("veh-1")
    await fleet.vehicle("veh-2")
    await fleet.driver("drv-07")
    await fleet.driver("drv-08")
    await drive(fleet, "drv-07", "veh-1", "1999.9")  # 999.9 km: 9 x 4 fen
    await drive(fleet, "drv-08", "veh-2", "1100.0")
    private = {
        "site_id": SITE,
        "person": "drv-08",
        "violation_id": "v-1",
        "kind": "private_use",
        "role": "driver",
        "vehicle_id": "veh-2",
        "occurred_at": fleet.clock.now().isoformat(),
        "note": "Shopping trip",
    }
    await fleet.post("/violations", private, fleet.director, 201)
    body = {"site_id": SITE, "group_leads": ["lead-1"]}
    early = await fleet.client.post("/rewards/2026-11/propose", json=body, headers=office)
    assert early.json()["error"]["code"] == "FL-9"
    fleet.clock.advance(timedelta(days=10))  # December in Asia/Shanghai
    await fleet.service.read_models.catch_up()  # the site's vehicles and drivers
    proposed = await fleet.post("/rewards/2026-11/propose", body, office)
    assert [(x["person"], x["kind"], x["amount_fen"]) for x in proposed["lines"]] == [
        ("drv-07", "safe_month_driver", 10000),
        ("drv-07", "safe_km", 36),
    ]
    assert [x["person"] for x in proposed["excluded"]] == ["drv-08", "lead-1"]
    site = {"site_id": SITE}
    refused = await fleet.client.post("/rewards/2026-11/approve", json=site, headers=fleet.manager)
    assert refused.json()["error"]["code"] == "FL-9"
    denied = await fleet.client.post("/rewards/2026-11/sign", json=site, headers=fleet.manager)
    assert denied.status_code == 403
    await fleet.post("/rewards/2026-11/sign", site, fleet.captain)
    approved = await fleet.post("/rewards/2026-11/approve", site, fleet.manager)
    assert approved["status"] == "approved" and approved["total_fen"] == 10036
    ledger = await fleet.get(
        "/ledger/drv-07", fleet.auth("drv-07", "driver"), site_id=SITE, month="2026-11"
    )
    assert ledger["rewards_fen"] == 10036 and {e["rule"] for e in ledger["entries"]} == {"FL-9"}
    read = await fleet.get("/rewards/2026-11", fleet.auth("fin-1", "finance"), site_id=SITE)
    assert read["status"] == "approved"
    # FL-10: private use cost drv-08 assessment points too.
    office_deduction = {
        "site_id": SITE,
        "deduction_id": "chk-1",
        "month": "2026-11",
        "points": 5,
        "item": "maintenance",
        "note": "Oil not checked",
    }
    await fleet.post("/assessment/vehicles/veh-1/deductions", office_deduction, office, 201)
    report = await fleet.get("/assessment", office, site_id=SITE, month="2026-11")
    drivers = {d["subject"]: d for d in report["drivers"]}
    assert drivers["drv-07"]["score"] == 100
    assert drivers["drv-08"]["score"] == 90
    assert drivers["drv-08"]["deductions"][0]["rule"] == "FL-7"
    vehicles = {v["subject"]: v["score"] for v in report["vehicles"]}
    assert vehicles == {"veh-1": 95, "veh-2": 100}


async def test_fl10_deductions_by_role_and_not_for_a_future_month(fleet: Fleet) -> None:
    body = {
        "site_id": SITE,
        "deduction_id": "chk-1",
        "month": "2027-01",
        "points": 5,
        "item": "inspection",
        "note": "x",
    }
    path = "/assessment/drivers/drv-07/deductions"
    answer = await fleet.client.post(path, json=body, headers=fleet.auth("off-1", "fleet_office"))
    assert answer.json()["error"]["code"] == "FL-10"
    answer = await fleet.client.post(
        path, json={**body, "month": "2026-11"}, headers=fleet.director
    )
    assert answer.status_code == 403


async def test_fl4_fl9_fl10_read_models_rebuild_equal_live(fleet: Fleet) -> None:
    from opsledger.verify import verify_read_models

    from tests.fleet.test_maintenance_http import (
        test_fl4_small_parts_over_http,
    )

    await test_fl4_small_parts_over_http(fleet)
    await test_fl9_rewards_proposed_signed_approved_become_ledger_entries(fleet)
    await fleet.service.read_models.catch_up()
    service, runtime = fleet.service, fleet.service.runtime
    models = service.read_models.projections
    assert await verify_read_models(runtime.engine, runtime.store, service.catalog, models) == []
