"""Tickets over HTTP on SQLite and PostgreSQL: rule refusals name the field and store
nothing; the actor always comes from the token."""

from datetime import timedelta

from tests.callcenter.conftest import CallCenter


async def test_cc1_owner_is_the_token_staff_and_transfer_is_explicit(cc: CallCenter) -> None:
    ticket = await cc.open_ticket()
    tid = ticket["ticket_id"]
    assert ticket["owner"] == "agent-1"
    events = await cc.all_events()
    wrong_from = await cc.post(
        f"/tickets/{tid}/transfer", {"from": "agent-5", "to": "agent-2", "reason": "x"}
    )
    assert wrong_from.status_code == 422
    assert wrong_from.json()["error"] == {
        "code": "CC-1",
        "message": "`from` must be the current owner (agent-1), not agent-5",
        "field": "from",
    }
    stranger = await cc.post(
        f"/tickets/{tid}/transfer",
        {"from": "agent-1", "to": "agent-2", "reason": "mine now"},
        staff="agent-2",
    )
    assert stranger.status_code == 403 and stranger.json()["error"]["code"] == "CC-1"
    assert await cc.all_events() == events  # refusals store nothing
    moved = await cc.post(
        f"/tickets/{tid}/transfer",
        {"from": "agent-1", "to": "agent-2", "reason": "end of shift"},
    )
    assert moved.status_code == 200 and moved.json()["owner"] == "agent-2"
    transferred = (await cc.stream(f"ticket-{tid}"))[-1]
    assert transferred.actor == "agent-1"
    assert transferred.payload == {
        "ticket_id": tid,
        "from_agent": "agent-1",
        "to_agent": "agent-2",
        "reason": "end of shift",
    }
    by_lead = await cc.post(
        f"/tickets/{tid}/transfer",
        {"from": "agent-2", "to": "agent-3", "reason": "rebalance"},
        staff="lead-1",
        roles="shift_lead",
    )
    assert by_lead.status_code == 200 and by_lead.json()["owner"] == "agent-3"


async def test_cc2_kind_and_channel_are_validated_by_name(cc: CallCenter) -> None:
    body = {"site_id": "site-a", "kind": "gossip", "channel": "pigeon", "subject": "x"}
    answer = await cc.post("/tickets", body)
    assert answer.status_code == 422
    fields = {f["field"] for f in answer.json()["error"]["fields"]}
    assert fields == {"kind", "channel"}
    smuggled = await cc.post(
        "/tickets", {**body, "kind": "inquiry", "channel": "letter", "owner": "x"}
    )
    assert smuggled.status_code == 422 and smuggled.json()["error"]["fields"][0]["field"] == "owner"
    assert await cc.all_events() == []
    for kind, channel in (
        ("inquiry", "walk_in"),
        ("service_request", "online"),
        ("emergency", "phone"),
    ):
        opened = await cc.open_ticket(kind=kind, channel=channel)
        assert (opened["kind"], opened["channel"]) == (kind, channel)


async def test_cc2_roles_and_sites_come_from_the_token(cc: CallCenter) -> None:
    body = {"site_id": "site-a", "kind": "repair", "channel": "phone", "subject": "x"}
    assert (await cc.post("/tickets", body, roles="driver")).status_code == 403
    assert (await cc.post("/tickets", body, sites="site-b")).status_code == 403
    ticket = await cc.open_ticket()
    other_site = await cc.get(f"/tickets/{ticket['ticket_id']}", sites="site-b")
    assert other_site.status_code == 404  # as a missing one (issue 17)
    assert (await cc.get("/tickets/T-site-a-missing")).status_code == 404


async def test_cc3_escalation_over_http_enforces_who_takes_it(cc: CallCenter) -> None:
    ticket = await cc.open_ticket(kind="complaint", complaint_level=2, subject="Rude guard")
    tid = ticket["ticket_id"]
    up = await cc.post(
        f"/tickets/{tid}/escalate", {"reason": "wants compensation", "compensation_involved": True}
    )
    assert up.status_code == 200 and up.json()["escalated_to"] == "cc_manager"
    assert up.json()["status"] == "escalated"
    lead = await cc.post(f"/tickets/{tid}/escalation/take", staff="lead-1", roles="shift_lead")
    assert lead.status_code == 403 and lead.json()["error"]["code"] == "CC-3"
    taken = await cc.post(f"/tickets/{tid}/escalation/take", staff="mgr-1", roles="cc_manager")
    assert taken.status_code == 200 and taken.json()["owner"] == "mgr-1"
    missing_level = await cc.post(
        "/tickets", {"site_id": "site-a", "kind": "complaint", "channel": "phone", "subject": "x"}
    )
    assert missing_level.status_code == 422
    assert missing_level.json()["error"]["field"] == "complaint_level"


async def test_cc10_renovation_complaint_names_the_unit_over_http(cc: CallCenter) -> None:
    body = {
        "site_id": "site-a",
        "kind": "complaint",
        "channel": "phone",
        "subject": "Drilling at night",
        "complaint_level": 1,
        "category": "renovation",
    }
    refused = await cc.post("/tickets", body)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "CC-10"
    assert refused.json()["error"]["field"] == "renovation_unit"
    assert await cc.all_events() == []
    accepted = await cc.post("/tickets", {**body, "renovation_unit": "B3-1203"})
    assert accepted.status_code == 201
    opened = (await cc.stream(f"ticket-{accepted.json()['ticket_id']}"))[0]
    assert opened.payload["renovation_unit"] == "B3-1203"


async def test_cc5_close_needs_resolution_and_callback_over_http(cc: CallCenter) -> None:
    ticket = await cc.open_ticket(kind="complaint", complaint_level=1)
    tid = ticket["ticket_id"]
    not_yet = await cc.post(f"/tickets/{tid}/close")
    assert not_yet.status_code == 422 and not_yet.json()["error"]["code"] == "CC-5"
    await cc.post(f"/tickets/{tid}/first-response", {"note": "apologised"})
    assert (await cc.post(f"/tickets/{tid}/resolve", {"note": "guard replaced"})).status_code == 200
    no_callback = await cc.post(f"/tickets/{tid}/close")
    assert no_callback.status_code == 422
    assert no_callback.json()["error"]["code"] == "CC-5"
    bad = await cc.post(f"/tickets/{tid}/callbacks", {"reached": True, "satisfaction": 9})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "satisfaction"
    for _ in range(2):
        miss = await cc.post(f"/tickets/{tid}/callbacks", {"reached": False})
        assert miss.status_code == 200 and miss.json()["status"] == "resolved"
    third = await cc.post(f"/tickets/{tid}/callbacks", {"reached": False}, staff="agent-4")
    assert third.status_code == 200
    assert third.json()["status"] == "closed"
    assert third.json()["closed_outcome"] == "callback_unreachable"


async def test_cc4_work_order_request_validates_fields(cc: CallCenter) -> None:
    ticket = await cc.open_ticket()
    tid = ticket["ticket_id"]
    missing = await cc.post(f"/tickets/{tid}/work-order-request", {"location": "B3"})
    assert missing.status_code == 422
    assert {f["field"] for f in missing.json()["error"]["fields"]} == {
        "content",
        "requirements",
        "reply_by",
    }
    past = await cc.post(
        f"/tickets/{tid}/work-order-request",
        {
            "location": "B3",
            "content": "leak",
            "requirements": "fix",
            "reply_by": (cc.clock.now() - timedelta(hours=1)).isoformat(),
        },
    )
    assert past.status_code == 422
    assert past.json()["error"] == {
        "code": "CC-4",
        "message": "reply_by must be in the future",
        "field": "reply_by",
    }


async def test_cc1_a_transfer_reason_of_spaces_is_refused_naming_the_field(cc: CallCenter) -> None:
    ticket = await cc.open_ticket()
    tid = ticket["ticket_id"]
    before = await cc.all_events()
    blank = await cc.post(
        f"/tickets/{tid}/transfer", {"from": "agent-1", "to": "agent-2", "reason": "   "}
    )
    assert blank.status_code == 422, blank.text
    assert (blank.json()["error"]["code"], blank.json()["error"]["field"]) == ("CC-1", "reason")
    assert await cc.all_events() == before
