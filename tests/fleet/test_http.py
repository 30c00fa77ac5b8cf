"""Fleet over HTTP on SQLite and PostgreSQL: register, dispatch, fuel, close, read."""

from datetime import timedelta

from tests.fleet.conftest import SITE, Fleet


async def test_fl1_fl2_dispatch_and_return_over_http(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.driver()
    out = await fleet.post("/trips", fleet.trip_body(), fleet.director, 201)
    trip = out["current_trip"]
    assert trip["driver_id"] == "drv-07" and trip["trip_id"] == "trip-site-a-000001"
    board = await fleet.get("/vehicles", fleet.captain, site_id=SITE)
    assert [(v["vehicle_id"], v["status"]) for v in board] == [("veh-1", "out")]
    again = await fleet.client.post("/trips", json=fleet.trip_body(), headers=fleet.director)
    assert again.status_code == 422 and again.json()["error"]["code"] == "FL-2"
    back = await fleet.post(
        f"/vehicles/veh-1/trips/{trip['trip_id']}/return",
        {"odometer_in_km": "1065.5"},
        fleet.auth("drv-07", "driver"),
    )
    assert back["last_trip"]["km"] == "65.5" and back["current_trip"] is None
    trips = await fleet.get("/vehicles/veh-1/trips", fleet.director, site_id=SITE)
    assert trips[0]["km"] == "65.5" and trips[0]["dispatched_at"].endswith("Z")


async def test_fl2_only_the_depot_director_dispatches(fleet: Fleet) -> None:
    await fleet.vehicle()
    await fleet.driver()
    answer = await fleet.client.post("/trips", json=fleet.trip_body(), headers=fleet.captain)
    assert answer.status_code == 403


async def test_fl1_uncertified_driver_is_refused_over_http(fleet: Fleet) -> None:
    await fleet.vehicle()
    answer = await fleet.client.post("/trips", json=fleet.trip_body(), headers=fleet.director)
    body = answer.json()["error"]
    assert answer.status_code == 422 and body["code"] == "FL-1" and body["field"] == "driver_id"


async def test_inputs_are_validated_naming_field_and_rule(fleet: Fleet) -> None:
    await fleet.vehicle()
    bad = fleet.trip_body(odometer_out_km="-1", purpose="joyride")
    answer = await fleet.client.post("/trips", json=bad, headers=fleet.director)
    assert answer.status_code == 422
    fields = {f["field"]: f for f in answer.json()["error"]["fields"]}
    assert {"odometer_out_km", "purpose"} <= set(fields)
    naive = {
        "site_id": SITE,
        "vehicle_id": "veh-1",
        "litres": "40.00",
        "amount_fen": 34000,
        "station": "Sinopec",
        "odometer_km": "1100.0",
        "full_fill": True,
        "invoice_no": "INV-1",
        "filled_at": "2026-11-20T10:00:00",
    }
    answer = await fleet.client.post("/fuel-purchases", json=naive, headers=fleet.director)
    assert answer.status_code == 422 and "filled_at" in answer.text


async def test_other_sites_see_nothing(fleet: Fleet) -> None:
    await fleet.vehicle()
    other = fleet.auth("cap-09", "fleet_captain", "site-b")
    answer = await fleet.client.post(
        "/vehicles/veh-1/faults", json={"fault_id": "F1", "description": "x"}, headers=other
    )
    assert answer.status_code == 404
    answer = await fleet.client.get("/vehicles", params={"site_id": SITE}, headers=other)
    assert answer.status_code == 403


async def test_fl5_fl6_fl7_fuel_close_month_and_ledger(fleet: Fleet) -> None:
    month = await fleet.month_after_a_trip_and_a_fill()
    pid = month["purchases"][0]["purchase_id"]
    base = f"/vehicles/veh-1/fuel/2026-11/purchases/{pid}"
    refused = await fleet.client.post(f"{base}/approve", headers=fleet.manager)
    assert refused.json()["error"]["code"] == "FL-6"
    await fleet.post(f"{base}/sign", None, fleet.captain)
    approved = await fleet.post(f"{base}/approve", None, fleet.manager)
    assert approved["purchases"][0]["reimbursable"] is True
    early = await fleet.client.post(
        "/vehicles/veh-1/fuel/2026-11/close", json={"site_id": SITE}, headers=fleet.captain
    )
    assert early.json()["error"]["code"] == "FL-5"
    fleet.clock.advance(timedelta(days=10))  # December in Asia/Shanghai
    closed = await fleet.post(
        "/vehicles/veh-1/fuel/2026-11/close", {"site_id": SITE}, fleet.captain
    )
    rec = closed["reconciliation"]
    # 500 km x 14.0 L/100 km = 70 L allowed; 100 L is 42.86% over: serious.
    assert rec["excess_litres"] == "30.00" and rec["serious"] is True
    assert rec["fine_fen"] == 25500  # 30 L at 8.50 yuan/L
    report = await fleet.get(
        "/fuel/reconciliation", fleet.auth("fin-1", "finance"), site_id=SITE, month="2026-11"
    )
    assert report["anomalous"] == 1 and report["fines_fen"] == 25500
    ledger = await fleet.get(
        "/ledger/drv-07", fleet.auth("drv-07", "driver"), site_id=SITE, month="2026-11"
    )
    assert ledger["penalties_fen"] == 25500 and ledger["entries"][0]["rule"] == "FL-7"
    fuel = await fleet.get("/vehicles/veh-1/fuel", fleet.director, site_id=SITE)
    assert fuel[0]["reimbursable"] is True


async def test_read_models_rebuild_equal_live(fleet: Fleet) -> None:
    from opsledger.verify import verify_read_models

    await test_fl5_fl6_fl7_fuel_close_month_and_ledger(fleet)
    await fleet.service.read_models.catch_up()
    service = fleet.service
    runtime = service.runtime
    models = service.read_models.projections
    assert await verify_read_models(runtime.engine, runtime.store, service.catalog, models) == []


async def test_fl2_a_driver_is_not_on_two_vehicles_trips_at_once(fleet: Fleet) -> None:
    await fleet.vehicle("veh-1")
    await fleet.vehicle("veh-2")
    await fleet.driver()
    await fleet.post("/trips", fleet.trip_body(), fleet.director, 201)
    # the board lists the site's vehicles; their logs are read in the transaction
    await fleet.service.read_models.catch_up()
    second = fleet.trip_body(vehicle_id="veh-2")
    answer = await fleet.client.post("/trips", json=second, headers=fleet.director)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "FL-2"
    assert answer.json()["error"]["field"] == "driver_id"
