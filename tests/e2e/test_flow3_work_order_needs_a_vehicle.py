"""Flow 3 across two processes over real Kafka and PostgreSQL (RULES.md §6, WO-11, FL-1, FL-2).

A work order that needs a vehicle → dispatch publishes `VehicleRequested` → fleet refers
it to the depot director with a suggested vehicle and driver, and the order shows
"waiting for the director" (FL-2 rev.2) → the director dispatches the trip → dispatch
records fleet's answer and shows the trip on the order, the board and the history; a
second order, with the only vehicle out, shows the director's refusal and its reason.
Then both services' read models verify against a rebuild from their logs.
"""

import asyncio
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from opsledger.app import ServiceApp
from opsledger.auth import TokenService
from opsledger.service import load_service
from opsledger.settings import Settings
from opsledger.verify import verify_read_models
from opsledger_contracts import SERVICES

from tests.processes import CLI, TEST_SECRET, running, service_env, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

SITE = "site-a"


def _auth(staff: str, role: str) -> dict[str, str]:
    token = TokenService(TEST_SECRET).mint(staff, [role], [SITE], audience=SERVICES)
    return {"Authorization": f"Bearer {token}"}


DISPATCHER = _auth("disp-7", "dispatcher")
CAPTAIN = _auth("cap-1", "fleet_captain")
DIRECTOR = _auth("dir-1", "depot_director")


def _ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, f"{answer.request.url}: {answer.status_code} {answer.text}"
    return answer.json()


def _order(reply_by: str, needed_at: str, content: str) -> dict[str, Any]:
    return {
        "site_id": SITE,
        "location": "Block 3, unit 1202",
        "content": content,
        "requirements": "Bring the replacement and the tools",
        "reply_by": reply_by,
        "assignee": "eng-12",
        "assignee_role": "engineer",
        "vehicle": {
            "purpose": "official_business",
            "business": f"Repair at Block 3: {content}",
            "destination": "Block 3, unit 1202",
            "needed_at": needed_at,
        },
    }


def test_wo11_fl1_fl2_flow3_work_order_gets_a_trip_or_the_refusal_reason(
    kafka_bootstrap: str, postgres_url_template: str, tmp_path: Path
) -> None:
    env = service_env(postgres_url_template, kafka_bootstrap)
    now = datetime.now(UTC)
    reply_by = (now + timedelta(days=2)).isoformat()
    needed_at = (now + timedelta(minutes=30)).isoformat()  # now: dispatched, not reserved
    today = now.date()
    with running(["dispatch", "fleet"], env, tmp_path) as procs, httpx.Client(timeout=15) as http:
        dp, fl = procs["dispatch"].url, procs["fleet"].url

        # Fleet: one vehicle and two certified drivers (FL-1).
        _ok(
            http.post(
                f"{fl}/vehicles",
                json={
                    "site_id": SITE,
                    "vehicle_id": "veh-1",
                    "plate": "闽A·10001",
                    "model": "soueast",
                    "unit": "customer-service",
                    "parking_place": "Depot yard, bay 3",
                    "odometer_km": "48210.0",
                },
                headers=CAPTAIN,
            ),
            201,
        )
        for driver in ("drv-1", "drv-2"):
            _ok(
                http.post(
                    f"{fl}/drivers",
                    json={
                        "site_id": SITE,
                        "driver_id": driver,
                        "name": f"Driver {driver}",
                        "certificate_no": f"SG-{driver}",
                        "valid_from": (today - timedelta(days=30)).isoformat(),
                        "valid_to": (today + timedelta(days=365)).isoformat(),
                    },
                    headers=CAPTAIN,
                ),
                201,
            )

        def fleet_ready() -> bool:  # fleet picks vehicles and drivers from its read models
            board = http.get(f"{fl}/vehicles", params={"site_id": SITE}, headers=CAPTAIN)
            drivers = http.get(f"{fl}/drivers", params={"site_id": SITE}, headers=CAPTAIN)
            return (
                board.status_code == 200
                and [v["status"] for v in board.json()] == ["available"]
                and drivers.status_code == 200
                and len(drivers.json()) == 2
            )

        wait_until(fleet_ready, 30, "fleet's boards to show the vehicle and the drivers")

        # Dispatch: an order that needs a vehicle.
        first = _ok(
            http.post(
                f"{dp}/work-orders",
                json=_order(reply_by, needed_at, "Replace the water heater"),
                headers=DISPATCHER,
            ),
            201,
        )
        first_id = first["work_order_id"]
        assert first["vehicle"]["status"] == "requested"
        assert first["vehicle"]["request_id"] == f"{first_id}-vehicle-1"

        def vehicle_of(work_order_id: str) -> dict[str, Any]:
            order = _ok(http.get(f"{dp}/work-orders/{work_order_id}", headers=DISPATCHER))
            vehicle: dict[str, Any] = order["vehicle"]
            return vehicle

        def answered(work_order_id: str) -> dict[str, Any] | None:
            vehicle = vehicle_of(work_order_id)
            return vehicle if vehicle["status"] in ("dispatched", "refused") else None

        def waits_for_the_director(work_order_id: str) -> bool:
            return bool(vehicle_of(work_order_id)["status"] == "awaiting_director")

        wait_until(lambda: waits_for_the_director(first_id), 60, "the director on the order")
        request_id = f"{first_id}-vehicle-1"
        _ok(
            http.post(
                f"{fl}/vehicle-requests/{request_id}/dispatch",
                json={"site_id": SITE},
                headers=DIRECTOR,
            )
        )
        wait_until(lambda: answered(first_id) is not None, 60, "fleet's answer on the order")
        trip = answered(first_id)
        assert trip is not None and trip["status"] == "dispatched", trip
        assert (trip["vehicle_id"], trip["plate"]) == ("veh-1", "闽A·10001")
        assert trip["driver_id"] in ("drv-1", "drv-2")
        assert trip["trip_id"].startswith(f"trip-{SITE}-")

        # Fleet's dispatch log has the trip for this order (FL-2).
        trips = _ok(
            http.get(f"{fl}/vehicles/veh-1/trips", params={"site_id": SITE}, headers=CAPTAIN)
        )
        assert [(t["trip_id"], t["work_order_id"]) for t in trips] == [(trip["trip_id"], first_id)]

        def vehicle_out() -> bool:
            board = http.get(f"{fl}/vehicles", params={"site_id": SITE}, headers=CAPTAIN)
            return [v["status"] for v in board.json()] != ["available"]

        wait_until(vehicle_out, 30, "fleet's board to show the vehicle out")

        # A second order: the only vehicle is out, so the director refuses with a reason.
        second_id = _ok(
            http.post(
                f"{dp}/work-orders",
                json=_order(reply_by, needed_at, "Fix the boiler"),
                headers=DISPATCHER,
            ),
            201,
        )["work_order_id"]
        wait_until(lambda: waits_for_the_director(second_id), 60, "the director on the order")
        _ok(
            http.post(
                f"{fl}/vehicle-requests/{second_id}-vehicle-1/refuse",
                json={"reason": f"No vehicle is available at {SITE}"},
                headers=DIRECTOR,
            )
        )
        wait_until(lambda: answered(second_id) is not None, 60, "fleet's refusal on the order")
        refusal = answered(second_id)
        assert refusal is not None and refusal["status"] == "refused", refusal
        assert refusal["rule"] == "FL-2" and refusal["trip_id"] is None
        assert refusal["reason"] == f"No vehicle is available at {SITE}"

        # The board and the history show it too.
        def board_shows_both() -> bool:
            rows = _ok(http.get(f"{dp}/work-orders", params={"site_id": SITE}, headers=DISPATCHER))
            statuses = {r["work_order_id"]: (r["vehicle"] or {}).get("status") for r in rows}
            return statuses == {first_id: "dispatched", second_id: "refused"}

        wait_until(board_shows_both, 30, "dispatch's board to show the trip and the refusal")
        history = _ok(http.get(f"{dp}/work-orders/{first_id}/history", headers=DISPATCHER))
        steps = [(h["event_type"], h["actor"]) for h in history]
        assert steps == [
            ("WorkOrderIssued", "disp-7"),
            ("VehicleRequested", "disp-7"),
            ("WorkOrderVehicleAwaitingDirector", "system:dispatch.vehicles"),
            ("WorkOrderVehicleDispatched", "system:dispatch.vehicles"),
        ]
        # One correlation id from the dispatcher's request through fleet and back to the
        # director; the director's dispatch is a request of its own.
        assert len({h["correlation_id"] for h in history[:3]}) == 1
        refused = _ok(http.get(f"{dp}/work-orders/{second_id}/history", headers=DISPATCHER))
        assert refused[-1]["event_type"] == "WorkOrderVehicleRefused"
        assert refused[-1]["payload"]["reason"] == f"No vehicle is available at {SITE}"

    # `opsledger verify` (the CLI) compares the kernel's legacy projections; dispatch's and
    # fleet's tables are read models, compared with a rebuild by `verify_read_models`.
    for service in ("fleet", "dispatch"):
        result = subprocess.run(
            [CLI, "verify", service], env=env, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, result.stderr
        assert asyncio.run(_read_model_differences(service, env)) == []


async def _read_model_differences(service: str, env: dict[str, str]) -> list[Any]:
    settings = Settings(
        database_url=env["OPSLEDGER_DATABASE_URL"],
        auth_secret=TEST_SECRET,
        kafka_bootstrap_servers=env["OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS"],
    )
    app = ServiceApp(load_service(service), settings)
    try:
        await app.start(background=False)
        runtime = app.runtime
        return await verify_read_models(
            runtime.engine, runtime.store, app.catalog, app.read_models.projections
        )
    finally:
        await app.runtime.engine.dispose()
