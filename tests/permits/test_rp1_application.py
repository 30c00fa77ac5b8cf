"""RP-1 rev.2: identity and ownership first (against the register), then every missing
item named at once; the handbook issued or signed for at handover; one open permit per
unit; the register's CSV import reports every bad row and imports nothing then."""

import pytest
from opsledger.errors import DomainError
from opsledger.testing import given
from opsledger_contracts.events.permits import PermitApplied
from permits.domain.permit import PERMIT
from permits.domain.permit import commands as c
from permits.domain.permit.events import ApplicationRecorded
from permits.domain.rules import DRAWING_KINDS
from permits.domain.units.register_csv import parse

from tests.permits.conftest import SITE, Permits, application
from tests.permits.scenarios import EVE, applied, open_permit


def test_rp1_a_complete_application_by_an_owner_is_recorded() -> None:
    decided = given(PERMIT, at=EVE).when(open_permit(), at=EVE)

    assert decided[0] == PermitApplied(
        permit_id="pmt-1", unit_id="B2-1203", structural_change=False
    )
    assert isinstance(decided[1], ApplicationRecorded)
    assert decided[1].handbook == "issued"


def test_rp1_identity_is_verified_before_anything_else() -> None:
    error = given(PERMIT, at=EVE).refuses(
        open_permit(identity_verified=False, form=False, pledge=False), "RP-1", at=EVE
    )
    assert error.field == "identity_verified"


def test_rp1_the_applicant_must_own_the_unit_in_the_register() -> None:
    error = given(PERMIT, at=EVE).refuses(open_permit(applicant_id="tenant-9"), "RP-1", at=EVE)
    assert error.field == "applicant_id"


def test_rp1_every_missing_item_is_named_at_once() -> None:
    drawings = (
        c.Drawing("ceiling", 1, True),  # one copy
        c.Drawing("sockets", 2, False),  # no construction notes
        *(
            c.Drawing(k, 2, True)
            for k in DRAWING_KINDS
            if k not in ("ceiling", "sockets", "partitions")
        ),
    )
    command = open_permit(form=False, drawings=drawings, pledge=False, handbook_issued=False)

    error = given(PERMIT, at=EVE).refuses(command, "RP-1", at=EVE)

    assert error.fields == (
        "form",
        "drawings.ceiling",
        "drawings.sockets.construction_notes",
        "drawings.partitions",
        "pledge",
        "handbook_issued",
    )


def test_rp1_a_handbook_signed_for_at_handover_is_not_issued_again() -> None:
    command = open_permit(handbook_issued=False, handbook_signed_at_handover=True)
    decided = given(PERMIT, at=EVE).when(command, at=EVE)
    assert isinstance(decided[1], ApplicationRecorded)
    assert decided[1].handbook == "signed_at_handover"


def test_rp1_a_site_may_require_more_drawing_kinds() -> None:
    from opsledger.testing import site_calendar

    site = site_calendar(config={"rules": {"permits": {"drawing_kinds": [*DRAWING_KINDS, "hvac"]}}})
    error = given(PERMIT, at=EVE, site=site).refuses(open_permit(), "RP-1", at=EVE)
    assert error.fields == ("drawings.hvac",)


def test_rp1_the_same_permit_id_is_taken_once() -> None:
    with pytest.raises(DomainError) as refused:
        applied().when(open_permit(), at=EVE)
    assert refused.value.status == 409


def test_rp1_the_csv_import_reports_every_bad_row() -> None:
    text = (
        "unit_id,label,owners,handbook_signed_at_handover\n"
        "B2-1201,Tower B2 1201,own-1=Chen Jing,yes\n"
        "B2 1202,,own-2,maybe\n"
        "B2-1201,Tower B2 1201 again,own-3=Li Na,no\n"
        "B2-1204,Tower B2 1204,own-4=Zhao Min;own-4=Zhao Min,\n"
    )
    rows, bad = parse(SITE, text)

    assert [b.field for b in bad] == [
        "rows.3.unit_id",
        "rows.3.label",
        "rows.3.owners",
        "rows.3.handbook_signed_at_handover",
        "rows.4.unit_id",
        "rows.5.owners",
    ]
    assert [line for line, _ in rows] == [2]


async def test_rp1_over_http_the_register_decides_ownership(permits: Permits) -> None:
    await permits.unit()

    refused = await permits.post("/permits", application(applicant_id="own-9"), permits.desk, 422)
    assert refused["error"]["code"] == "RP-1"
    assert refused["error"]["field"] == "applicant_id"
    missing = await permits.post(
        "/permits", application(pledge=False, form=False), permits.desk, 422
    )
    assert [f["field"] for f in missing["error"]["fields"]] == ["form", "pledge"]
    assert {f["rule"] for f in missing["error"]["fields"]} == {"RP-1"}
    unknown = await permits.post("/permits", application(unit_id="B9-0001"), permits.desk, 404)
    assert unknown["error"]["code"] == "NOT_FOUND"
    await permits.post("/permits", application(), permits.desk, 201)


async def test_rp1_one_open_permit_per_unit(permits: Permits) -> None:
    await permits.unit()
    await permits.post("/permits", application("pmt-1"), permits.desk, 201)

    second = await permits.post("/permits", application("pmt-2"), permits.desk, 422)

    assert second["error"]["code"] == "RP-1"
    assert second["error"]["field"] == "unit_id"


async def test_rp1_the_csv_import_imports_nothing_while_a_row_is_bad(permits: Permits) -> None:
    await permits.unit("B2-1203")
    header = "unit_id,label,owners,handbook_signed_at_handover\n"
    good = "B2-1201,Tower B2 1201,own-1=Chen Jing,yes\n"
    taken = "B2-1203,Tower B2 1203,own-3=Li Na,no\n"

    answer = await permits.client.post(
        "/units/import",
        content=(header + good + taken + "x y,,,\n").encode(),
        params={"site_id": SITE},
        headers={**permits.desk, "Content-Type": "text/csv"},
    )

    assert answer.status_code == 422, answer.text
    assert [f["field"] for f in answer.json()["error"]["fields"]] == [
        "rows.3.unit_id",
        "rows.4.unit_id",
        "rows.4.label",
        "rows.4.owners",
    ]
    register = await permits.get("/units", permits.desk, site_id=SITE)
    assert [u["unit_id"] for u in register] == ["B2-1203"]

    answer = await permits.client.post(
        "/units/import",
        content=(header + good).encode(),
        params={"site_id": SITE},
        headers={**permits.desk, "Content-Type": "text/csv"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["imported"] == ["B2-1201"]
    register = await permits.get("/units", permits.desk, site_id=SITE)
    assert [u["unit_id"] for u in register] == ["B2-1201", "B2-1203"]
