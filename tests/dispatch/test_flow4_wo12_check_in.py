"""WO-12 rev.2 in dispatch: two people working at a key location at the same time are
"both assigned, both checked in" — each checks in with their own credentials, cleared on
the day, and the work is not recorded (completion) until both have."""

from datetime import date

from opsledger_contracts.events.secrets_registry import ClearanceEnded

from tests.dispatch.conftest import Dispatch
from tests.dispatch.test_flow4_key_locations import key_site, registry_event, try_issue


async def _key_order(dispatch: Dispatch) -> str:
    await key_site(dispatch)
    answer = await try_issue(dispatch, second_assignee="eng-13")
    assert answer.status_code == 201, answer.text
    wo: str = answer.json()["work_order_id"]
    assert (await dispatch.post(wo, "accept", dispatch.assignee())).status_code == 200
    return wo


DONE = {"process": "replaced the lock", "result": "works"}


async def test_wo12_rev2_work_at_a_key_location_waits_until_both_checked_in(
    dispatch: Dispatch,
) -> None:
    wo = await _key_order(dispatch)
    none_in = await dispatch.post(wo, "complete", dispatch.assignee(), DONE)
    assert none_in.status_code == 422, none_in.text
    error = none_in.json()["error"]
    assert error["code"] == "WO-12"
    assert "eng-12" in error["message"] and "eng-13" in error["message"]

    first = await dispatch.post(wo, "check-in", dispatch.assignee("eng-12"))
    assert first.status_code == 200, first.text
    one_in = await dispatch.post(wo, "complete", dispatch.assignee(), DONE)
    assert one_in.status_code == 422 and one_in.json()["error"]["code"] == "WO-12"
    assert "eng-13" in one_in.json()["error"]["message"]
    assert "eng-12" not in one_in.json()["error"]["message"].split("not checked in:")[1]

    twice = await dispatch.post(wo, "check-in", dispatch.assignee("eng-12"))
    assert twice.status_code == 422 and twice.json()["error"]["code"] == "WO-12"

    second = await dispatch.post(wo, "check-in", dispatch.assignee("eng-13"))
    assert second.status_code == 200, second.text
    done = await dispatch.post(wo, "complete", dispatch.assignee(), DONE)
    assert done.status_code == 200, done.text
    checked = [
        e.payload["person_id"]
        for e in await dispatch.stream(f"work-order-{wo}")
        if e.event_type == "KeyLocationCheckedIn"
    ]
    assert checked == ["eng-12", "eng-13"]


async def test_wo12_rev2_only_the_two_assigned_people_check_in(dispatch: Dispatch) -> None:
    wo = await _key_order(dispatch)
    stranger = await dispatch.post(wo, "check-in", dispatch.assignee("eng-99"))
    assert stranger.status_code in (403, 422), stranger.text
    assert stranger.json()["error"]["code"] == "WO-12"
    ordinary = await dispatch.issue(location="Block 3, unit 1202, kitchen")
    plain = await dispatch.post(ordinary["work_order_id"], "check-in", dispatch.assignee())
    assert plain.status_code == 422 and plain.json()["error"]["code"] == "WO-12"
    # an ordinary order completes without any check-in
    oid = ordinary["work_order_id"]
    assert (await dispatch.post(oid, "accept", dispatch.assignee())).status_code == 200
    assert (await dispatch.post(oid, "complete", dispatch.assignee(), DONE)).status_code == 200


async def test_wo12_rev2_a_clearance_ended_before_check_in_refuses_it(dispatch: Dispatch) -> None:
    wo = await _key_order(dispatch)
    assert (await dispatch.post(wo, "check-in", dispatch.assignee("eng-12"))).status_code == 200
    ended = ClearanceEnded(person_id="eng-13", ended_on=date(2026, 11, 23), reason="left_post")
    await registry_event(dispatch, ended)
    late = await dispatch.post(wo, "check-in", dispatch.assignee("eng-13"))
    assert late.status_code == 422, late.text
    assert late.json()["error"]["code"] == "WO-12" and "eng-13" in late.json()["error"]["message"]
    still = await dispatch.post(wo, "complete", dispatch.assignee(), DONE)
    assert still.status_code == 422 and still.json()["error"]["code"] == "WO-12"
