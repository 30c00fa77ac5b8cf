"""Works conduct over HTTP: RP-5 daily patrols and missed days, RP-6's ladder with its
refusals (422 with rule and field), RP-7/RP-8/RP-10 routes, reads, 404 across sites."""

from datetime import timedelta
from typing import Any

from tests.permits.conduct_harness import active_works, relay_own
from tests.permits.conftest import SITE, START, Permits

W = "/works/pmt-1"


def refusal(answer: Any) -> tuple[str, str | None]:
    body = answer.json()["error"]
    return body["code"], body.get("field")


async def test_rp5_works_started_opens_the_record_and_an_unpatrolled_day_is_missed(
    permits: Permits,
) -> None:
    works = await active_works(permits)
    assert (works["open"], works["contractor"], works["unit_id"]) == (
        True,
        "Minjiang Decor Co.",
        "B2-1203",
    )
    await permits.post(f"{W}/patrols", {"findings": "All as approved"}, permits.cs)
    # Day 1 (Monday 23rd) patrolled; day 2 (Tuesday) not: its end is the event.
    permits.clock.advance(timedelta(days=2))
    while await permits.service.timers.fire_due():
        pass
    works = await permits.get(W, permits.cs)
    assert works["missed_days"] == ["2026-11-24"]
    assert works["patrol_days"] == 1
    await permits.service.read_models.catch_up()
    answer = await permits.client.get(
        "/patrol-coverage",
        params={"site_id": SITE, "from": "2026-11-23", "to": "2026-11-25"},
        headers=permits.cs,
    )
    coverage = answer.json()
    assert [(d["local_date"], d["patrolled"], d["missed"]) for d in coverage] == [
        ("2026-11-23", 1, []),
        ("2026-11-24", 0, ["pmt-1"]),
        ("2026-11-25", 0, []),
    ]
    assert coverage[2]["unpatrolled"] == ["pmt-1"]  # the 25th is still running


async def test_rp5_a_patrol_is_customer_services_and_the_works_must_be_active(
    permits: Permits,
) -> None:
    await permits.started()  # works started, but the record is not open: nothing to patrol
    answer = await permits.client.post(f"{W}/patrols", json={"findings": "x"}, headers=permits.cs)
    assert answer.status_code == 404
    await relay_own(permits, "RenovationWorksStarted", "works-started")
    answer = await permits.client.post(f"{W}/patrols", json={"findings": "x"}, headers=permits.eng)
    assert answer.status_code == 403


async def test_rp6_the_ladder_over_http_refuses_out_of_order_with_rule_and_field(
    permits: Permits,
) -> None:
    await active_works(permits)
    at = START.isoformat()
    v1 = {"violation_id": "V1", "occurred_at": at, "description": "Drilling at 21:00"}
    await permits.post(f"{W}/violations", v1, permits.eng, 201)
    notice = {
        "issued_to": "Chen Jing (owner, occupant)",
        "rectify_by": (START + timedelta(days=2)).isoformat(),
        "notice": "No drilling after 20:00",
    }
    answer = await permits.client.post(
        f"{W}/violations/V1/rectification-notice", json=notice, headers=permits.cs
    )
    assert answer.status_code == 422, answer.text
    assert refusal(answer) == ("RP-6", "violation_id")
    warning = {"warned_at": at, "contractor_signed_by": "Wang Lei"}
    await permits.post(f"{W}/violations/V1/verbal-warning", warning, permits.eng)
    v2 = {**v1, "violation_id": "V2"}
    await permits.post(f"{W}/violations", v2, permits.cs, 201)
    await permits.post(f"{W}/violations/V2/rectification-notice", notice, permits.cs)
    stop = {"measure": "power_cut", "security_officer": "sec-02", "owner_consent": "Chen Jing"}
    answer = await permits.client.post(f"{W}/forced-stop", json=stop, headers=permits.cs)
    assert answer.status_code == 422 and refusal(answer) == ("RP-6", "measure")
    rows = await permits.get("/violations", permits.cs, site_id=SITE, permit_id="pmt-1")
    assert [(r["violation_id"], r["number"], r["warned"], r["noticed"]) for r in rows] == [
        ("V1", 1, True, False),
        ("V2", 2, False, True),
    ]
    per = await permits.get("/violations/by-contractor", permits.cs, site_id=SITE)
    assert per == [
        {"contractor": "Minjiang Decor Co.", "permits": 1, "violations": 2, "serious": 0}
    ]


async def test_rp6_bad_input_is_422_naming_the_field(permits: Permits) -> None:
    await active_works(permits)
    naive = {"violation_id": "V1", "occurred_at": "2026-11-23T09:00:00", "description": "x"}
    answer = await permits.client.post(f"{W}/violations", json=naive, headers=permits.eng)
    assert answer.status_code == 422 and "occurred_at" in answer.text
    number = {"violation_id": "V1", "occurred_at": 1764000000, "description": "x"}
    answer = await permits.client.post(f"{W}/violations", json=number, headers=permits.eng)
    assert answer.status_code == 422 and "occurred_at" in answer.text
    extra = {"violation_id": "V1", "occurred_at": START.isoformat(), "description": "x", "n": 1}
    answer = await permits.client.post(f"{W}/violations", json=extra, headers=permits.eng)
    assert answer.status_code == 422


async def test_works_of_another_site_answer_as_missing(permits: Permits) -> None:
    await active_works(permits)
    other = permits.auth("cs-09", "customer_service", sites="site-b")
    missing = await permits.client.get("/works/pmt-404", headers=permits.cs)
    hidden = await permits.client.get(W, headers=other)
    assert missing.status_code == hidden.status_code == 404
    said = [a.json()["error"]["message"] for a in (missing, hidden)]
    assert said[0].replace("pmt-404", "X") == said[1].replace("pmt-1", "X")
    answer = await permits.client.post(f"{W}/patrols", json={"findings": "x"}, headers=other)
    assert answer.status_code == 404


async def test_rp7_rp8_rp10_over_http(permits: Permits) -> None:
    await active_works(permits)
    con = permits.auth("con-01", "concierge")
    hot = {
        "site_id": SITE,
        "hot_work_id": "HW1",
        "permit_id": "pmt-1",
        "description": "Welding the balcony rail",
        "fire_supervisor": "Chen Qiang",
        "starts_at": (START + timedelta(hours=2)).isoformat(),
        "ends_at": (START + timedelta(hours=5)).isoformat(),
    }
    await permits.post("/hot-works", hot, permits.cs, 201)
    answer = await permits.client.post("/hot-works/HW1/permit", headers=permits.cs)
    assert answer.status_code == 422 and refusal(answer) == ("RP-7", "approvals")
    await permits.post("/hot-works/HW1/approvals", {"department": "engineering"}, permits.eng)
    await permits.post("/hot-works/HW1/approvals", {"department": "concierge"}, con)
    issued = await permits.post("/hot-works/HW1/permit", None, permits.cs)
    assert issued["issued"] and issued["approvals"] == {
        "engineering": "eng-01",
        "concierge": "con-01",
    }

    power = {"site_id": SITE, "power_id": "TP1", "permit_id": "pmt-1", "purpose": "Tools"}
    await permits.post("/temporary-power", power, permits.cs, 201)
    charge = {"amount_fen": 20000, "receipt_no": "R-9"}
    answer = await permits.client.post(
        "/temporary-power/TP1/charge", json=charge, headers=permits.finance
    )
    assert answer.status_code == 422 and refusal(answer) == ("RP-8", "amount_fen")
    await permits.post("/temporary-power/TP1/approval", {"price_fen": 20000}, permits.eng)
    await permits.post("/temporary-power/TP1/charge", charge, permits.finance)
    supplied = await permits.post("/temporary-power/TP1/supply", None, permits.eng)
    assert supplied["stage"] == "supplied"

    lift = {
        "approval_id": "A1",
        "kind": "freight_lift",
        "starts_at": (START + timedelta(hours=1)).isoformat(),
        "ends_at": (START + timedelta(hours=2)).isoformat(),
        "description": "Tiles to the 12th floor",
    }
    answer = await permits.client.post(f"{W}/approvals", json=lift, headers=permits.eng)
    assert answer.status_code == 403  # RP-10: customer service approves
    works = await permits.post(f"{W}/approvals", lift, permits.cs, 201)
    assert works["approvals"] == ["A1"]
