"""CC-3 SLA timers with a ManualClock: the breach is an event emitted when due."""

from datetime import UTC, datetime, timedelta

from tests.callcenter.conftest import CallCenter


async def _event_types(cc: CallCenter, ticket_id: str) -> list[str]:
    return [e.event_type for e in await cc.stream(f"ticket-{ticket_id}")]


async def test_cc3_breach_fires_once_when_due(cc: CallCenter) -> None:
    ticket = await cc.open_ticket(kind="emergency", subject="Smoke in the stairwell")
    due = datetime.fromisoformat(ticket["first_response_due_at"])
    assert due == cc.clock.now() + timedelta(minutes=15)
    cc.clock.advance(timedelta(minutes=14, seconds=59))
    assert await cc.service.timers.fire_due() == 0
    assert "SlaBreached" not in await _event_types(cc, ticket["ticket_id"])
    cc.clock.advance(timedelta(seconds=1))
    assert await cc.service.timers.fire_due() == 1
    cc.clock.advance(timedelta(hours=1))
    assert await cc.service.timers.fire_due() == 0
    types = await _event_types(cc, ticket["ticket_id"])
    assert types.count("SlaBreached") == 1
    (breach,) = [
        e for e in await cc.stream(f"ticket-{ticket['ticket_id']}") if e.event_type == "SlaBreached"
    ]
    assert breach.actor == "system:callcenter.sla" and breach.payload["owner"] == "agent-1"
    view = (await cc.get(f"/tickets/{ticket['ticket_id']}")).json()
    assert view["sla_breached"] is True
    # Answering late is still recorded, flagged as outside the SLA.
    late = await cc.post(f"/tickets/{ticket['ticket_id']}/first-response", {"note": "on our way"})
    assert late.status_code == 200, late.text
    responded = [e for e in await cc.stream(f"ticket-{ticket['ticket_id']}")][-1]
    assert responded.payload["within_sla"] is False


async def test_cc3_first_response_in_time_means_no_breach(cc: CallCenter) -> None:
    ticket = await cc.open_ticket(kind="emergency")
    cc.clock.advance(timedelta(minutes=10))
    answer = await cc.post(f"/tickets/{ticket['ticket_id']}/first-response", {"note": "sent"})
    assert answer.status_code == 200 and answer.json()["responded"] is True
    cc.clock.advance(timedelta(hours=2))
    assert await cc.service.timers.fire_due() == 0
    assert "SlaBreached" not in await _event_types(cc, ticket["ticket_id"])


async def test_cc3_pause_and_resume_move_the_deadline(cc: CallCenter) -> None:
    ticket = await cc.open_ticket(kind="emergency")
    tid = ticket["ticket_id"]
    cc.clock.advance(timedelta(minutes=5))
    paused = await cc.post(
        f"/tickets/{tid}/pause", {"reason": "caller gone", "waiting_on": "customer"}
    )
    assert paused.status_code == 200, paused.text
    assert paused.json()["sla_paused"] is True and paused.json()["sla_remaining_seconds"] == 600
    cc.clock.advance(timedelta(hours=3))
    assert await cc.service.timers.fire_due() == 0  # paused: no breach
    resumed = await cc.post(f"/tickets/{tid}/resume")
    assert resumed.status_code == 200, resumed.text
    new_due = datetime.fromisoformat(resumed.json()["first_response_due_at"])
    assert new_due == cc.clock.now() + timedelta(minutes=10)
    assert resumed.json()["calendar_id"] == "24x7:Asia/Shanghai"
    cc.clock.advance(timedelta(minutes=9))
    assert await cc.service.timers.fire_due() == 0
    cc.clock.advance(timedelta(minutes=1))
    assert await cc.service.timers.fire_due() == 1
    assert (await _event_types(cc, tid)).count("SlaBreached") == 1


async def test_cc3_first_response_breach_fires_on_the_holiday_24h_later(cc: CallCenter) -> None:
    cc.clock.set(datetime(2026, 9, 30, 2, 0, tzinfo=UTC))  # Wednesday 09-30 10:00 Shanghai
    ticket = await cc.open_ticket(kind="complaint", complaint_level=1)
    due = datetime.fromisoformat(ticket["first_response_due_at"])
    assert due == datetime(2026, 10, 1, 2, 0, tzinfo=UTC)  # National Day 10:00, not 10-08
    assert ticket["calendar_id"] == "24x7:Asia/Shanghai"
    cc.clock.set(due - timedelta(seconds=1))
    await cc.service.timers.fire_due()
    assert "SlaBreached" not in await _event_types(cc, ticket["ticket_id"])
    cc.clock.set(due)
    await cc.service.timers.fire_due()
    assert "SlaBreached" in await _event_types(cc, ticket["ticket_id"])


async def test_cc3_pause_is_refused_once_answered_and_stores_nothing(cc: CallCenter) -> None:
    ticket = await cc.open_ticket()
    tid = ticket["ticket_id"]
    await cc.post(f"/tickets/{tid}/first-response", {"note": "ok"})
    before = await _event_types(cc, tid)
    answer = await cc.post(f"/tickets/{tid}/pause", {"reason": "x", "waiting_on": "third_party"})
    assert answer.status_code == 409 and answer.json()["error"]["code"] == "CC-3"
    assert await _event_types(cc, tid) == before
