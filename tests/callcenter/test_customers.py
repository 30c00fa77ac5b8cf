"""CC-7 customer records: created within 24 h of the first contact, read by role and
site, every full read logged, no personal data in list views."""

from datetime import timedelta

from opsledger.verify import verify_read_models

from tests.callcenter.conftest import CallCenter

PERSON = {"site_id": "site-a", "name": "Wang Li", "phone": "13800000000", "unit": "B3-1202"}


async def test_cc7_every_full_read_is_logged_with_who_and_when(cc: CallCenter) -> None:
    created = await cc.post("/customers", PERSON)
    assert created.status_code == 201, created.text
    cid = created.json()["customer_id"]
    first = await cc.get(f"/customers/{cid}", staff="agent-2")
    assert first.status_code == 200 and first.json()["phone"] == "13800000000"
    cc.clock.advance(timedelta(minutes=3))
    second = await cc.get(f"/customers/{cid}", staff="mgr-1", roles="cc_manager")
    assert second.json()["full_reads"] == 2
    views = [
        e for e in await cc.stream(f"customer-{cid}") if e.event_type == "CustomerRecordViewed"
    ]
    assert [(v.actor, v.payload["viewed_by"], v.payload["role"]) for v in views] == [
        ("agent-2", "agent-2", "agent"),
        ("mgr-1", "mgr-1", "cc_manager"),
    ]
    assert views[1].occurred_at - views[0].occurred_at == timedelta(minutes=3)


async def test_cc7_read_refused_by_role_or_site_and_not_logged(cc: CallCenter) -> None:
    cid = (await cc.post("/customers", PERSON)).json()["customer_id"]
    before = await cc.stream(f"customer-{cid}")
    assert (await cc.get(f"/customers/{cid}", roles="dispatcher")).status_code == 403
    # Another site's record answers as a missing one (issue 17): existence does not leak.
    assert (await cc.get(f"/customers/{cid}", sites="site-b")).status_code == 404
    assert (await cc.get(f"/customers/{cid}", roles="auditor")).status_code == 403
    assert await cc.stream(f"customer-{cid}") == before
    assert (await cc.get("/customers/C-site-a-none")).status_code == 404


async def test_cc7_list_view_shows_no_personal_data(cc: CallCenter) -> None:
    cid = (await cc.post("/customers", PERSON)).json()["customer_id"]
    updated = await cc.client.put(
        f"/customers/{cid}", json={"phone": "13900000000"}, headers=cc.auth()
    )
    assert updated.status_code == 200, updated.text
    nothing = await cc.client.put(f"/customers/{cid}", json={}, headers=cc.auth())
    assert nothing.status_code == 422 and nothing.json()["error"]["code"] == "CC-7"
    await cc.service.read_models.catch_up()
    listed = (await cc.get("/customers?site_id=site-a")).json()
    assert len(listed) == 1
    text = str(listed)
    assert "Wang" not in text and "1390" not in text and "B3-1202" not in text
    runtime = cc.service.runtime
    assert (
        await verify_read_models(
            runtime.engine, runtime.store, cc.service.catalog, cc.service.read_models.projections
        )
        == []
    )


async def test_cc7_missing_record_24h_after_first_contact_is_an_event(cc: CallCenter) -> None:
    without = await cc.open_ticket(kind="inquiry")
    with_record = await cc.open_ticket(kind="inquiry")
    cc.clock.advance(timedelta(hours=23))
    linked = await cc.post("/customers", {**PERSON, "ticket_id": with_record["ticket_id"]})
    assert linked.status_code == 201
    view = (await cc.get(f"/tickets/{with_record['ticket_id']}")).json()
    assert view["customer_id"] == linked.json()["customer_id"]
    assert await cc.service.timers.fire_due() == 0
    cc.clock.advance(timedelta(hours=1))
    await cc.service.timers.fire_due()
    missing = [e for e in await cc.all_events() if e.event_type == "CustomerRecordMissing"]
    assert [e.stream_id for e in missing] == [f"ticket-{without['ticket_id']}"]
    assert missing[0].actor == "system:callcenter.customer-records"


async def test_cc7_ticket_links_only_an_existing_record_of_its_site(cc: CallCenter) -> None:
    ticket = await cc.open_ticket()
    ghost = await cc.post(f"/tickets/{ticket['ticket_id']}/customer", {"customer_id": "C-x"})
    assert ghost.status_code == 422
    assert ghost.json()["error"] == {
        "code": "CC-7",
        "message": "customer record C-x does not exist",
        "field": "customer_id",
    }
    other = await cc.post("/customers", {**PERSON, "site_id": "site-b"}, sites="site-b")
    foreign = await cc.post(
        "/tickets",
        {
            "site_id": "site-a",
            "kind": "inquiry",
            "channel": "phone",
            "subject": "x",
            "customer_id": other.json()["customer_id"],
        },
        sites="site-a,site-b",
    )
    assert foreign.status_code == 422 and foreign.json()["error"]["code"] == "CC-7"
