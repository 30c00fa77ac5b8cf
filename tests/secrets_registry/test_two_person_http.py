"""The two-person choke point over HTTP, each person with their own token (issue 20 item
6): the same person twice, an uncleared or unpledged second and an expired first
confirmation are all refused, and a refused or lone confirmation changes nothing."""

import asyncio
from datetime import date, timedelta
from typing import Any

import pytest
from secrets_registry.domain.clearance import PersonLevel
from secrets_registry.domain.twoperson import WINDOW

from tests.secrets_registry.carrier_harness import SITE, Carriers
from tests.secrets_registry.carrier_harness import carriers as carriers

__all__ = ["carriers"]
WORK = "/key-locations/loc-1/service-work"  # each of the two posts here
LAPSED = date(2025, 12, 5)  # in force when the post was entered, lapsed by 2026-12-07
SEND = {
    "site_id": SITE,
    "action_id": "send-1",
    "channel": "confidential_post",
    "destination": "City bureau",
    "out_of_town": True,
    "package_no": "PKG-1",
}


async def _ready(carriers: Carriers, **people: Any) -> None:
    await carriers.person("off-1")
    await carriers.person("esc-1")
    for pid, kwargs in people.items():
        await carriers.person(pid.replace("_", "-"), **kwargs)
    await carriers.carrier()


async def _confirm(carriers: Carriers, person: str, body: dict[str, Any] = SEND) -> Any:
    return await carriers.client.post(
        "/carriers/car-1/dispatches", json=body, headers=carriers.auth(person)
    )


async def _still_stored(carriers: Carriers) -> None:
    assert (await carriers.get("/carriers/car-1", carriers.auth("off-1")))["status"] == "stored"
    assert not [e for e in await carriers.events("carrier-car-1") if e.event_type == "CarrierSent"]


async def test_the_same_person_twice_is_refused(carriers: Carriers) -> None:
    await _ready(carriers)
    assert (await _confirm(carriers, "esc-1")).status_code == 202
    again = await _confirm(carriers, "esc-1")
    assert again.status_code == 422, again.text
    assert again.json()["error"]["code"] == "SR-12" and "same person" in again.text
    await _still_stored(carriers)


async def test_an_uncleared_second_is_refused(carriers: Carriers) -> None:
    await _ready(carriers, esc_2={"level": PersonLevel.GENERAL})
    assert (await _confirm(carriers, "esc-1")).status_code == 202
    # Not cleared for secret: to them the carrier does not exist at all.
    answer = await _confirm(carriers, "esc-2")
    assert answer.status_code == 404, answer.text
    await _still_stored(carriers)


async def test_an_unpledged_second_is_refused(carriers: Carriers) -> None:
    await _ready(carriers, esc_2={"pledged_on": LAPSED})
    assert (await _confirm(carriers, "esc-1")).status_code == 202
    answer = await _confirm(carriers, "esc-2")
    assert answer.status_code == 422 and "pledge" in answer.text, answer.text
    await _still_stored(carriers)


async def test_an_expired_first_confirmation_is_refused(carriers: Carriers) -> None:
    await _ready(carriers, esc_2={})
    assert (await _confirm(carriers, "esc-1")).status_code == 202
    carriers.clock.advance(WINDOW + timedelta(seconds=1))
    answer = await _confirm(carriers, "esc-2")
    assert answer.status_code == 422 and "expired" in answer.text, answer.text
    await _still_stored(carriers)


async def test_a_second_confirmation_of_other_terms_is_refused(carriers: Carriers) -> None:
    await _ready(carriers, esc_2={})
    assert (await _confirm(carriers, "esc-1")).status_code == 202
    other = await _confirm(carriers, "esc-2", {**SEND, "destination": "Elsewhere"})
    assert other.status_code == 422 and "different" in other.text, other.text
    await _still_stored(carriers)


async def test_two_eligible_people_in_time_complete_it(carriers: Carriers) -> None:
    await _ready(carriers, esc_2={})
    assert (await _confirm(carriers, "esc-1")).status_code == 202
    carriers.clock.advance(WINDOW)
    done = await _confirm(carriers, "esc-2")
    assert done.status_code == 200 and done.json()["status"] == "sent", done.text
    (sent,) = [e for e in await carriers.events("carrier-car-1") if e.event_type == "CarrierSent"]
    assert sent.payload["escorts"] == ["esc-1", "esc-2"]


async def test_a_person_without_a_record_cannot_confirm(carriers: Carriers) -> None:
    await carriers.person("off-1")
    await carriers.person("w-1")
    await carriers.post(
        "/key-locations",
        {
            "site_id": SITE,
            "location_id": "loc-1",
            "name": "Archive",
            "kind": "location",
            "entry_list": ["w-1", "x-9"],
        },
        carriers.officer,
        201,
    )
    work = {"site_id": SITE, "action_id": "work-1", "work": "fix the lock"}
    assert (
        await carriers.client.post(WORK, json=work, headers=carriers.auth("w-1"))
    ).status_code == 202
    stranger = await carriers.client.post(WORK, json=work, headers=carriers.auth("x-9"))
    assert stranger.status_code == 422 and stranger.json()["error"]["code"] == "SR-9", stranger.text


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_two_escorts_confirming_at_once_send_the_carrier_once(carriers: Carriers) -> None:
    await _ready(carriers, esc_2={})
    answers = await asyncio.gather(_confirm(carriers, "esc-1"), _confirm(carriers, "esc-2"))
    assert sorted(a.status_code for a in answers) == [200, 202], [a.text for a in answers]
    sent = [e for e in await carriers.events("carrier-car-1") if e.event_type == "CarrierSent"]
    assert len(sent) == 1 and sorted(sent[0].payload["escorts"]) == ["esc-1", "esc-2"]


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_one_escort_confirming_twice_at_once_stays_pending(carriers: Carriers) -> None:
    await _ready(carriers)
    answers = await asyncio.gather(_confirm(carriers, "esc-1"), _confirm(carriers, "esc-1"))
    assert sorted(a.status_code for a in answers) == [202, 422], [a.text for a in answers]
    await _still_stored(carriers)


async def test_a_lone_confirmation_expires_by_a_durable_timer(carriers: Carriers) -> None:
    await _ready(carriers, esc_2={})
    assert (await _confirm(carriers, "esc-1")).status_code == 202
    assert await carriers.service.timers.fire_due() == 0  # not before its deadline
    carriers.clock.advance(WINDOW + timedelta(seconds=1))
    assert await carriers.service.timers.fire_due() == 1
    (expired,) = [
        e
        for e in await carriers.events("two-person-")
        if e.event_type == "TwoPersonConfirmationExpired"
    ]
    assert expired.actor == "system:two-person-expiry" and expired.payload["person_id"] == "esc-1"
    answer = await _confirm(carriers, "esc-2")
    assert answer.status_code == 422 and "expired" in answer.text, answer.text
    await _still_stored(carriers)


async def test_a_completed_action_leaves_no_timer_behind(carriers: Carriers) -> None:
    await _ready(carriers, esc_2={})
    await _confirm(carriers, "esc-1")
    assert (await _confirm(carriers, "esc-2")).status_code == 200
    carriers.clock.advance(WINDOW * 2)
    assert await carriers.service.timers.fire_due() == 0
