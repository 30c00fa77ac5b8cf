"""RP-7 and RP-8 are for an active permit's renovation: a hot-work or temporary-power
application names a permit that exists at the site and is approved and not yet accepted."""

from datetime import timedelta

from tests.permits.conftest import SITE, START, Permits, application


def _hot(permit_id: str, site_id: str = SITE) -> dict[str, str]:
    return {
        "site_id": site_id,
        "hot_work_id": "HW1",
        "permit_id": permit_id,
        "description": "Welding the balcony rail",
        "fire_supervisor": "Chen Qiang",
        "starts_at": (START + timedelta(hours=2)).isoformat(),
        "ends_at": (START + timedelta(hours=5)).isoformat(),
    }


def _power(permit_id: str) -> dict[str, str]:
    return {"site_id": SITE, "power_id": "TP1", "permit_id": permit_id, "purpose": "Tools"}


async def test_rp7_rp8_an_application_for_a_permit_not_yet_approved_is_refused(
    permits: Permits,
) -> None:
    await permits.unit()
    await permits.post("/permits", application("pmt-1", "B2-1203"), permits.desk, 201)

    for path, body, rule in (
        ("/hot-works", _hot("pmt-1"), "RP-7"),
        ("/temporary-power", _power("pmt-1"), "RP-8"),
    ):
        answer = await permits.client.post(path, json=body, headers=permits.cs)
        assert answer.status_code == 422, answer.text
        error = answer.json()["error"]
        assert (error["code"], error["field"]) == (rule, "permit_id")


async def test_rp7_rp8_an_unknown_permit_answers_404_and_an_approved_one_is_accepted(
    permits: Permits,
) -> None:
    for path, body in (("/hot-works", _hot("pmt-404")), ("/temporary-power", _power("pmt-404"))):
        answer = await permits.client.post(path, json=body, headers=permits.cs)
        assert answer.status_code == 404, answer.text

    await permits.approved()
    await permits.post("/hot-works", _hot("pmt-1"), permits.cs, 201)
    await permits.post("/temporary-power", _power("pmt-1"), permits.cs, 201)
