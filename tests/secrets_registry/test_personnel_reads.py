"""The personnel reads of who holds what (SR-13, SR-18, SR-20; issue 20 items 5 and 10):
held carrier ids and counts filtered by the reader's clearance, every read audited."""

from typing import Any

from secrets_registry.domain.clearance import PersonLevel

from tests.secrets_registry.carrier_harness import SITE, Carriers
from tests.secrets_registry.carrier_harness import carriers as carriers

__all__ = ["carriers"]

OFFICER_ROLES = "secrecy_officer,auditor"


async def _holder_of_two(carriers: Carriers) -> None:
    """holder-1 signs out a secret and a top secret carrier; four readers with officer roles:
    core in scope (off-1), important in scope, core in another scope, no record."""
    await carriers.person("off-1")
    await carriers.person("holder-1")
    await carriers.person("important", PersonLevel.IMPORTANT)
    await carriers.person("wrong-scope", scopes=("finance",))
    await carriers.carrier("car-s", "secret")
    await carriers.carrier("car-ts", "top_secret")
    out = {"site_id": SITE, "person_id": "holder-1", "purpose": "read"}
    for cid in ("car-s", "car-ts"):
        await carriers.post(f"/carriers/{cid}/sign-outs", out, carriers.officer)


async def _seen_by(carriers: Carriers, reader: str) -> tuple[Any, Any, Any]:
    who = carriers.auth(reader, OFFICER_ROLES)
    holdings = await carriers.get("/holdings", who)
    board = await carriers.get("/people", who)
    file = await carriers.get("/people/holder-1", who)
    counts = {p["person_id"]: p["carriers_held"] for p in board}
    return holdings, counts["holder-1"], file["held_carriers"]


async def test_sr13_personnel_reads_show_only_the_held_carriers_the_reader_may_see(
    carriers: Carriers,
) -> None:
    await _holder_of_two(carriers)
    both = ["car-s", "car-ts"]
    assert await _seen_by(carriers, "off-1") == (
        [{"person_id": "holder-1", "carrier_ids": both}],
        2,
        both,
    )
    assert await _seen_by(carriers, "important") == (
        [{"person_id": "holder-1", "carrier_ids": ["car-s"]}],
        1,
        ["car-s"],
    )
    # Not cleared for them: as if holder-1 held nothing (absent, not an empty entry).
    for reader in ("wrong-scope", "uncleared"):
        assert await _seen_by(carriers, reader) == ([], 0, []), reader


async def test_sr13_a_person_reads_their_own_file_with_their_own_clearance(
    carriers: Carriers,
) -> None:
    await _holder_of_two(carriers)
    own = await carriers.get("/people/holder-1", carriers.auth("holder-1", "cleared_staff"))
    assert own["held_carriers"] == ["car-s", "car-ts"]
    other = carriers.auth("important", "cleared_staff")
    await carriers.get("/people/holder-1", other, 404)


async def test_sr20_every_personnel_read_is_audited_allowed_refused_or_not_found(
    carriers: Carriers,
) -> None:
    await _holder_of_two(carriers)
    both_sites = carriers.auth("aud-9", "auditor", sites=f"{SITE},site-b")
    await carriers.get("/people", carriers.auth("aud-9", "auditor"))
    await carriers.get("/holdings", carriers.auth("head-9", "department_head"), 403)
    await carriers.get("/people/holder-1", carriers.auth("aud-9", "auditor", sites="site-b"), 403)
    await carriers.get("/people/nobody", carriers.auth("aud-9", "auditor"), 404)
    # holder-1 is of site-a: asked for at site-b, the same 404 as a missing one.
    await carriers.get("/people/holder-1", both_sites, 404, {"site_id": "site-b"})
    await carriers.get("/people/holder-1", carriers.auth("important", "cleared_staff"), 404)
    await carriers.get("/declassification", carriers.auth("aud-9", "auditor"))
    reads = [
        (e.payload["reader"], e.payload["route"], e.payload["target"], e.payload["result"])
        for e in await carriers.events("registry-read-")
    ]
    assert reads == [
        ("aud-9", "/people", "people", "listed:4"),
        ("head-9", "/holdings", "holdings", "forbidden"),
        ("aud-9", "/people/{person_id}", "holder-1", "forbidden"),
        ("aud-9", "/people/{person_id}", "nobody", "not_found"),
        ("aud-9", "/people/{person_id}", "holder-1", "not_found"),
        ("important", "/people/{person_id}", "holder-1", "not_found"),
        ("aud-9", "/declassification", "declassification on=2026-12-07", "listed:0"),
    ]
