"""Smoke: the service starts, migrates, opens a ticket and shows it."""

from tests.callcenter.conftest import CallCenter


async def test_cc2_open_repair_ticket_and_read_it_back(cc: CallCenter) -> None:
    opened = await cc.open_ticket()
    assert opened["ticket_id"].startswith("T-site-a-")
    assert opened["status"] == "open" and opened["owner"] == "agent-1"
    got = await cc.get(f"/tickets/{opened['ticket_id']}")
    assert got.status_code == 200 and got.json() == opened
    await cc.service.read_models.catch_up()
    listed = await cc.get("/tickets?site_id=site-a&status=open")
    assert [t["ticket_id"] for t in listed.json()] == [opened["ticket_id"]]
