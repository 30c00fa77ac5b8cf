"""The walk from application to works started, over HTTP (RP-1 … RP-3)."""

from tests.permits.conftest import SITE, Permits


async def test_rp3_a_permit_walks_from_application_to_works(permits: Permits) -> None:
    started = await permits.started()

    assert started["stage"] == "works"
    assert started["passes"] == ["P-1", "P-2"]
    board = await permits.get("/permits", permits.cs, site_id=SITE)
    assert [(r["permit_id"], r["stage"], r["owed_by"]) for r in board] == [
        ("pmt-1", "works", "contractor")
    ]
