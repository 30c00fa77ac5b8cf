"""Flow 5 across three processes over real Kafka and PostgreSQL (RULES.md §0, §6 flow 5).

Fleet records a late penalty (a violation of last month, recorded now) and corrects it;
dispatch fines the same person for a refusal (this month); the ledger counts each entry
once in its site-month. Finance closes last month (a statement per person is issued),
downloads the payroll CSV; a second late penalty arriving after the close becomes an
adjustment in this month naming last month; the reconciliation names it; `opsledger
verify ledger` finds the ledger consistent.
"""

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from opsledger.auth import TokenService
from opsledger_contracts import SERVICES

from tests.conftest import opsledger_cli
from tests.processes import TEST_SECRET, running, service_env, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

SITE = "site-a"
PERSON = "drv-1"


def _auth(staff: str, role: str, sites: str = SITE) -> dict[str, str]:
    token = TokenService(TEST_SECRET).mint(staff, [role], [sites], audience=SERVICES)
    return {"Authorization": f"Bearer {token}"}


FINANCE = _auth("fin-1", "finance", "*")
DIRECTOR = _auth("dir-1", "depot_director")
OFFICE = _auth("off-1", "fleet_office")
DISPATCHER = _auth("disp-7", "dispatcher")
DRIVER = _auth(PERSON, "driver")


def _ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, f"{answer.request.url}: {answer.status_code} {answer.text}"
    return answer.json()


def _violation(violation_id: str, occurred_at: datetime) -> dict[str, Any]:
    return {
        "site_id": SITE,
        "person": PERSON,
        "violation_id": violation_id,
        "kind": "private_use",
        "role": "driver",
        "vehicle_id": "veh-1",
        "occurred_at": occurred_at.isoformat(),
        "note": "Shopping trip",
    }


def test_flow5_two_services_one_statement_a_close_and_a_late_adjustment(
    kafka_bootstrap: str, postgres_url_template: str, tmp_path: Path
) -> None:
    env = service_env(postgres_url_template, kafka_bootstrap)
    now = datetime.now(UTC)
    local = now.astimezone(ZoneInfo("Asia/Shanghai"))
    this_month = local.strftime("%Y-%m")
    last_day = local.replace(day=1, hour=10) - timedelta(days=1)  # last month, at the site
    last_month = last_day.strftime("%Y-%m")
    with (
        running(["dispatch", "fleet", "ledger"], env, tmp_path, ready_within=180) as procs,
        httpx.Client(timeout=15) as http,
    ):
        dp, fl, lg = procs["dispatch"].url, procs["fleet"].url, procs["ledger"].url
        _ok(
            http.post(f"{lg}/people", json={"site_id": SITE, "person": PERSON}, headers=FINANCE),
            201,
        )

        # Fleet: a late penalty (last month's private use, recorded now), then corrected.
        _ok(http.post(f"{fl}/violations", json=_violation("v1", last_day), headers=DIRECTOR), 201)
        correction = {
            "site_id": SITE,
            "person": PERSON,
            "correction_id": "c1",
            "target": "violation",
            "target_id": "v1",
            "action": "correct",
            "amount_fen": 5000,
            "reason": "Half of it was an errand for the office",
        }
        _ok(http.post(f"{fl}/corrections", json=correction, headers=OFFICE), 201)
        # Dispatch: the same person refuses a work order (WO-4, this month).
        order = {
            "site_id": SITE,
            "location": "Depot",
            "content": "Move the generator",
            "requirements": "Van",
            "reply_by": (now + timedelta(days=2)).isoformat(),
            "assignee": PERSON,
            "assignee_role": "maintenance_worker",
        }
        wo = _ok(http.post(f"{dp}/work-orders", json=order, headers=DISPATCHER), 201)
        refusal = {"reason": "No licence for the van"}
        path = f"{dp}/work-orders/{wo['work_order_id']}/refusals"
        _ok(http.post(path, json=refusal, headers=DISPATCHER))

        def statement(month: str) -> Any:
            return http.get(f"{lg}/statements/{SITE}/{month}/{PERSON}", headers=DRIVER).json()

        wait_until(lambda: len(statement(last_month)["entries"]) == 2, 60, "fleet's entries")
        wait_until(lambda: len(statement(this_month)["entries"]) == 1, 60, "dispatch's entry")
        before = statement(last_month)
        assert [e["source_service"] for e in before["entries"]] == ["fleet", "fleet"]
        assert before["entries"][1]["corrects"] == before["entries"][0]["entry_id"]
        assert before["penalties_fen"] == 5000 and before["net_fen"] == -5000
        assert statement(this_month)["entries"][0]["rule"] == "WO-4"

        # Finance closes last month once nothing is in flight (409 while something is).
        def close() -> bool:
            answer = http.post(
                f"{lg}/months/{last_month}/close", json={"site_id": SITE}, headers=FINANCE
            )
            assert answer.status_code in (200, 409), answer.text
            return answer.status_code == 200

        wait_until(close, 60, "the close (consumer lag to reach 0)")
        csv = http.get(f"{lg}/months/{SITE}/{last_month}/payroll.csv", headers=FINANCE)
        assert csv.status_code == 200 and csv.content.startswith(b"\xef\xbb\xbf")
        rows = csv.content.decode("utf-8-sig").splitlines()
        assert rows[1] == f"{SITE},{last_month},{PERSON},5000,0,-5000,2,"

        # A second late penalty after the close: this month's adjustment of last month.
        _ok(http.post(f"{fl}/violations", json=_violation("v2", last_day), headers=DIRECTOR), 201)
        wait_until(lambda: len(statement(this_month)["entries"]) == 2, 60, "the adjustment")
        after = statement(this_month)
        assert {e["source_service"] for e in after["entries"]} == {"dispatch", "fleet"}
        assert after["adjusts_months"] == [last_month]
        assert statement(last_month) == {**before, "closed": True}

        auditor = _auth("aud-1", "auditor", "*")
        rec = _ok(http.get(f"{lg}/months/{SITE}/{last_month}/reconciliation", headers=auditor))
        assert rec["published_entries"] == 3 and len(rec["differences"]) == 1
        assert f"counted in {this_month} as an adjustment" in rec["differences"][0]

    ledger_env = {**env, "OPSLEDGER_DATABASE_URL": env["OPSLEDGER_DATABASE_URL"]}
    done = subprocess.run(
        [*opsledger_cli(), "verify", "ledger"],
        env=ledger_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "own check(s) of the log: consistent" in done.stdout
