"""Every read of the registry, allowed or not, is itself an event: who, what, when, the
result (SR-20; issue 20 item 5) — and only the officer, the committee and auditors read
them."""

from tests.secrets_registry.carrier_harness import SITE, Carriers
from tests.secrets_registry.carrier_harness import carriers as carriers

__all__ = ["carriers"]


async def _reads(carriers: Carriers) -> list[dict[str, object]]:
    return [e.payload | {"actor": e.actor} for e in await carriers.events("registry-read-")]


async def test_sr20_every_read_is_recorded_with_who_what_and_the_result(carriers: Carriers) -> None:
    await carriers.person("off-1")
    await carriers.carrier()
    await carriers.get("/carriers/car-1", carriers.auth("off-1"))
    await carriers.get("/carriers/car-x", carriers.auth("nobody"), status=404)
    await carriers.get("/carriers", carriers.auth("nobody"))
    await carriers.get("/carriers/count", carriers.auth("nobody"))
    reads = await _reads(carriers)
    assert [(r["actor"], r["reader"], r["route"], r["target"], r["result"]) for r in reads] == [
        ("off-1", "off-1", "/carriers/{carrier_id}", "car-1", "shown"),
        ("nobody", "nobody", "/carriers/{carrier_id}", "car-x", "not_found"),
        ("nobody", "nobody", "/carriers", "level=None status=None", "listed:0"),
        ("nobody", "nobody", "/carriers/count", "count", "count:0"),
    ]
    assert "Substation" not in str(reads)  # titles never in the audit


async def test_sr20_a_refused_read_is_recorded_too(carriers: Carriers) -> None:
    refused = await carriers.client.get(
        "/carrier-registers/use",
        params={"site_id": SITE},
        headers=carriers.auth("stf-1", "cleared_staff"),
    )
    assert refused.status_code == 403
    (read,) = await _reads(carriers)
    assert (read["reader"], read["route"], read["result"]) == (
        "stf-1",
        "/carrier-registers/{register}",
        "forbidden",
    )


async def test_sr20_only_officer_committee_and_auditors_read_the_audit(carriers: Carriers) -> None:
    await carriers.get("/carriers", carriers.auth("stf-1", "cleared_staff"))
    for role in ("secrecy_officer", "secrecy_committee", "auditor"):
        rows = await carriers.get("/registry-reads", carriers.auth("aud-1", role))
        assert ("stf-1", "/carriers", "listed") in [
            (r["reader"], r["route"], r["result"]) for r in rows
        ]
    for role in ("cleared_staff", "unit_leader", "department_head"):
        await carriers.get("/registry-reads", carriers.auth("x-1", role), status=403)


async def test_sr20_the_audit_is_no_side_door_to_unseen_carriers(carriers: Carriers) -> None:
    await carriers.person("off-1")
    await carriers.person("fin-1", scopes=("finance",))
    await carriers.carrier("car-1")
    await carriers.get("/carriers/car-1", carriers.auth("off-1"))
    await carriers.get("/carriers", carriers.auth("off-1"))
    # fin-1 is core but in another scope: off-1's read of car-1 is absent, counts masked.
    seen_by_fin = await carriers.get("/registry-reads", carriers.auth("fin-1", "auditor"))
    assert "car-1" not in str(seen_by_fin)
    assert [
        (r["reader"], r["route"], r["result"]) for r in seen_by_fin if r["reader"] == "off-1"
    ] == [("off-1", "/carriers", "listed")]
    seen_by_off = await carriers.get("/registry-reads", carriers.auth("off-1", "auditor"))
    assert ("/carriers/{carrier_id}", "car-1", "shown") in [
        (r["route"], r["target"], r["result"]) for r in seen_by_off
    ]
