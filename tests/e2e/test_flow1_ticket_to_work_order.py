"""Flow 1 across two processes over real Kafka and PostgreSQL (RULES.md §6, CC-4, CC-5, WO-6).

repair ticket → work order requested → issued → accepted → completed → signed off →
dispatcher callback → ticket resolved → callcenter callback → ticket closed; the ticket's
history shows every step with who and when, and both services' projections verify.
"""

import asyncio
import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from aiokafka import TopicPartition
from opsledger.auth import TokenService
from opsledger_contracts import SERVICES, EventEnvelope, events_topic
from opsledger_contracts.headers import schema_path_of

from tests.conftest import REPO
from tests.kafka_clients import kafka_consumer
from tests.processes import CLI, TEST_SECRET, running, service_env, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow]

SITE = "site-a"


def _auth(staff: str, role: str) -> dict[str, str]:
    token = TokenService(TEST_SECRET).mint(staff, [role], [SITE], audience=SERVICES)
    return {"Authorization": f"Bearer {token}"}


AGENT = _auth("agent-1", "agent")
DISPATCHER = _auth("disp-7", "dispatcher")
ENGINEER = _auth("eng-12", "engineer")


def _ok(answer: httpx.Response, status: int = 200) -> dict[str, Any]:
    assert answer.status_code == status, f"{answer.request.url}: {answer.status_code} {answer.text}"
    body: dict[str, Any] = answer.json()
    return body


def test_cc4_wo6_cc5_flow1_repair_ticket_to_closed_with_full_history(
    kafka_bootstrap: str, postgres_url_template: str, tmp_path: Path
) -> None:
    env = service_env(postgres_url_template, kafka_bootstrap)
    reply_by = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    with (
        running(["callcenter", "dispatch"], env, tmp_path) as procs,
        httpx.Client(timeout=15) as http,
    ):
        cc, dp = procs["callcenter"].url, procs["dispatch"].url

        ticket = _ok(
            http.post(
                f"{cc}/tickets",
                json={
                    "site_id": SITE,
                    "kind": "repair",
                    "channel": "phone",
                    "subject": "Kitchen sink leaking",
                    "description": "Water under the sink since this morning",
                },
                headers=AGENT,
            ),
            201,
        )
        ticket_id = ticket["ticket_id"]
        _ok(http.post(f"{cc}/tickets/{ticket_id}/first-response", json={}, headers=AGENT))
        _ok(
            http.post(
                f"{cc}/tickets/{ticket_id}/work-order-request",
                json={
                    "location": "Block 3, unit 1202, kitchen",
                    "content": "Water leaking under the sink",
                    "requirements": "Stop the leak; customer home after 14:00",
                    "reply_by": reply_by,
                },
                headers=AGENT,
            )
        )

        def request_arrived() -> bool:
            answer = http.get(
                f"{dp}/work-order-requests", params={"site_id": SITE}, headers=DISPATCHER
            )
            return answer.status_code == 200 and ticket_id in answer.text

        wait_until(request_arrived, 60, "dispatch to receive the work-order request")

        order = _ok(
            http.post(
                f"{dp}/work-orders",
                json={
                    "site_id": SITE,
                    "ticket_id": ticket_id,
                    "location": "Block 3, unit 1202, kitchen",
                    "content": "Water leaking under the sink",
                    "requirements": "Stop the leak",
                    "reply_by": reply_by,
                    "assignee": "eng-12",
                    "assignee_role": "engineer",
                },
                headers=DISPATCHER,
            ),
            201,
        )
        wo = f"{dp}/work-orders/{order['work_order_id']}"
        _ok(http.post(f"{wo}/accept", json={}, headers=ENGINEER))
        _ok(
            http.post(
                f"{wo}/complete",
                json={"process": "Replaced the trap", "result": "No more leak"},
                headers=ENGINEER,
            )
        )
        _ok(http.post(f"{wo}/sign-off", json={"signed_by": "Ms Wang, owner"}, headers=ENGINEER))
        _ok(
            http.post(
                f"{wo}/callback", json={"confirmed": True, "note": "Happy"}, headers=DISPATCHER
            )
        )
        _ok(http.post(f"{wo}/archive", json={}, headers=DISPATCHER))

        def ticket_resolved() -> bool:
            view = http.get(f"{cc}/tickets/{ticket_id}", headers=AGENT).json()
            return bool(view.get("resolved"))

        wait_until(ticket_resolved, 60, "the ticket to follow the order to resolution")

        early_close = http.post(f"{cc}/tickets/{ticket_id}/close", json={}, headers=AGENT)
        assert early_close.status_code == 422
        assert early_close.json()["error"]["code"] == "CC-5"  # no close without a callback

        _ok(
            http.post(
                f"{cc}/tickets/{ticket_id}/callbacks",
                json={"reached": True, "satisfaction": 5, "resolution_confirmed": True},
                headers=AGENT,
            )
        )
        closed = _ok(http.post(f"{cc}/tickets/{ticket_id}/close", json={}, headers=AGENT))
        assert closed["status"] == "closed"

        history = http.get(f"{cc}/tickets/{ticket_id}/history", headers=AGENT).json()
        steps = [(h["event_type"], h["who"]) for h in history]
        kinds = [step for step, _ in steps]
        assert kinds[0] == "TicketOpened" and kinds[-1] == "TicketClosed"
        assert "WorkOrderRequested" in kinds
        order_steps = [
            h["data"].get("status")
            for h in history
            if h["event_type"] == "TicketWorkOrderProgressed"
        ]
        for status in ("issued", "accepted", "completed", "signed_off"):
            assert status in order_steps, f"{status} missing from {order_steps}"
        whos = {who for _, who in steps}
        assert {"agent-1", "disp-7", "eng-12"} <= whos, whos
        assert all(h["recorded_at"] for h in history)
        assert kinds.index("TicketResolved") < kinds.index("TicketCallbackRecorded")

    for service in ("callcenter", "dispatch"):
        result = subprocess.run(
            [CLI, "verify", service], env=env, capture_output=True, text=True, timeout=180
        )
        assert result.returncode == 0, result.stderr

    # Producer-side contract check: everything the two services actually put on their
    # topics validates against the COMMITTED JSON Schema its ce_dataschema header names.
    published = asyncio.run(
        _published(
            kafka_bootstrap,
            [
                env["OPSLEDGER_KAFKA_TOPIC_PREFIX"] + events_topic(s)
                for s in ("callcenter", "dispatch")
            ],
        )
    )
    types: set[str] = set()
    for headers, value in published:
        envelope = EventEnvelope.from_kafka_headers(headers)
        schema_path = REPO / "contracts" / schema_path_of(dict(headers)["ce_dataschema"].decode())
        schema = json.loads(schema_path.read_text())
        jsonschema.validate(json.loads(value), schema)
        types.add(envelope.event_type)
    assert {"TicketOpened", "WorkOrderRequested", "WorkOrderIssued", "WorkOrderArchived"} <= types
    assert "CustomerRecordCreated" not in types


async def _published(
    bootstrap: str, topics: list[str]
) -> list[tuple[list[tuple[str, bytes]], bytes]]:
    """Every message on `topics`, from the beginning to the current end."""
    consumer = kafka_consumer(bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        await consumer._client.force_metadata_update()
        parts = [
            TopicPartition(t, p) for t in topics for p in consumer.partitions_for_topic(t) or []
        ]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        out: list[tuple[list[tuple[str, bytes]], bytes]] = []
        while any([await consumer.position(tp) < end for tp, end in ends.items()]):
            for records in (await consumer.getmany(timeout_ms=1000)).values():
                out.extend((list(r.headers), r.value) for r in records)
        return out
    finally:
        await consumer.stop()
