"""Flow 4 across two processes over real Kafka and PostgreSQL (RULES.md §6, SR-9 → WO-12).

The secrets registry puts two people in classified posts cleared for a key location and
publishes their clearances; dispatch records them from Kafka and lets an order at that
key location go to those two (and to no uncleared second person, 422 naming WO-12). Then
one of them leaves without approval (SR-5 rev.): from the moment the registry's
`ClearanceEnded`/`PersonDeparted` reach dispatch, that person is no longer assignable there.

The key location's own `KeyLocationRegistered` comes from reg-b's key-location aggregate,
which is not on this branch yet: the test produces that one event on the registry's topic
with its published contract, as the registry will.
"""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import httpx
import pytest
from opsledger.auth import TokenService
from opsledger_contracts import SERVICES, EventEnvelope, encode_message, events_topic
from opsledger_contracts.events.secrets_registry import KeyLocationRegistered

from tests.kafka_clients import kafka_producer
from tests.processes import TEST_SECRET, running, service_env, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

SITE = "site-a"
LOC = "loc-archive-1"
OK = "satisfactory"


def _auth(staff: str, role: str) -> dict[str, str]:
    token = TokenService(TEST_SECRET).mint(staff, [role], [SITE], audience=SERVICES)
    return {"Authorization": f"Bearer {token}"}


DISPATCHER = _auth("disp-7", "dispatcher")
HEAD = _auth("head-1", "department_head")
COMMITTEE = _auth("cmte-1", "secrecy_committee")
OFFICER = _auth("off-1", "secrecy_officer")


def _ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, f"{answer.request.url}: {answer.status_code} {answer.text}"
    return answer.json()


def _cleared_for_key_location(http: httpx.Client, registry: str, person: str, day: str) -> None:
    """SR-1 … SR-4, SR-9 through the registry's routes: a level proposed, reviewed,
    approved and filed; vetted, trained, pledged; in post; cleared for the key location."""
    proposal = {
        "site_id": SITE,
        "person_id": person,
        "department": "archives",
        "post": "service engineer",
        "level": "important",
        "key_department": True,
        "reason": "maintains the archive's climate control",
    }
    _ok(http.post(f"{registry}/people", json=proposal, headers=HEAD), 201)
    base = f"{registry}/people/{person}"
    steps: list[tuple[str, dict[str, Any], dict[str, str]]] = [
        ("level-proposals/review", {"endorsed": True, "opinion": "needed"}, HEAD),
        (
            "level-proposals/approval",
            {"approved": True, "filing_no": "BM-7", "note": "ok"},
            COMMITTEE,
        ),
        (
            "vetting",
            {
                "vetted_on": day,
                "political_conduct": OK,
                "work_performance": OK,
                "study": OK,
                "secrecy_compliance": OK,
                "last_year_appraisal": "competent",
                "note": "clean",
            },
            OFFICER,
        ),
        (
            "education",
            {
                "record_id": "T1",
                "kind": "training",
                "held_on": day,
                "topic": "secrecy",
                "result": "passed",
            },
            OFFICER,
        ),
        ("pledges", {"pledge_id": "P1", "kind": "entry", "signed_on": day}, OFFICER),
        ("post", {"entered_on": day}, OFFICER),
    ]
    for path, body, headers in steps:
        _ok(http.post(f"{base}/{path}", json=body, headers=headers))
    _ok(http.put(f"{base}/key-locations", json={"key_locations": [LOC]}, headers=OFFICER))


async def _register_key_location(env: dict[str, str]) -> None:
    """The registry's `KeyLocationRegistered` (reg-b's aggregate emits it after the merge)."""
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type=KeyLocationRegistered.event_type,
        schema_version=KeyLocationRegistered.schema_version,
        source="secrets_registry",
        site_id=SITE,
        stream_id=f"key-location-{LOC}",
        stream_type="KeyLocation",
        stream_version=1,
        occurred_at=datetime.now(UTC),
        correlation_id="corr-flow4",
        actor="off-1",
    )
    key, value, headers = encode_message(
        envelope, KeyLocationRegistered(location_id=LOC, entry_list=[])
    )
    topic = env["OPSLEDGER_KAFKA_TOPIC_PREFIX"] + events_topic("secrets_registry")
    producer = kafka_producer(env["OPSLEDGER_KAFKA_BOOTSTRAP_SERVERS"], acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, value, key=key, headers=headers)
    finally:
        await producer.stop()


def _order(second: str, reply_by: str) -> dict[str, Any]:
    return {
        "site_id": SITE,
        "location": LOC,
        "content": "Service the archive's air conditioning",
        "requirements": "Two people inside at the same time",
        "reply_by": reply_by,
        "assignee": "eng-12",
        "assignee_role": "engineer",
        "second_assignee": second,
    }


def test_wo12_sr9_flow4_key_location_orders_follow_the_registrys_clearances(
    kafka_bootstrap: str, postgres_url_template: str, tmp_path: Path
) -> None:
    env = service_env(postgres_url_template, kafka_bootstrap)
    day = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    reply_by = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    with (
        running(["secrets_registry", "dispatch"], env, tmp_path) as procs,
        httpx.Client(timeout=15) as http,
    ):
        sr, dp = procs["secrets_registry"].url, procs["dispatch"].url
        for person in ("eng-12", "eng-13"):
            _cleared_for_key_location(http, sr, person, day)
        asyncio.run(_register_key_location(env))

        def issue(second: str) -> httpx.Response:
            return http.post(f"{dp}/work-orders", json=_order(second, reply_by), headers=DISPATCHER)

        # Until both clearances and the key location arrive, dispatch refuses (or, before
        # the location is known as key, would take it as ordinary: so wait on a refusal
        # of the uncleared person first, which proves the location is known as key).
        wait_until(lambda: "WO-12" in issue("eng-99").text, 60, "dispatch to know the key location")
        wait_until(lambda: issue("eng-13").status_code == 201, 60, "the clearances in dispatch")
        refused = issue("eng-99")
        assert refused.status_code == 422 and "WO-12" in refused.text and "eng-99" in refused.text

        # eng-13 leaves without approval: reported to the committee (SR-5 rev.).
        _ok(
            http.post(
                f"{sr}/people/eng-13/unauthorised-departure",
                json={"left_on": day, "note": "did not come back"},
                headers=OFFICER,
            )
        )
        wait_until(
            lambda: issue("eng-13").status_code == 422, 60, "the departure to reach dispatch"
        )
        gone = issue("eng-13")
        assert "WO-12" in gone.text and "eng-13" in gone.text
        # eng-12 is still cleared: with another cleared second person the order goes out.
        _cleared_for_key_location(http, sr, "eng-14", day)
        wait_until(lambda: issue("eng-14").status_code == 201, 60, "eng-14's clearance")
