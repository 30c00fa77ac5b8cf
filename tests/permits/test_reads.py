"""Reads: a unit's whole history (also as of a past time), active permits for the other
areas, the KPIs in callcenter's `/kpis` shape, and 404s that do not leak other sites."""

from datetime import timedelta

from permits.views.permits import ActivePermit, active_permit_of_unit, active_permits

from tests.permits.conftest import SITE, START, Permits, application


async def test_rp1_a_units_history_as_of_a_past_time(permits: Permits) -> None:
    await permits.unit()
    await permits.post("/permits", application(), permits.desk, 201)
    permits.clock.advance(timedelta(days=1))
    then = permits.clock.now()
    permits.clock.advance(timedelta(hours=1))
    await permits.post("/permits/pmt-1/hand-over", None, permits.cs)

    now = await permits.get("/units/B2-1203/history", permits.cs, site_id=SITE)
    past = await permits.get(
        "/units/B2-1203/history", permits.cs, site_id=SITE, at=then.isoformat()
    )

    assert [e["event_type"] for e in now] == [
        "UnitRegistered",
        "PermitApplied",
        "ApplicationRecorded",
        "UnitPermitApplied",
        "PermitHandedToEngineering",
    ]
    assert [e["event_type"] for e in past] == [e["event_type"] for e in now][:4]
    naive = await permits.client.get(
        "/units/B2-1203/history",
        params={"site_id": SITE, "at": "2026-11-23T09:00:00"},
        headers=permits.cs,
    )
    assert naive.status_code == 422, naive.text


async def test_rp5_active_permits_are_approved_and_not_yet_accepted(permits: Permits) -> None:
    await permits.unit("B2-1201")
    await permits.post("/permits", application("pmt-0", "B2-1201"), permits.desk, 201)
    await permits.approved("pmt-1", "B2-1203")
    await permits.started("pmt-2", "B2-1204")
    await permits.service.read_models.catch_up()

    async with permits.service.runtime.engine.connect() as conn:
        active = await active_permits(conn, SITE)
        one = await active_permit_of_unit(conn, SITE, "B2-1204")
        none = await active_permit_of_unit(conn, SITE, "B2-1201")
        elsewhere = await active_permits(conn, "site-b")

    assert [(a.permit_id, a.stage, a.works_started) for a in active] == [
        ("pmt-1", "approved", False),
        ("pmt-2", "works", True),
    ]
    assert one == ActivePermit(
        permit_id="pmt-2",
        site_id=SITE,
        unit_id="B2-1204",
        owner_id="own-1",
        applicant_id="own-1",
        contractor="Minjiang Decor Co.",
        stage="works",
        works_started=True,
        started_at=START,
    )
    assert none is None
    assert elsewhere == []


async def test_rp2_rp11_kpis_in_the_callcenter_shape(permits: Permits) -> None:
    await permits.approved("pmt-1", "B2-1201")  # decided at once
    await permits.unit("B2-1202")
    await permits.post("/permits", application("pmt-2", "B2-1202"), permits.desk, 201)
    await permits.post("/permits/pmt-2/hand-over", None, permits.cs)
    permits.clock.advance(timedelta(days=4))
    assert await permits.service.timers.fire_due() == 1

    report = await permits.get(
        "/kpis", permits.auth("aud-01", "auditor"), site_id=SITE, month="2026-11"
    )

    assert set(report) == {"site_id", "month", "kpis", "not_measured"}
    kpis = {k["name"]: k for k in report["kpis"]}
    assert kpis["reviews_within_working_days"] == {
        "name": "reviews_within_working_days",
        "numerator": 1,
        "denominator": 2,
        "rate": 0.5,
        "target": 1.0,
        "met": False,
    }
    assert (kpis["reviews_overdue"]["numerator"], kpis["reviews_overdue"]["met"]) == (1, False)
    assert kpis["refunds_within_target"]["denominator"] == 0
    december = await permits.get("/kpis", permits.cs, site_id=SITE, month="2026-12")
    assert all(k["denominator"] == 0 for k in december["kpis"])


async def test_unknown_and_other_sites_records_answer_404_alike(permits: Permits) -> None:
    await permits.started()
    other = permits.auth("cs-b", "customer_service", "site-b")

    mine = await permits.get("/permits/pmt-1", other, 404)
    missing = await permits.get("/permits/pmt-9", other, 404)
    assert mine["error"]["code"] == missing["error"]["code"] == "NOT_FOUND"
    assert await permits.get("/units/B2-1203", other, 404, site_id="site-b")
    await permits.post("/permits/pmt-1/notify", {"note": "x"}, other, 404)
    await permits.get("/permits", other, 403, site_id=SITE)
    unit = await permits.get("/units/B9-0001", permits.cs, 404, site_id=SITE)
    assert unit["error"]["code"] == "NOT_FOUND"
    history = await permits.get("/units/B9-0001/history", permits.cs, 404, site_id=SITE)
    assert history["error"]["code"] == "NOT_FOUND"


async def test_rp1_strict_input_names_the_field_and_rule(permits: Permits) -> None:
    await permits.unit()
    bad = await permits.post("/permits", application(pledge="yes"), permits.desk, 422)
    assert "pledge" in str(bad["error"])
    number_date = await permits.post(
        "/permits/pmt-9/finish", {"finished_on": 20261204}, permits.cs, 422
    )
    assert "finished_on" in str(number_date["error"])
    extra = await permits.post("/permits", {**application(), "owner": "x"}, permits.desk, 422)
    assert "owner" in str(extra["error"])


async def test_rp2_the_board_puts_the_soonest_deadline_first(permits: Permits) -> None:
    await permits.started("pmt-1", "B2-1201")  # works: no deadline
    await permits.unit("B2-1202")
    await permits.post("/permits", application("pmt-2", "B2-1202"), permits.desk, 201)
    await permits.post("/permits/pmt-2/hand-over", None, permits.cs)  # review due in 3 wd
    await permits.unit("B2-1203")
    await permits.post("/permits", application("pmt-3", "B2-1203"), permits.desk, 201)

    board = await permits.get("/permits", permits.cs, site_id=SITE)

    assert [(r["permit_id"], r["owed_by"]) for r in board] == [
        ("pmt-2", "engineering"),
        ("pmt-1", "contractor"),
        ("pmt-3", "customer_service"),
    ]
    assert board[0]["next_due_at"] == "2026-11-26T01:00:00Z"


async def test_rp11_read_models_rebuilt_from_the_log_equal_live(permits: Permits) -> None:
    from opsledger.verify import verify_read_models

    await permits.started()
    permits.clock.advance(timedelta(days=7))
    await permits.post("/permits/pmt-1/finish", {"finished_on": "2026-11-27"}, permits.cs)
    body = {"as_built_copies": 2, "deposit_receipt_copy": True}
    await permits.post("/permits/pmt-1/acceptance", body, permits.desk)
    await permits.service.read_models.catch_up()
    service = permits.service
    runtime = service.runtime
    models = service.read_models.projections
    assert await verify_read_models(runtime.engine, runtime.store, service.catalog, models) == []
