"""Issue 17, item 4: reads follow roles, and fields a role may not see are absent.

Dispatch: penalties (WO-4, WO-5, WO-9: `PenaltyRecorded`, `penalties_fen`) are for the
penalty ledger's readers only; an assignee reads the order without them and a role that
does not work orders reads nothing. Fleet: ledger amounts and dismissal/removal flags
(FL-7, FL-8) are for the ledger's readers; the depot director runs the commands and reads
the reconciliation without them.
"""

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from tests.dispatch.conftest import Dispatch
from tests.fleet.conftest import SITE, Fleet


async def _penalized_order(dispatch: Dispatch) -> str:
    order: str = (await dispatch.issue())["work_order_id"]
    refused = await dispatch.post(order, "refusals", dispatch.dispatcher(), {"reason": "no"})
    assert refused.status_code == 200, refused.text  # WO-4: 100 yuan against eng-12
    await dispatch.service.read_models.catch_up()
    return order


async def _get(dispatch: Dispatch, path: str, headers: Mapping[str, str], **params: str) -> Any:
    answer = await dispatch.client.get(path, params=params, headers=headers)
    assert answer.status_code == 200, (path, answer.text)
    return answer.json()


async def test_an_assignee_reads_the_order_without_its_penalties(dispatch: Dispatch) -> None:
    order = await _penalized_order(dispatch)
    assignee = dispatch.assignee()
    refused = await dispatch.client.get(
        "/penalties", params={"site_id": SITE, "month": "2026-11"}, headers=assignee
    )
    assert refused.status_code == 403, refused.text
    one = await _get(dispatch, f"/work-orders/{order}", assignee)
    board = await _get(dispatch, "/work-orders", assignee, site_id=SITE)
    history = await _get(dispatch, f"/work-orders/{order}/history", assignee)
    accepted = await dispatch.post(order, "accept", assignee)
    assert accepted.status_code == 200, accepted.text
    for view in (one, board[0], accepted.json()):
        assert "penalties_fen" not in view
    assert "PenaltyRecorded" not in [e["event_type"] for e in history]
    assert "10000" not in str(history)


async def test_a_penalty_reader_sees_them(dispatch: Dispatch) -> None:
    order = await _penalized_order(dispatch)
    dispatcher = dispatch.dispatcher()
    assert (await _get(dispatch, f"/work-orders/{order}", dispatcher))["penalties_fen"] == 10000
    board = await _get(dispatch, "/work-orders", dispatcher, site_id=SITE)
    assert board[0]["penalties_fen"] == 10000
    history = await _get(dispatch, f"/work-orders/{order}/history", dispatcher)
    assert "PenaltyRecorded" in [e["event_type"] for e in history]


async def test_a_role_that_does_not_work_orders_reads_nothing_of_them(
    dispatch: Dispatch,
) -> None:
    order = await _penalized_order(dispatch)
    driver = dispatch.auth("drv-07", "driver")
    for path, params in (
        (f"/work-orders/{order}", {}),
        (f"/work-orders/{order}/history", {}),
        ("/work-orders", {"site_id": SITE}),
        ("/work-order-requests", {"site_id": SITE}),
        ("/reporting-lines", {"site_id": SITE}),
    ):
        answer = await dispatch.client.get(path, params=params, headers=driver)
        assert answer.status_code == 403, (path, answer.text)


def _violation(violation_id: str) -> dict[str, Any]:
    return {
        "site_id": SITE,
        "person": "drv-07",
        "violation_id": violation_id,
        "kind": "private_use",
        "role": "driver",
        "vehicle_id": "veh-1",
        "occurred_at": "2026-11-23T08:00:00+08:00",
        "note": "took the van home",
    }


async def test_the_director_records_conduct_without_seeing_ledger_or_flags(
    fleet: Fleet,
) -> None:
    await fleet.vehicle()
    by_director = await fleet.post("/violations", _violation("v1"), fleet.director, 201)
    assert by_director["violations"] == 1
    assert "ledger_fen" not in by_director and "flags" not in by_director
    by_captain = await fleet.post("/violations", _violation("v2"), fleet.captain, 201)
    assert by_captain["ledger_fen"] == -20000 and "flags" in by_captain


async def test_the_director_reads_the_reconciliation_without_fines(fleet: Fleet) -> None:
    await fleet.month_after_a_trip_and_a_fill()
    fleet.clock.advance(timedelta(days=10))
    closed = await fleet.post(
        "/vehicles/veh-1/fuel/2026-11/close", {"site_id": SITE}, fleet.captain
    )
    assert closed["reconciliation"]["fine_fen"] == 25500
    params = {"site_id": SITE, "month": "2026-11"}
    director = await fleet.get("/fuel/reconciliation", fleet.director, **params)
    assert director["anomalous"] == 1
    assert "fines_fen" not in director and "fine_fen" not in director["vehicles"][0]
    finance = await fleet.get("/fuel/reconciliation", fleet.auth("fin-1", "finance"), **params)
    assert finance["fines_fen"] == 25500 and finance["vehicles"][0]["fine_fen"] == 25500
