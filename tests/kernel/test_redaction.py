"""Fields only some roles may read are absent for the others (issue 17 item 4)."""

import pytest
from opsledger.redaction import may_read, read_by, redact
from pydantic import BaseModel


class Line(BaseModel):
    person: str
    net_fen: int | None = read_by({"finance"})


class Report(BaseModel):
    site_id: str
    total_fen: int | None = read_by({"finance", "auditor"})
    lines: list[Line]


REPORT = Report(site_id="s", total_fen=-300, lines=[Line(person="p", net_fen=-300)])


def test_a_reader_sees_every_field() -> None:
    assert redact(REPORT, frozenset({"finance"})) is REPORT
    assert redact(REPORT, frozenset({"admin"})) is REPORT


def test_other_roles_get_the_fields_absent_in_nested_answers_too() -> None:
    seen = redact(REPORT, frozenset({"driver"}))
    assert seen.model_dump_json() == '{"site_id":"s","lines":[{"person":"p"}]}'
    partly = redact(REPORT, frozenset({"auditor"}))
    assert partly.model_dump_json() == '{"site_id":"s","total_fen":-300,"lines":[{"person":"p"}]}'
    assert REPORT.lines[0].net_fen == -300  # the original is left as it was


def test_the_readers_are_declared_and_documented() -> None:
    with pytest.raises(ValueError, match="names the roles"):
        read_by(())
    schema = Report.model_json_schema()
    assert schema["properties"]["total_fen"]["x-read-by"] == ["auditor", "finance"]
    assert may_read(frozenset({"auditor"}), {"auditor"})
    assert not may_read(frozenset({"driver"}), {"auditor"})
