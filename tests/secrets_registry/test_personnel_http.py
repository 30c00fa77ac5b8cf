"""Personnel over HTTP: roles, strict dates, 422 naming the rule, who reads the file."""

from tests.secrets_registry.carrier_harness import Carriers
from tests.secrets_registry.harness import SITE, Registry


async def test_sr1_the_path_over_http_and_a_reply_that_carries_no_file(registry: Registry) -> None:
    await registry.in_post()
    person = await registry.get("/people/stf-0107", registry.officer, site_id=SITE)
    assert person["level"] == "important" and person["in_post"] is True
    assert person["pledged_until"] == "2027-12-07"
    reply = await registry.post(
        "/people/stf-0107/allowances", {"month": "2026-12"}, registry.officer
    )
    assert reply == {"person_id": "stf-0107", "version": reply["version"]}


async def test_sr1_roles_head_proposes_committee_approves(registry: Registry) -> None:
    proposal = {
        "site_id": SITE,
        "person_id": "stf-2",
        "department": "archives",
        "post": "keeper",
        "level": "core",
        "key_department": True,
        "reason": "r",
    }
    await registry.post("/people", proposal, registry.auditor, 403)
    await registry.post("/people", proposal, registry.head, 201)
    await registry.post(
        "/people/stf-2/level-proposals/review",
        {"endorsed": True, "opinion": "ok"},
        registry.officer,
        403,
    )
    body = {"approved": True, "filing_no": "BM-1", "note": "x"}
    answer = await registry.client.post(
        "/people/stf-2/level-proposals/approval", json=body, headers=registry.committee
    )
    assert answer.status_code == 422 and "SR-1" in answer.text


async def test_strict_dates_and_the_rule_in_the_422(registry: Registry) -> None:
    await registry.in_post()
    for bad in ("2026-02-30", "07/12/2026", 20261207, "2026-12-07T00:00:00"):
        answer = await registry.client.post(
            "/people/stf-0107/pledges",
            json={"pledge_id": "P9", "kind": "in_post", "signed_on": bad},
            headers=registry.officer,
        )
        assert answer.status_code == 422, (bad, answer.text)
        assert "signed_on" in answer.text
    answer = await registry.client.post(
        "/people/stf-0107/pledges",
        json={"pledge_id": "P9", "kind": "in_post", "signed_on": "2026-12-08"},
        headers=registry.officer,
    )
    assert answer.status_code == 422 and "SR-3" in answer.text


async def test_personnel_file_is_read_by_officer_committee_auditor_and_the_person_only(
    registry: Registry,
) -> None:
    await registry.in_post()
    for reader in (registry.officer, registry.committee, registry.auditor):
        assert (await registry.get("/people/stf-0107", reader, site_id=SITE))[
            "person_id"
        ] == "stf-0107"
    own = registry.auth("stf-0107", "cleared_staff")
    assert (await registry.get("/people/stf-0107", own, site_id=SITE))["level"] == "important"
    other = registry.auth("stf-0999", "cleared_staff")
    missing = await registry.get("/people/stf-0107", other, 404, site_id=SITE)
    ghost = await registry.get("/people/stf-nobody", registry.officer, 404, site_id=SITE)
    assert missing["error"]["code"] == ghost["error"]["code"] == "NOT_FOUND"
    assert missing["error"]["message"].replace("stf-0107", "X") == ghost["error"][
        "message"
    ].replace("stf-nobody", "X")
    await registry.get("/people/stf-0107", registry.head, 403, site_id=SITE)
    await registry.get("/people", registry.head, 403, site_id=SITE)
    board = await registry.get("/people", registry.auditor, site_id=SITE)
    assert [p["person_id"] for p in board] == ["stf-0107"]


async def test_sr5_the_officers_declassification_list_and_sr18_holdings(registry: Registry) -> None:
    await registry.in_post()
    base = "/people/stf-0107"
    await registry.post(
        f"{base}/leaving",
        {
            "application_id": "A1",
            "kind": "resignation",
            "intended_on": "2026-12-08",
            "reason": "go",
        },
        registry.auth("stf-0107", "cleared_staff"),
    )
    await registry.post(
        f"{base}/leaving/A1/secrecy-review", {"cleared": True, "note": "ok"}, registry.committee
    )
    await registry.post(
        f"{base}/pledges",
        {"pledge_id": "D1", "kind": "departure", "signed_on": "2026-12-07"},
        registry.officer,
    )
    decision = {"approved": True, "note": "ok", "file_note": "noted in file"}
    await registry.post(f"{base}/leaving/A1/decision", decision, registry.leader, 422)
    await registry.post(f"{base}/leaving/A1/decision", decision, registry.committee)
    from datetime import timedelta

    registry.clock.advance(timedelta(days=1))
    await registry.post(f"{base}/leaving/A1/departure", {"left_on": "2026-12-08"}, registry.officer)
    inside = await registry.get("/declassification", registry.officer, site_id=SITE)
    assert [(p["person_id"], p["period_ends_on"]) for p in inside] == [("stf-0107", "2028-12-08")]
    after = await registry.get("/declassification", registry.officer, site_id=SITE, on="2028-12-09")
    assert after == []
    last = await registry.get("/declassification", registry.officer, site_id=SITE, on="2028-12-08")
    assert len(last) == 1
    assert await registry.get("/holdings", registry.officer, site_id=SITE) == []


async def test_sr18_holdings_and_a_departure_refused_naming_the_carriers(
    registry: Registry,
) -> None:
    from opsledger.pipeline import Origin
    from secrets_registry.domain.personnel import ReleaseCarrierCustody, TakeCarrierCustody

    await registry.in_post()

    async def system(command: object) -> None:  # as reg-b's carrier workflows run it
        async with registry.service.runtime.transaction() as tx:
            await registry.service.bus.execute_in(tx, command, Origin.system("carriers"))

    # Real carriers, seen by a cleared officer (off-1) only: see test_personnel_reads_*.
    carriers = Carriers(registry.service, registry.client, registry.clock)
    await carriers.person("off-1")
    await carriers.carrier("car-1")
    await carriers.carrier("car-2")
    await system(TakeCarrierCustody("stf-0107", "car-2"))
    await system(TakeCarrierCustody("stf-0107", "car-1"))
    held = await registry.get("/holdings", carriers.officer, site_id=SITE)
    assert held == [{"person_id": "stf-0107", "carrier_ids": ["car-1", "car-2"]}]
    board = await registry.get("/people", carriers.officer, site_id=SITE)
    assert {p["person_id"]: p["carriers_held"] for p in board}["stf-0107"] == 2
    custody = await registry.client.post(
        "/people/stf-0107/carriers", json={"carrier_id": "car-3"}, headers=registry.officer
    )
    assert custody.status_code in (404, 405)  # custody has no route: the system's only
    base = "/people/stf-0107"
    application = {"application_id": "A1", "kind": "leave_post", "intended_on": "2026-12-08"}
    await registry.post(f"{base}/leaving", {**application, "reason": "go"}, registry.officer)
    review = {"cleared": True, "note": "ok"}
    await registry.post(f"{base}/leaving/A1/secrecy-review", review, registry.committee)
    pledge = {"pledge_id": "D1", "kind": "departure", "signed_on": "2026-12-07"}
    await registry.post(f"{base}/pledges", pledge, registry.officer)
    refused = await registry.client.post(
        f"{base}/leaving/A1/decision",
        json={"approved": True, "note": "ok"},
        headers=registry.leader,
    )
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "SR-18"
    assert "car-1, car-2" in refused.json()["error"]["message"]
    await system(ReleaseCarrierCustody("stf-0107", "car-1"))
    await system(ReleaseCarrierCustody("stf-0107", "car-2"))
    await registry.post(
        f"{base}/leaving/A1/decision", {"approved": True, "note": "ok"}, registry.leader
    )
    assert await registry.get("/holdings", carriers.officer, site_id=SITE) == []


async def test_sr18_rev2_a_custodian_hands_the_registers_to_a_receiver(registry: Registry) -> None:
    await registry.in_post("stf-0107")
    await registry.in_post("stf-0200")
    registers = {"registers": ["send-receive", "destruction"]}
    await registry.post("/people/stf-0107/registers", registers, registry.leader)
    handover = {
        "site_id": SITE,
        "registers": ["send-receive", "destruction"],
        "handed_on": "2026-12-07",
        "record_no": "HO-2026-01",
    }
    nobody = await registry.client.post(
        "/people/stf-0107/registers/handover",
        json={**handover, "to_person": "stf-nobody"},
        headers=registry.officer,
    )
    assert nobody.status_code == 422 and nobody.json()["error"]["field"] == "to_person"
    await registry.post(
        "/people/stf-0107/registers/handover",
        {**handover, "to_person": "stf-0200"},
        registry.officer,
    )
    giver = await registry.get("/people/stf-0107", registry.officer, site_id=SITE)
    receiver = await registry.get("/people/stf-0200", registry.officer, site_id=SITE)
    assert giver["registers"] == [] and receiver["registers"] == ["destruction", "send-receive"]
    # the same registers cannot be handed over twice
    again = await registry.client.post(
        "/people/stf-0107/registers/handover",
        json={**handover, "to_person": "stf-0200"},
        headers=registry.officer,
    )
    assert again.status_code == 422 and again.json()["error"]["code"] == "SR-18"
