"""Flow 4 in dispatch (SR-9 → WO-12): the registry's clearances and key locations, as the
inbound policy records them, decide who may be given an order at a key location."""

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest
from dispatch.inbound.secrets_registry import secrecy_changed
from opsledger.pipeline import Origin
from opsledger_contracts import EventEnvelope, EventPayload
from opsledger_contracts.events.dispatch import WorkOrderIssued
from opsledger_contracts.events.secrets_registry import (
    ClearanceEnded,
    ClearanceGranted,
    KeyLocationEntryListChanged,
    KeyLocationRegistered,
    PersonDeparted,
)

from tests.dispatch.conftest import SITE, Dispatch

LOC = "loc-archive-1"
UNTIL = date(2027, 11, 30)


async def registry_event(dispatch: Dispatch, payload: EventPayload, site: str = SITE) -> None:
    """One registry event as the inbound policy gets it from Kafka."""
    stream = f"key-location-{payload.location_id}" if hasattr(payload, "location_id") else ""
    envelope = EventEnvelope(
        event_id=uuid4(),
        event_type=payload.event_type,
        schema_version=payload.schema_version,
        source="secrets_registry",
        site_id=site,
        stream_id=stream or f"person-{getattr(payload, 'person_id', 'x')}",
        stream_type="KeyLocation" if stream else "Person",
        stream_version=1,
        occurred_at=dispatch.clock.now(),
        correlation_id="corr-flow4",
        actor="off-01",
    )
    command = secrecy_changed(payload, envelope)
    async with dispatch.service.runtime.transaction() as tx:
        await dispatch.service.bus.execute_in(tx, command, Origin.system("secrecy"))


def cleared(person: str, *locations: str, until: date = UNTIL) -> ClearanceGranted:
    return ClearanceGranted(
        person_id=person, level="important", key_locations=list(locations), pledge_valid_until=until
    )


async def key_site(dispatch: Dispatch) -> None:
    await registry_event(dispatch, KeyLocationRegistered(location_id=LOC, entry_list=[]))
    await registry_event(dispatch, cleared("eng-12", LOC))
    await registry_event(dispatch, cleared("eng-13", LOC))


async def try_issue(dispatch: Dispatch, **overrides: Any) -> Any:
    body = dispatch.order_body(**{"location": LOC, **overrides})
    return await dispatch.client.post("/work-orders", json=body, headers=dispatch.dispatcher())


async def test_wo12_a_key_location_order_goes_to_two_cleared_people(dispatch: Dispatch) -> None:
    await key_site(dispatch)
    one = await try_issue(dispatch)
    assert one.status_code == 422 and "WO-12" in one.text and "second_assignee" in one.text
    same = await try_issue(dispatch, second_assignee="eng-12")
    assert same.status_code == 422 and "WO-12" in same.text
    answer = await try_issue(dispatch, second_assignee="eng-13")
    assert answer.status_code == 201, answer.text
    issued = [e for e in await dispatch.all_events() if e.event_type == "WorkOrderIssued"]
    payload = WorkOrderIssued.model_validate(issued[0].payload)
    assert (payload.key_location_id, payload.second_assignee) == (LOC, "eng-13")
    claims = await dispatch.stream("secrecy-clearance-eng-13")
    assert claims[-1].event_type == "KeyLocationAssignmentClaimed"


async def test_wo12_an_uncleared_second_person_is_refused_naming_the_field(
    dispatch: Dispatch,
) -> None:
    await key_site(dispatch)
    answer = await try_issue(dispatch, second_assignee="eng-99")
    assert answer.status_code == 422
    assert "WO-12" in answer.text and "eng-99" in answer.text and "second_assignee" in answer.text
    other = await try_issue(dispatch, second_assignee="eng-13", location="Block 3, unit 1202")
    assert other.status_code == 201, "an ordinary location needs no clearance"


@pytest.mark.parametrize(
    "ending",
    [
        ClearanceEnded(person_id="eng-13", ended_on=date(2026, 11, 23), reason="left_post"),
        PersonDeparted(
            person_id="eng-13",
            kind="resignation",
            left_on=date(2026, 11, 23),
            declassification_ends_on=date(2028, 11, 23),
        ),
        ClearanceEnded(
            person_id="eng-13", ended_on=date(2026, 11, 23), reason="unauthorised_departure"
        ),
    ],
)
async def test_wo12_a_clearance_ended_or_a_departure_stops_assignment_at_once(
    dispatch: Dispatch, ending: EventPayload
) -> None:
    await key_site(dispatch)
    assert (await try_issue(dispatch, second_assignee="eng-13")).status_code == 201
    await registry_event(dispatch, ending)
    answer = await try_issue(dispatch, second_assignee="eng-13")
    assert answer.status_code == 422 and "WO-12" in answer.text and "eng-13" in answer.text


async def test_wo12_a_lapsed_pledge_another_site_or_another_location_is_not_cleared(
    dispatch: Dispatch,
) -> None:
    await key_site(dispatch)
    await registry_event(dispatch, cleared("eng-20", LOC, until=date(2026, 11, 22)))
    await registry_event(dispatch, cleared("eng-21", "loc-other"))
    await registry_event(dispatch, cleared("eng-22", LOC), site="site-b")
    for person in ("eng-20", "eng-21", "eng-22"):
        answer = await try_issue(dispatch, second_assignee=person)
        assert answer.status_code == 422 and "WO-12" in answer.text, (person, answer.text)
    # on the location's entry list counts as cleared for it
    await registry_event(
        dispatch, KeyLocationEntryListChanged(location_id=LOC, entry_list=["eng-21"])
    )
    assert (await try_issue(dispatch, second_assignee="eng-21")).status_code == 201


async def test_wo12_a_key_location_order_is_not_handed_to_someone_else(dispatch: Dispatch) -> None:
    await key_site(dispatch)
    order = (await try_issue(dispatch, second_assignee="eng-13")).json()
    wo = order["work_order_id"]
    body = {"assignee": "eng-99", "assignee_role": "engineer", "reason": "busy"}
    answer = await dispatch.post(wo, "reassign", dispatch.dispatcher(), body)
    assert answer.status_code == 422 and "WO-12" in answer.text
    await dispatch.reporting_line("eng-12", "sup-1")
    escalated = await dispatch.post(wo, "escalate", dispatch.assignee(), {"reason": "help"})
    assert escalated.status_code == 422 and "WO-12" in escalated.text
    dispatch.clock.advance(timedelta(minutes=1))


async def test_wo12_the_desk_sees_who_is_cleared_for_a_key_location(dispatch: Dispatch) -> None:
    await key_site(dispatch)
    await registry_event(dispatch, cleared("eng-21", "loc-other"))

    async def board() -> list[str]:
        await dispatch.service.read_models.catch_up()
        answer = await dispatch.client.get(
            f"/key-locations/{LOC}/cleared-staff",
            params={"site_id": SITE},
            headers=dispatch.dispatcher(),
        )
        assert answer.status_code == 200, answer.text
        return [row["person_id"] for row in answer.json()]

    assert await board() == ["eng-12", "eng-13"]
    ended = ClearanceEnded(person_id="eng-13", ended_on=date(2026, 11, 23), reason="left_post")
    await registry_event(dispatch, ended)
    assert await board() == ["eng-12"]
    refused = await dispatch.client.get(
        f"/key-locations/{LOC}/cleared-staff",
        params={"site_id": SITE},
        headers=dispatch.assignee(),
    )
    assert refused.status_code == 403
