"""Flow 2 across three processes over real Kafka and PostgreSQL (RULES.md §6, CC-10,
RP-12 rev.2, RP-6 rev.2).

A permit's works start in permits (its own `RenovationWorksStarted` opens the works
record) → a renovation complaint about the unit is opened in callcenter → permits links
it to the active permit and asks dispatch for an inspection → the dispatcher issues the
inspection order as in flow 1 → the inspector records the finding → permits records it
on the permit, where the violation is the first rung of the ladder. A second complaint,
about a unit without a permit, is suspected unpermitted works and is inspected all the
same. Then `opsledger verify` and a read-model rebuild on all three services.
"""

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from opsledger.auth import TokenService
from opsledger_contracts import SERVICES

from tests.e2e.test_flow3_work_order_needs_a_vehicle import _read_model_differences
from tests.processes import CLI, TEST_SECRET, running, service_env, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

SITE = "site-a"
UNIT = "B2-1203"


def _auth(staff: str, role: str) -> dict[str, str]:
    token = TokenService(TEST_SECRET).mint(staff, [role], [SITE], audience=SERVICES)
    return {"Authorization": f"Bearer {token}"}


AGENT = _auth("agent-1", "agent")
DISPATCHER = _auth("disp-7", "dispatcher")
ENGINEER = _auth("eng-12", "engineer")
DESK = _auth("fd-01", "front_desk")
CS = _auth("cs-01", "customer_service")
ENG = _auth("eng-01", "engineering")
FINANCE = _auth("fin-01", "finance")
FEES = {"deposit": 200000, "management_fee": 50000, "waste_removal_fee": 30000}
FEES["worker_pass_deposit"] = 20000
DRAWINGS = ["lighting_system", "ceiling", "lighting_plan", "sockets", "low_voltage", "partitions"]


def _ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, f"{answer.request.url}: {answer.status_code} {answer.text}"
    return answer.json()


def _start_works(http: httpx.Client, pm: str) -> None:
    """Permits: the unit, its owner's application, review, fees and start (RP-1 … RP-4)."""
    unit = {
        "site_id": SITE,
        "unit_id": UNIT,
        "label": "Tower B2 1203",
        "owners": [{"owner_id": "own-1", "name": "Chen Jing"}],
        "handbook_signed_at_handover": False,
    }
    _ok(http.post(f"{pm}/units", json=unit, headers=DESK), 201)
    application = {
        "site_id": SITE,
        "permit_id": "pmt-1",
        "unit_id": UNIT,
        "applicant_id": "own-1",
        "identity_verified": True,
        "form": True,
        "drawings": [{"kind": k, "copies": 2, "construction_notes": True} for k in DRAWINGS],
        "pledge": True,
        "handbook_issued": True,
        "contractor": "Minjiang Decor Co.",
        "works": "Kitchen and bathroom refit",
    }
    _ok(http.post(f"{pm}/permits", json=application, headers=DESK), 201)
    path = f"{pm}/permits/pmt-1"
    _ok(http.post(f"{path}/hand-over", headers=CS))
    fees = [{"kind": k, "amount_fen": v} for k, v in FEES.items()]
    _ok(http.post(f"{path}/approve", json={"fees": fees}, headers=ENG))
    _ok(http.post(f"{path}/notify", json={"note": "Phoned the owner"}, headers=CS))
    for n, (kind, amount) in enumerate(FEES.items()):
        fee = {"kind": kind, "amount_fen": amount, "receipt_no": f"R-{n}", "paid_by": "owner"}
        _ok(http.post(f"{path}/fees", json=fee, headers=FINANCE))
    check = {"passed": True, "findings": "Risers and meters in order"}
    _ok(http.post(f"{path}/equipment-check", json=check, headers=ENG))
    workers = [{"pass_no": "P-1", "name": "Wang Lei"}]
    start = {"workers": workers, "extinguishers_on_site": True}
    _ok(http.post(f"{path}/start", json=start, headers=CS))


def _complaint(http: httpx.Client, cc: str, unit: str) -> str:
    ticket = {
        "site_id": SITE,
        "kind": "complaint",
        "channel": "phone",
        "subject": "Noise from renovation next door",
        "description": "Drilling after 20:00",
        "complaint_level": 2,
        "category": "renovation",
        "renovation_unit": unit,
    }
    ticket_id: str = _ok(http.post(f"{cc}/tickets", json=ticket, headers=AGENT), 201)["ticket_id"]
    return ticket_id


def _inspect(http: httpx.Client, dp: str, ticket_id: str, violation: bool, finding: str) -> str:
    """The dispatcher issues the inspection as in flow 1; the inspector records the finding."""

    def request_arrived() -> bool:
        answer = http.get(f"{dp}/work-order-requests", params={"site_id": SITE}, headers=DISPATCHER)
        return answer.status_code == 200 and ticket_id in answer.text

    wait_until(request_arrived, 60, f"dispatch to receive the inspection for {ticket_id}")
    reply_by = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    order = {
        "site_id": SITE,
        "ticket_id": ticket_id,
        "location": "Tower B2",
        "content": "Inspect the renovation complained of",
        "requirements": "Record the finding",
        "reply_by": reply_by,
        "assignee": "eng-12",
        "assignee_role": "engineer",
    }
    issued = _ok(http.post(f"{dp}/work-orders", json=order, headers=DISPATCHER), 201)
    wo = f"{dp}/work-orders/{issued['work_order_id']}"
    _ok(http.post(f"{wo}/accept", json={}, headers=ENGINEER))
    body = {"violation_found": violation, "serious": False, "finding": finding}
    answer = _ok(http.post(f"{wo}/inspection-finding", json=body, headers=ENGINEER))
    assert answer["inspection_id"] == f"INS-{ticket_id}"
    work_order_id: str = issued["work_order_id"]
    return work_order_id


def test_cc10_rp12_rp6_flow2_renovation_complaint_to_inspection_finding_on_the_permit(
    kafka_bootstrap: str, postgres_url_template: str, tmp_path: Path
) -> None:
    env = service_env(postgres_url_template, kafka_bootstrap)
    services = ["callcenter", "permits", "dispatch"]
    with running(services, env, tmp_path) as procs, httpx.Client(timeout=15) as http:
        cc, pm, dp = (procs[s].url for s in services)
        _start_works(http, pm)

        def works_open() -> bool:  # permits' own RenovationWorksStarted, back over Kafka
            answer = http.get(f"{pm}/works/pmt-1", headers=CS)
            return answer.status_code == 200 and answer.json()["open"] is True

        wait_until(works_open, 60, "permits to open the works record from its own event")
        assert _ok(http.get(f"{pm}/works/pmt-1", headers=CS))["contractor"] == "Minjiang Decor Co."

        ticket_id = _complaint(http, cc, UNIT)

        def linked() -> bool:
            return ticket_id in _ok(http.get(f"{pm}/works/pmt-1", headers=CS))["complaints"]

        wait_until(linked, 60, "permits to link the complaint to the active permit")
        # RP-12 rev.2: a complaint is not a violation.
        assert _ok(http.get(f"{pm}/works/pmt-1", headers=CS))["violations"] == []

        work_order_id = _inspect(http, dp, ticket_id, True, "Drilling at 21:10; told to stop")

        def climbed() -> bool:
            rows = http.get(f"{pm}/violations", params={"site_id": SITE}, headers=CS).json()
            return [r["violation_id"] for r in rows] == [f"INS-{ticket_id}"]

        wait_until(climbed, 60, "permits to record the finding on the permit's ladder")
        [violation] = _ok(http.get(f"{pm}/violations", params={"site_id": SITE}, headers=CS))
        assert (violation["number"], violation["inspector"], violation["department"]) == (
            1,
            "eng-12",
            "engineering",
        )
        assert violation["inspection_id"] == f"INS-{ticket_id}"
        assert violation["contractor"] == "Minjiang Decor Co."
        # The ladder goes on from the finding: step 1 on the recorded violation.
        warning = {"warned_at": datetime.now(UTC).isoformat(), "contractor_signed_by": "Wang Lei"}
        _ok(
            http.post(
                f"{pm}/works/pmt-1/violations/INS-{ticket_id}/verbal-warning",
                json=warning,
                headers=ENG,
            )
        )
        history = _ok(http.get(f"{dp}/work-orders/{work_order_id}/history", headers=DISPATCHER))
        assert [h["event_type"] for h in history][:2] == ["WorkOrderIssued", "WorkOrderAccepted"]

        # A complaint about a unit with no permit: suspected unpermitted works, inspected too.
        other = _complaint(http, cc, "C1-0101")
        _inspect(http, dp, other, True, "Walls being removed; no permit posted")
        # Nothing of it reaches the permit's ladder.
        rows = _ok(http.get(f"{pm}/violations", params={"site_id": SITE}, headers=CS))
        assert [r["violation_id"] for r in rows] == [f"INS-{ticket_id}"]

        # Every read model has what happened before the processes stop (verify below).
        def settled() -> bool:
            rows = http.get(f"{pm}/violations", params={"site_id": SITE}, headers=CS).json()
            tickets = [
                http.get(f"{cc}/tickets/{t}", headers=AGENT).json() for t in (ticket_id, other)
            ]
            board = http.get(f"{dp}/work-orders", params={"site_id": SITE}, headers=DISPATCHER)
            return (
                rows[0]["warned"] is True
                and all(t.get("work_order_status") == "accepted" for t in tickets)
                and [r["status"] for r in board.json()] == ["accepted", "accepted"]
            )

        wait_until(settled, 60, "the three services' read models to settle")

    for service in services:
        result = subprocess.run(
            [CLI, "verify", service], env=env, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, result.stderr
        assert asyncio_run(_read_model_differences(service, env)) == []


def asyncio_run(coro: Any) -> Any:
    import asyncio

    return asyncio.run(coro)
