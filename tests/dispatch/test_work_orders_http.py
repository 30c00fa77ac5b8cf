"""Work orders over HTTP on SQLite and PostgreSQL: one test (at least) per rule WO-1 … WO-10."""

import asyncio
from datetime import datetime, timedelta

from opsledger.verify import verify_read_models

from tests.dispatch.conftest import SITE, START, Dispatch


def error(answer: object) -> dict[str, str]:
    import httpx

    assert isinstance(answer, httpx.Response)
    body: dict[str, dict[str, str]] = answer.json()
    return body["error"]


# -- WO-1 -------------------------------------------------------------------------------


async def test_wo1_missing_fields_are_refused_by_name(dispatch: Dispatch) -> None:
    answer = await dispatch.client.post(
        "/work-orders",
        json={"site_id": SITE, "assignee": "eng-12", "assignee_role": "engineer"},
        headers=dispatch.dispatcher(),
    )
    assert answer.status_code == 422
    err = error(answer)
    assert err["code"] == "WO-1"
    for name in ("location", "content", "requirements", "reply_by"):
        assert name in err["message"] and name in err["field"]
    assert await dispatch.all_events() == []  # a refused command stores nothing


async def test_wo1_blank_fields_and_past_reply_by_are_refused(dispatch: Dispatch) -> None:
    blank = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(location="   ", requirements=""),
        headers=dispatch.dispatcher(),
    )
    assert error(blank)["code"] == "WO-1"
    assert error(blank)["field"] == "location,requirements"
    past = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(reply_by=(START - timedelta(minutes=1)).isoformat()),
        headers=dispatch.dispatcher(),
    )
    assert past.status_code == 422
    assert error(past)["code"] == "WO-1" and error(past)["field"] == "reply_by"
    naive = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(reply_by="2026-12-01T10:00:00"),
        headers=dispatch.dispatcher(),
    )
    # Refused by the shared Instant type before the domain: the field and its rule named.
    assert naive.status_code == 422 and error(naive)["code"] == "VALIDATION"
    (problem,) = naive.json()["error"]["fields"]
    assert problem["field"] == "reply_by" and problem["rule"] == "WO-1"
    assert "timezone" in problem["message"]
    assert await dispatch.all_events() == []


async def test_wo1_issuer_is_the_token_staff_not_the_body(dispatch: Dispatch) -> None:
    smuggled = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(issuer="someone-else"),
        headers=dispatch.dispatcher(),
    )
    assert smuggled.status_code == 422 and error(smuggled)["code"] == "VALIDATION"
    order = await dispatch.issue()
    assert order["issuer"] == "disp-07"
    (issued,) = await dispatch.stream(f"work-order-{order['work_order_id']}")
    assert issued.actor == "disp-07" and issued.payload["issuer"] == "disp-07"


# -- WO-2 -------------------------------------------------------------------------------


async def test_wo2_only_dispatchers_leads_and_dept_heads_issue(dispatch: Dispatch) -> None:
    body = dispatch.order_body()
    refused = await dispatch.client.post(
        "/work-orders", json=body, headers=dispatch.auth("agent-1", "agent")
    )
    assert refused.status_code == 403
    other_site = await dispatch.client.post(
        "/work-orders", json=body, headers=dispatch.auth("disp-9", "dispatcher", "site-b")
    )
    assert other_site.status_code == 403
    for roles in ("dispatcher", "dispatch_lead", "dept_head", "admin"):
        ok = await dispatch.client.post(
            "/work-orders", json=body, headers=dispatch.auth("boss", roles)
        )
        assert ok.status_code == 201, (roles, ok.text)


async def test_wo2_assignee_role_must_be_one_that_receives_orders(dispatch: Dispatch) -> None:
    wrong = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(assignee_role="driver"),
        headers=dispatch.dispatcher(),
    )
    assert error(wrong)["code"] == "WO-2" and error(wrong)["field"] == "assignee_role"
    missing = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(assignee=None, assignee_role=None),
        headers=dispatch.dispatcher(),
    )
    assert error(missing)["code"] == "WO-2"
    assert error(missing)["field"] == "assignee,assignee_role"
    assert await dispatch.all_events() == []


# -- WO-3 -------------------------------------------------------------------------------


async def test_wo3_only_the_assignee_accepts_and_the_time_is_to_the_minute(
    dispatch: Dispatch,
) -> None:
    order = await dispatch.issue()
    wo_id = order["work_order_id"]
    dispatch.clock.advance(timedelta(minutes=7, seconds=42, microseconds=5))
    stranger = await dispatch.post(wo_id, "accept", dispatch.assignee("eng-99"))
    assert stranger.status_code == 403 and error(stranger)["code"] == "WO-3"
    accepted = await dispatch.post(wo_id, "accept", dispatch.assignee())
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "accepted"
    accepted_at = datetime.fromisoformat(accepted.json()["accepted_at"])
    assert accepted_at == START + timedelta(minutes=7)  # 09:07:42.000005 -> 09:07
    again = await dispatch.post(wo_id, "accept", dispatch.assignee())
    assert error(again)["code"] == "WO-3"


async def test_wo3_complete_or_progress_before_accept_is_refused(dispatch: Dispatch) -> None:
    wo_id = (await dispatch.issue())["work_order_id"]
    complete = await dispatch.post(
        wo_id, "complete", dispatch.assignee(), {"process": "p", "result": "r"}
    )
    assert complete.status_code == 422 and error(complete)["code"] == "WO-3"
    progress = await dispatch.post(wo_id, "progress", dispatch.assignee(), {"note": "on my way"})
    assert error(progress)["code"] == "WO-3"
    assert len(await dispatch.stream(f"work-order-{wo_id}")) == 1


# -- WO-4 -------------------------------------------------------------------------------


async def test_wo4_assignee_escalates_to_a_superior_who_must_accept(dispatch: Dispatch) -> None:
    await dispatch.reporting_line("eng-12", "sup-3")  # WO-4: escalation goes there only
    wo_id = (await dispatch.issue())["work_order_id"]
    no_reason = await dispatch.post(
        wo_id, "escalate", dispatch.assignee(), {"escalated_to": "sup-3", "reason": " "}
    )
    assert error(no_reason)["code"] == "WO-4" and error(no_reason)["field"] == "reason"
    escalated = await dispatch.post(
        wo_id,
        "escalate",
        dispatch.assignee(),
        {"escalated_to": "sup-3", "reason": "Needs a welder"},
    )
    assert escalated.status_code == 200, escalated.text
    assert escalated.json()["status"] == "escalated"
    assert escalated.json()["assignee"] == "sup-3"
    old = await dispatch.post(wo_id, "accept", dispatch.assignee())
    assert error(old)["code"] == "WO-3"
    to_self = await dispatch.post(
        wo_id,
        "escalate",
        dispatch.auth("sup-3", "supervisor"),
        {"escalated_to": "sup-3", "reason": "r"},
    )
    assert error(to_self)["code"] == "WO-4" and error(to_self)["field"] == "escalated_to"
    superior = await dispatch.post(wo_id, "accept", dispatch.auth("sup-3", "supervisor"))
    assert superior.json()["status"] == "accepted"


async def test_wo4_recorded_refusal_costs_the_assignee_100_yuan(dispatch: Dispatch) -> None:
    wo_id = (await dispatch.issue())["work_order_id"]
    not_dispatcher = await dispatch.post(
        wo_id, "refusals", dispatch.assignee("eng-1"), {"reason": "x"}
    )
    assert not_dispatcher.status_code == 403
    refused = await dispatch.post(
        wo_id, "refusals", dispatch.dispatcher(), {"reason": "Said it is not his job"}
    )
    assert refused.status_code == 200, refused.text
    assert refused.json()["penalties_fen"] == 10_000
    twice = await dispatch.post(wo_id, "refusals", dispatch.dispatcher(), {"reason": "again"})
    assert error(twice)["code"] == "WO-4"
    await dispatch.service.read_models.catch_up()
    ledger = await dispatch.client.get(
        "/penalties", params={"site_id": SITE, "month": "2026-11"}, headers=dispatch.lead()
    )
    assert ledger.status_code == 200
    (person,) = ledger.json()
    assert person["person"] == "eng-12" and person["total_fen"] == 10_000
    assert person["items"][0]["rule"] == "WO-4"


# -- WO-5 -------------------------------------------------------------------------------


async def test_wo5_overdue_timer_fines_the_assignee_at_reply_by(dispatch: Dispatch) -> None:
    order = await dispatch.issue()
    wo_id = order["work_order_id"]
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    dispatch.clock.advance(timedelta(hours=3, minutes=59))
    assert await dispatch.service.timers.fire_due() == 0
    dispatch.clock.advance(timedelta(minutes=1))  # exactly reply_by
    assert await dispatch.service.timers.fire_due() == 1
    types = [e.event_type for e in await dispatch.stream(f"work-order-{wo_id}")]
    assert types[-3:] == ["WorkOrderOverdue", "PenaltyRecorded", "DispatchLedgerEntryRecorded"]
    penalty = (await dispatch.stream(f"work-order-{wo_id}"))[-2]
    assert penalty.payload["person"] == "eng-12" and penalty.payload["amount_fen"] == 3000
    assert penalty.payload["rule"] == "WO-5" and penalty.payload["month"] == "2026-11"
    assert penalty.actor == "system:dispatch.overdue"
    await dispatch.service.read_models.catch_up()
    board = await dispatch.client.get(
        "/work-orders", params={"site_id": SITE, "status": "overdue"}, headers=dispatch.dispatcher()
    )
    assert [r["work_order_id"] for r in board.json()] == [wo_id]
    dispatch.clock.advance(timedelta(days=1))
    await dispatch.service.timers.fire_due()  # fired once, never again
    stream = await dispatch.stream(f"work-order-{wo_id}")
    assert [e.event_type for e in stream].count("WorkOrderOverdue") == 1


async def test_wo5_progress_before_reply_by_keeps_the_order_from_going_overdue(
    dispatch: Dispatch,
) -> None:
    wo_id = (await dispatch.issue())["work_order_id"]
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    dispatch.clock.advance(timedelta(hours=1))
    without = await dispatch.post(wo_id, "progress", dispatch.assignee(), {"note": "Part ordered"})
    assert without.status_code == 422  # WO-5 rev.: a report gives the new expected time
    assert error(without)["code"] == "WO-5" and error(without)["field"] == "expected_by"
    expected = (START + timedelta(hours=8)).isoformat()
    reported = await dispatch.post(
        wo_id, "progress", dispatch.assignee(), {"note": "Part ordered", "expected_by": expected}
    )
    assert reported.status_code == 200, reported.text
    dispatch.clock.advance(timedelta(hours=4))
    await dispatch.service.timers.fire_due()
    types = [e.event_type for e in await dispatch.stream(f"work-order-{wo_id}")]
    assert "WorkOrderOverdue" not in types and "PenaltyRecorded" not in types


async def test_wo5_progress_with_expected_by_moves_the_deadline(dispatch: Dispatch) -> None:
    wo_id = (await dispatch.issue())["work_order_id"]
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    new_deadline = START + timedelta(days=1)
    moved = await dispatch.post(
        wo_id,
        "progress",
        dispatch.assignee(),
        {"note": "Fitting tomorrow", "expected_by": new_deadline.isoformat()},
    )
    assert moved.status_code == 200
    assert datetime.fromisoformat(moved.json()["deadline"]) == new_deadline
    dispatch.clock.advance(timedelta(hours=5))  # the original reply-by has passed
    await dispatch.service.timers.fire_due()
    assert "WorkOrderOverdue" not in [
        e.event_type for e in await dispatch.stream(f"work-order-{wo_id}")
    ]
    dispatch.clock.set(new_deadline)
    late = await dispatch.post(
        wo_id,
        "progress",
        dispatch.assignee(),
        {"note": "still at it", "expected_by": (new_deadline + timedelta(days=1)).isoformat()},
    )
    assert late.status_code == 422 and error(late)["code"] == "WO-5"
    await dispatch.service.timers.fire_due()
    overdue = [
        e
        for e in await dispatch.stream(f"work-order-{wo_id}")
        if e.event_type == "WorkOrderOverdue"
    ]
    assert len(overdue) == 1
    assert datetime.fromisoformat(overdue[0].payload["reply_by"]) == new_deadline


async def test_wo5_completed_order_does_not_go_overdue(dispatch: Dispatch) -> None:
    wo_id = (await dispatch.issue())["work_order_id"]
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    await dispatch.post(wo_id, "complete", dispatch.assignee(), {"process": "p", "result": "r"})
    dispatch.clock.advance(timedelta(hours=5))
    await dispatch.service.timers.fire_due()
    assert "WorkOrderOverdue" not in [
        e.event_type for e in await dispatch.stream(f"work-order-{wo_id}")
    ]


# -- WO-6 -------------------------------------------------------------------------------


async def test_wo6_close_out_needs_sign_off_and_callback_before_archive(
    dispatch: Dispatch,
) -> None:
    wo_id = (await dispatch.issue())["work_order_id"]
    early = await dispatch.post(wo_id, "archive", dispatch.dispatcher())
    assert early.status_code == 422 and error(early)["code"] == "WO-6"
    for missing in ("completion", "sign-off", "callback"):
        assert missing in error(early)["message"]
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    sign_first = await dispatch.post(
        wo_id, "sign-off", dispatch.assignee(), {"signed_by": "Ms Wang"}
    )
    assert error(sign_first)["code"] == "WO-6"
    not_assignee = await dispatch.post(
        wo_id, "complete", dispatch.assignee("eng-99"), {"process": "p", "result": "r"}
    )
    assert not_assignee.status_code == 403
    no_result = await dispatch.post(
        wo_id, "complete", dispatch.assignee(), {"process": "Replaced trap", "result": " "}
    )
    assert error(no_result)["code"] == "WO-6" and error(no_result)["field"] == "result"
    done = await dispatch.post(
        wo_id, "complete", dispatch.assignee(), {"process": "Replaced trap", "result": "Dry"}
    )
    assert done.json()["status"] == "completed"
    callback_first = await dispatch.post(
        wo_id, "callback", dispatch.dispatcher(), {"confirmed": True}
    )
    assert error(callback_first)["code"] == "WO-6"
    signed = await dispatch.post(wo_id, "sign-off", dispatch.assignee(), {"signed_by": "Ms Wang"})
    assert signed.json()["status"] == "signed_off"
    not_called = await dispatch.post(wo_id, "archive", dispatch.dispatcher())
    assert error(not_called)["code"] == "WO-6"
    assert "callback" in error(not_called)["message"]
    assert "sign-off" not in error(not_called)["message"]
    assignee_callback = await dispatch.post(
        wo_id, "callback", dispatch.assignee(), {"confirmed": True}
    )
    assert assignee_callback.status_code == 403
    called = await dispatch.post(
        wo_id, "callback", dispatch.dispatcher(), {"confirmed": True, "note": "Happy"}
    )
    assert called.json()["status"] == "called_back"
    archived = await dispatch.post(wo_id, "archive", dispatch.dispatcher())
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    history = await dispatch.client.get(
        f"/work-orders/{wo_id}/history", headers=dispatch.dispatcher()
    )
    assert [(h["event_type"], h["actor"]) for h in history.json()] == [
        ("WorkOrderIssued", "disp-07"),
        ("WorkOrderAccepted", "eng-12"),
        ("WorkOrderCompleted", "eng-12"),
        ("WorkOrderSignedOff", "eng-12"),
        ("WorkOrderCallbackRecorded", "disp-07"),
        ("WorkOrderArchived", "disp-07"),
    ]


async def test_wo6_unconfirmed_callback_reopens_the_order(dispatch: Dispatch) -> None:
    wo_id = (await dispatch.issue())["work_order_id"]
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    await dispatch.post(wo_id, "complete", dispatch.assignee(), {"process": "p", "result": "r"})
    await dispatch.post(wo_id, "sign-off", dispatch.dispatcher(), {"signed_by": "Mr Li"})
    reopened = await dispatch.post(
        wo_id, "callback", dispatch.dispatcher(), {"confirmed": False, "note": "Still leaks"}
    )
    assert reopened.json()["status"] == "accepted"
    refused = await dispatch.post(wo_id, "archive", dispatch.dispatcher())
    assert error(refused)["code"] == "WO-6"


# -- WO-7 -------------------------------------------------------------------------------


async def test_wo7_end_of_day_review_names_unfinished_orders_without_a_reason(
    dispatch: Dispatch,
) -> None:
    open_one = (await dispatch.issue())["work_order_id"]
    other = (await dispatch.issue())["work_order_id"]
    done = (await dispatch.issue())["work_order_id"]
    await dispatch.post(done, "accept", dispatch.assignee())
    await dispatch.post(done, "complete", dispatch.assignee(), {"process": "p", "result": "r"})
    await dispatch.service.read_models.catch_up()
    body = {"site_id": SITE, "date": "2026-11-23", "reasons": {open_one: "Waiting for parts"}}
    refused = await dispatch.client.post(
        "/end-of-day-reviews", json=body, headers=dispatch.dispatcher()
    )
    assert refused.status_code == 422 and error(refused)["code"] == "WO-7"
    assert other in error(refused)["message"] and open_one not in error(refused)["message"]
    assert done not in error(refused)["message"]
    body["reasons"] = {open_one: "Waiting for parts", other: "Customer out until 19:00"}
    agent = await dispatch.client.post(
        "/end-of-day-reviews", json=body, headers=dispatch.assignee()
    )
    assert agent.status_code == 403
    ok = await dispatch.client.post("/end-of-day-reviews", json=body, headers=dispatch.dispatcher())
    assert ok.status_code == 201, ok.text
    (review,) = await dispatch.stream(f"end-of-day-review-{SITE}-2026-11-23")
    assert review.payload["reasons"][other] == "Customer out until 19:00"
    assert review.actor == "disp-07"


async def test_wo7_reminder_fires_ten_minutes_before_end_of_day(dispatch: Dispatch) -> None:
    await dispatch.issue(reply_by=(START + timedelta(days=3)).isoformat())
    # End of day 18:00 Asia/Shanghai = 10:00 UTC; the reminder is due at 09:50 UTC.
    dispatch.clock.set(START.replace(hour=9, minute=49))
    fired_early = await dispatch.service.timers.fire_due()
    assert await dispatch.stream(f"end-of-day-review-{SITE}-2026-11-23") == []
    dispatch.clock.set(START.replace(hour=9, minute=50))
    assert await dispatch.service.timers.fire_due() == 1  # the open order's roll call
    assert await dispatch.service.timers.fire_due() == 1  # the site-day reminder it asked for
    (due,) = await dispatch.stream(f"end-of-day-review-{SITE}-2026-11-23")
    assert due.event_type == "EndOfDayReviewDue"
    assert fired_early == 0


# -- WO-8 -------------------------------------------------------------------------------


async def test_wo8_serials_are_per_site_gap_free_and_refusals_take_none(
    dispatch: Dispatch,
) -> None:
    first = await dispatch.issue()
    refused = await dispatch.client.post(
        "/work-orders", json=dispatch.order_body(content=""), headers=dispatch.dispatcher()
    )
    assert refused.status_code == 422
    second = await dispatch.issue()
    other_site = await dispatch.client.post(
        "/work-orders",
        json=dispatch.order_body(site_id="site-b"),
        headers=dispatch.auth("disp-b", "dispatcher", "site-b"),
    )
    assert [first["serial_no"], second["serial_no"]] == [1, 2]
    assert first["work_order_id"] == "WO-site-a-000001"
    assert other_site.json()["work_order_id"] == "WO-site-b-000001"
    serials = await dispatch.stream("work-order-serials-site-a")  # kernel numbering
    assert [e.payload["number"] for e in serials] == [1, 2]


async def test_wo8_concurrent_issuers_get_serials_1_to_20(dispatch: Dispatch) -> None:
    async def one(i: int) -> int:
        answer = await dispatch.client.post(
            "/work-orders",
            json=dispatch.order_body(content=f"job {i}"),
            headers=dispatch.dispatcher(f"disp-{i}"),
        )
        assert answer.status_code == 201, answer.text
        serial: int = answer.json()["serial_no"]
        return serial

    serials = await asyncio.gather(*(one(i) for i in range(20)))
    assert sorted(serials) == list(range(1, 21))
    await dispatch.service.read_models.catch_up()
    board = await dispatch.client.get(
        "/work-orders", params={"site_id": SITE}, headers=dispatch.dispatcher()
    )
    assert [r["serial_no"] for r in board.json()] == list(range(1, 21))


# -- WO-9 -------------------------------------------------------------------------------


async def test_wo9_unreasonable_dispatch_on_escalation_fines_the_issuer(
    dispatch: Dispatch,
) -> None:
    await dispatch.reporting_line("eng-12", "sup-3")
    wo_id = (await dispatch.issue())["work_order_id"]
    not_escalated = await dispatch.post(wo_id, "unreasonable", dispatch.lead(), {"reason": "x"})
    assert not_escalated.status_code == 422 and error(not_escalated)["code"] == "WO-9"
    await dispatch.post(
        wo_id, "escalate", dispatch.assignee(), {"escalated_to": "sup-3", "reason": "Lift job"}
    )
    dispatcher = await dispatch.post(wo_id, "unreasonable", dispatch.dispatcher(), {"reason": "x"})
    assert dispatcher.status_code == 403
    judged = await dispatch.post(
        wo_id, "unreasonable", dispatch.lead(), {"reason": "Sent a plumber to fix a lift"}
    )
    assert judged.status_code == 200, judged.text
    assert judged.json()["judged_unreasonable"] is True
    twice = await dispatch.post(wo_id, "unreasonable", dispatch.lead(), {"reason": "again"})
    assert error(twice)["code"] == "WO-9"
    await dispatch.service.read_models.catch_up()
    ledger = await dispatch.client.get(
        "/penalties", params={"site_id": SITE, "month": "2026-11"}, headers=dispatch.lead()
    )
    assert [(p["person"], p["total_fen"]) for p in ledger.json()] == [("disp-07", 3000)]


# -- WO-10 ------------------------------------------------------------------------------


async def test_wo10_same_fault_same_asset_within_30_days_is_a_repeat_repair(
    dispatch: Dispatch,
) -> None:
    first = await dispatch.issue(asset_id="B3-1202-sink", fault_code="plumbing.leak")
    assert first["repeat_of"] is None
    dispatch.clock.advance(timedelta(days=29))
    repeat = await dispatch.issue(asset_id="B3-1202-sink", fault_code="plumbing.leak")
    assert repeat["repeat_of"] == first["work_order_id"]
    types = [e.event_type for e in await dispatch.stream(f"work-order-{repeat['work_order_id']}")]
    assert types == ["WorkOrderIssued", "RepeatRepairFlagged"]
    other_fault = await dispatch.issue(asset_id="B3-1202-sink", fault_code="electric.socket")
    other_asset = await dispatch.issue(asset_id="B3-1203-sink", fault_code="plumbing.leak")
    assert other_fault["repeat_of"] is None and other_asset["repeat_of"] is None
    dispatch.clock.advance(timedelta(days=31))
    later = await dispatch.issue(asset_id="B3-1202-sink", fault_code="plumbing.leak")
    assert later["repeat_of"] is None


async def test_wo10_without_an_asset_the_same_location_counts(dispatch: Dispatch) -> None:
    first = await dispatch.issue(location="Block 3 lobby", fault_code="lighting.out")
    again = await dispatch.issue(location="  block 3   LOBBY ", fault_code="lighting.out")
    assert again["repeat_of"] == first["work_order_id"]
    elsewhere = await dispatch.issue(location="Block 4 lobby", fault_code="lighting.out")
    assert elsewhere["repeat_of"] is None


# -- read side, audit -------------------------------------------------------------------


async def test_board_detail_and_projections_verify_after_a_full_scenario(
    dispatch: Dispatch,
) -> None:
    await dispatch.reporting_line("eng-12", "sup-3")
    a = (await dispatch.issue(asset_id="A-1", fault_code="f"))["work_order_id"]
    b = (await dispatch.issue(asset_id="A-1", fault_code="f"))["work_order_id"]
    c = (await dispatch.issue())["work_order_id"]
    await dispatch.post(a, "accept", dispatch.assignee())
    await dispatch.post(a, "complete", dispatch.assignee(), {"process": "p", "result": "r"})
    await dispatch.post(a, "sign-off", dispatch.assignee(), {"signed_by": "Ms Wang"})
    await dispatch.post(a, "callback", dispatch.dispatcher(), {"confirmed": True})
    await dispatch.post(a, "archive", dispatch.dispatcher())
    await dispatch.post(b, "refusals", dispatch.dispatcher(), {"reason": "No"})
    await dispatch.post(
        b, "escalate", dispatch.assignee(), {"escalated_to": "sup-3", "reason": "Why"}
    )
    await dispatch.post(b, "unreasonable", dispatch.lead(), {"reason": "Bad dispatch"})
    dispatch.clock.advance(timedelta(hours=5))
    await dispatch.service.timers.fire_due()
    await dispatch.service.read_models.catch_up()

    board = await dispatch.client.get(
        "/work-orders", params={"site_id": SITE}, headers=dispatch.dispatcher()
    )
    rows = {r["work_order_id"]: r for r in board.json()}
    assert datetime.fromisoformat(rows[a]["issued_at"]) == START  # zone-aware on SQLite too
    assert rows[a]["status"] == "archived" and not rows[a]["overdue"]
    assert rows[b]["status"] == "escalated" and rows[b]["overdue"] and rows[b]["repeat_of"] == a
    assert rows[b]["penalties_fen"] == 10_000 + 3_000 + 3_000
    assert rows[c]["overdue"]
    open_rows = await dispatch.client.get(
        "/work-orders", params={"site_id": SITE, "status": "open"}, headers=dispatch.dispatcher()
    )
    assert [r["work_order_id"] for r in open_rows.json()] == [b, c]
    detail = await dispatch.client.get(f"/work-orders/{b}", headers=dispatch.assignee())
    assert detail.json()["assignee"] == "sup-3"
    other_site = await dispatch.client.get(
        f"/work-orders/{b}", headers=dispatch.auth("x", "dispatcher", "site-b")
    )
    assert other_site.status_code == 404  # as a missing one (issue 17): ids do not leak
    missing = await dispatch.client.get("/work-orders/WO-site-a-000999", headers=dispatch.lead())
    assert missing.status_code == 404
    bad_status = await dispatch.client.get(
        "/work-orders", params={"site_id": SITE, "status": "nope"}, headers=dispatch.lead()
    )
    assert bad_status.status_code == 422
    ledger = await dispatch.client.get(
        "/penalties", params={"site_id": SITE, "month": "2026-11"}, headers=dispatch.lead()
    )
    totals = {p["person"]: p["total_fen"] for p in ledger.json()}
    assert totals == {"eng-12": 10_000 + 3_000, "sup-3": 3_000, "disp-07": 3_000}

    service = dispatch.service
    differences = await verify_read_models(
        service.runtime.engine,
        service.runtime.store,
        service.catalog,
        service.read_models.projections,
    )
    assert differences == []


# -- reassignment (issue #6 item 8) -------------------------------------------------------


async def test_dispatch_reassigns_an_open_or_escalated_order_with_a_reason(
    dispatch: Dispatch,
) -> None:
    await dispatch.reporting_line("eng-12", "sup-3")
    wo_id = (await dispatch.issue())["work_order_id"]
    body = {"assignee": "eng-15", "assignee_role": "engineer", "reason": "eng-12 is ill"}
    by_assignee = await dispatch.post(wo_id, "reassign", dispatch.assignee(), body)
    assert by_assignee.status_code == 403
    no_reason = await dispatch.post(
        wo_id, "reassign", dispatch.dispatcher(), {**body, "reason": " "}
    )
    assert no_reason.status_code == 422 and error(no_reason)["field"] == "reason"
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    moved = await dispatch.post(wo_id, "reassign", dispatch.dispatcher(), body)
    assert moved.status_code == 200, moved.text
    assert (moved.json()["assignee"], moved.json()["status"]) == ("eng-15", "issued")
    assert moved.json()["accepted_at"] is None
    old = await dispatch.post(
        wo_id, "complete", dispatch.assignee(), {"process": "p", "result": "r"}
    )
    assert old.status_code == 403  # the old assignee can no longer act on it
    assert (await dispatch.post(wo_id, "accept", dispatch.assignee())).status_code == 403
    new = await dispatch.post(wo_id, "accept", dispatch.assignee("eng-15"))
    assert new.json()["status"] == "accepted"

    escalated = (await dispatch.issue())["work_order_id"]
    await dispatch.post(
        escalated, "escalate", dispatch.assignee(), {"escalated_to": "sup-3", "reason": "Lift"}
    )
    lead = await dispatch.post(
        escalated,
        "reassign",
        dispatch.lead(),
        {"assignee": "lift-1", "assignee_role": "repair_supervisor", "reason": "Lift expert"},
    )
    assert lead.json()["assignee"] == "lift-1" and lead.json()["escalated"] is True

    await dispatch.service.read_models.catch_up()
    board = await dispatch.client.get(
        "/work-orders", params={"site_id": SITE}, headers=dispatch.dispatcher()
    )
    assert {r["work_order_id"]: r["assignee"] for r in board.json()} == {
        wo_id: "eng-15",
        escalated: "lift-1",
    }
    history = await dispatch.client.get(
        f"/work-orders/{wo_id}/history", headers=dispatch.dispatcher()
    )
    (reassigned,) = [h for h in history.json() if h["event_type"] == "WorkOrderReassigned"]
    assert reassigned["actor"] == "disp-07"
    assert reassigned["payload"]["reason"] == "eng-12 is ill"
    assert reassigned["payload"]["previous_assignee"] == "eng-12"


async def test_a_finished_order_cannot_be_reassigned(dispatch: Dispatch) -> None:
    wo_id = (await dispatch.issue())["work_order_id"]
    await dispatch.post(wo_id, "accept", dispatch.assignee())
    await dispatch.post(wo_id, "complete", dispatch.assignee(), {"process": "p", "result": "r"})
    body = {"assignee": "eng-15", "assignee_role": "engineer", "reason": "late"}
    refused = await dispatch.post(wo_id, "reassign", dispatch.lead(), body)
    assert refused.status_code == 422 and error(refused)["code"] == "WO-2"
    same = (await dispatch.issue())["work_order_id"]
    to_self = await dispatch.post(same, "reassign", dispatch.lead(), {**body, "assignee": "eng-12"})
    assert error(to_self)["field"] == "assignee"
    driver = await dispatch.post(
        same, "reassign", dispatch.lead(), {**body, "assignee_role": "driver"}
    )
    assert error(driver)["field"] == "assignee_role"
