"""Key departments and locations (SR-9): registered with an entry list (published for
dispatch, flow 4), every entry and exit recorded, service work by two people at the same
time, each vetted, trained and pledged, and one person alone inside is a breach event."""

from typing import Any

from opsledger_contracts import REGISTRY

from tests.secrets_registry.carrier_harness import SITE, Carriers
from tests.secrets_registry.carrier_harness import carriers as carriers

__all__ = ["carriers"]
WORK = "/key-locations/loc-1/service-work"  # each of the two posts here


async def _location(carriers: Carriers, entry_list: list[str]) -> Any:
    await carriers.person("off-1")
    body = {
        "site_id": SITE,
        "location_id": "loc-1",
        "name": "Archive room",
        "kind": "location",
        "entry_list": entry_list,
    }
    return await carriers.post("/key-locations", body, carriers.officer, 201)


async def test_sr9_registration_publishes_only_the_entry_list(carriers: Carriers) -> None:
    await _location(carriers, ["w-1", "w-2"])
    stream = await carriers.events("key-location-loc-1")
    published = [
        e
        for e in stream
        if REGISTRY.for_service("secrets_registry")
        and e.event_type in {m.event_type for m in REGISTRY.for_service("secrets_registry")}
    ]
    assert [(e.event_type, e.payload) for e in published] == [
        ("KeyLocationRegistered", {"location_id": "loc-1", "entry_list": ["w-1", "w-2"]})
    ]
    changed = {"site_id": SITE, "entry_list": ["w-1"]}
    await carriers.post("/key-locations/loc-1/entry-list", changed, carriers.officer)
    assert (await carriers.events("key-location-loc-1"))[
        -1
    ].event_type == "KeyLocationEntryListChanged"


async def test_sr9_service_work_needs_two_people_inside_at_the_same_time(
    carriers: Carriers,
) -> None:
    await _location(carriers, ["w-1", "w-2"])
    await carriers.person("w-1")
    await carriers.person("w-2")
    work = {"site_id": SITE, "action_id": "work-1", "work": "replace the lock"}
    pending = await carriers.post(WORK, work, carriers.auth("w-1"), 202)
    assert pending["status"] == "pending"
    inside = await carriers.post(WORK, work, carriers.auth("w-2"))
    assert inside["inside"] == ["w-1", "w-2"] and inside["breaches"] == 0


async def test_sr9_one_person_alone_inside_is_a_breach_event(carriers: Carriers) -> None:
    await _location(carriers, ["w-1", "w-2"])
    await carriers.person("w-1")
    await carriers.person("w-2")
    work = {"site_id": SITE, "action_id": "work-1", "work": "replace the lock"}
    await carriers.post(WORK, work, carriers.auth("w-1"), 202)
    await carriers.post(WORK, work, carriers.auth("w-2"))
    out = await carriers.post(
        "/key-locations/loc-1/exits", {"site_id": SITE, "person_id": "w-2"}, carriers.officer
    )
    assert out["inside"] == ["w-1"] and out["breaches"] == 1
    types = [e.event_type for e in await carriers.events("key-location-loc-1")]
    assert types[-2:] == ["KeyLocationLeft", "KeyLocationOccupiedAlone"]
    passages = await carriers.get(
        "/key-locations/loc-1/passages", carriers.auth("off-1", "secrecy_officer")
    )
    assert [(p["person_id"], p["entry"]) for p in passages] == [
        ("w-1", "entered"),
        ("w-2", "entered"),
        ("w-2", "left"),
        ("w-1", "alone"),
    ]


async def test_sr9_an_entry_is_recorded_and_refused_off_the_list(carriers: Carriers) -> None:
    await _location(carriers, ["w-1"])
    await carriers.person("w-1")
    await carriers.person("w-3")
    refused = await carriers.client.post(
        "/key-locations/loc-1/entries",
        json={"site_id": SITE, "person_id": "w-3"},
        headers=carriers.officer,
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "SR-9", refused.text
    alone = await carriers.post(
        "/key-locations/loc-1/entries", {"site_id": SITE, "person_id": "w-1"}, carriers.officer
    )
    assert alone["inside"] == ["w-1"] and alone["breaches"] == 1


async def test_sr9_an_unpledged_person_does_not_work_inside(carriers: Carriers) -> None:
    from datetime import date

    await _location(carriers, ["w-1", "w-2"])
    await carriers.person("w-1")
    await carriers.person("w-2", pledged_on=date(2025, 12, 5))
    work = {"site_id": SITE, "action_id": "work-1", "work": "replace the lock"}
    await carriers.post(WORK, work, carriers.auth("w-1"), 202)
    refused = await carriers.client.post(WORK, json=work, headers=carriers.auth("w-2"))
    assert refused.status_code == 422 and "pledge" in refused.text, refused.text
