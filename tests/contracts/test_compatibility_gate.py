"""The compatibility gate, run as a function on temporary copies of published schemas.

Each test publishes a "v1" model into a temporary contracts directory with the real
generator, then checks a changed model against those files.
"""

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, Literal

import pytest
from opsledger_contracts import EventPayload, EventRegistry, UpcasterChain
from opsledger_contracts.compatibility import Problem, check_contracts, load_committed
from opsledger_contracts.schemas import EventKey
from pydantic import BaseModel, ConfigDict, Field

Gate = Callable[..., list[Problem]]
KEY_V1 = EventKey("dispatch", "CrewAssigned", 1)


class _Crew(EventPayload):
    event_type: ClassVar[str] = "CrewAssigned"
    service: ClassVar[str] = "dispatch"


class Published(_Crew):
    """A crew was assigned to a work order (the published v1)."""

    work_order_id: str = Field(max_length=40, description="Work order id.")
    crew_size: int = Field(ge=1, description="People in the crew.")
    priority: Literal["low", "normal", "urgent"] = Field(description="Dispatch priority.")
    note: str | None = Field(default=None, description="Free text for the crew.")


@pytest.fixture
def gate(tmp_path: Path, generate: ModuleType, make_registry: Callable[..., EventRegistry]) -> Gate:
    """gate(current models..., published=[...], upcasters=...) -> problems."""

    def run(
        *current: type[EventPayload],
        published: tuple[type[EventPayload], ...] = (Published,),
        upcasters: UpcasterChain | None = None,
        withdrawn: dict[str, str] | None = None,
    ) -> list[Problem]:
        contracts = tmp_path / "contracts"
        shutil.rmtree(contracts, ignore_errors=True)
        generate.write(contracts, make_registry(*published))
        committed, errors = load_committed(contracts)
        assert errors == []
        return check_contracts(
            committed, make_registry(*current), upcasters or UpcasterChain(), withdrawn or {}
        )

    return run


def blocking(problems: list[Problem]) -> list[str]:
    return [p.line() for p in problems if p.blocking]


def test_an_unchanged_model_passes_with_nothing_to_report(gate: Gate) -> None:
    assert gate(Published) == []


def test_a_removed_field_fails_naming_the_field(gate: Gate) -> None:
    class WithoutNote(_Crew):
        """A crew was assigned to a work order (the published v1)."""

        work_order_id: str = Field(max_length=40, description="Work order id.")
        crew_size: int = Field(ge=1, description="People in the crew.")
        priority: Literal["low", "normal", "urgent"] = Field(description="Dispatch priority.")

    problems = gate(WithoutNote)

    assert blocking(problems) == [
        "INCOMPATIBLE dispatch CrewAssigned v1 field note: removed -> keep v1 as it was and "
        "publish the change as v2 with an upcaster"
    ]


def test_a_renamed_field_fails_and_names_both_names(gate: Gate) -> None:
    class Renamed(_Crew):
        """A crew was assigned to a work order (the published v1)."""

        work_order_id: str = Field(max_length=40, description="Work order id.")
        team_size: int = Field(ge=1, description="People in the crew.")
        priority: Literal["low", "normal", "urgent"] = Field(description="Dispatch priority.")
        note: str | None = Field(default=None, description="Free text for the crew.")

    problems = [p for p in gate(Renamed) if p.blocking]

    by_field = {p.field: p.message for p in problems}
    assert by_field["crew_size"] == "removed (renamed to team_size?)"
    assert by_field["team_size"] == "new required field (older messages lack it)"


def test_a_changed_type_fails(gate: Gate) -> None:
    class CrewSizeAsText(_Crew):
        """A crew was assigned to a work order (the published v1)."""

        work_order_id: str = Field(max_length=40, description="Work order id.")
        crew_size: str = Field(description="People in the crew.")
        priority: Literal["low", "normal", "urgent"] = Field(description="Dispatch priority.")
        note: str | None = Field(default=None, description="Free text for the crew.")

    problems = [p for p in gate(CrewSizeAsText) if p.blocking]

    assert [(p.field, p.message) for p in problems] == [
        ("crew_size", "type changed integer -> string")
    ]


def test_a_new_required_field_fails(gate: Gate) -> None:
    class WithDepot(Published):
        """A crew was assigned to a work order (the published v1)."""

        depot_id: str = Field(description="Depot the crew leaves from.")

    problems = [p for p in gate(WithDepot) if p.blocking]

    assert [(p.field, p.message) for p in problems] == [
        ("depot_id", "new required field (older messages lack it)")
    ]


def test_a_narrowed_enum_fails_naming_the_value(gate: Gate) -> None:
    class NoUrgent(_Crew):
        """A crew was assigned to a work order (the published v1)."""

        work_order_id: str = Field(max_length=40, description="Work order id.")
        crew_size: int = Field(ge=1, description="People in the crew.")
        priority: Literal["low", "normal"] = Field(description="Dispatch priority.")
        note: str | None = Field(default=None, description="Free text for the crew.")

    problems = [p for p in gate(NoUrgent) if p.blocking]

    assert [(p.field, p.message) for p in problems] == [
        ("priority", 'enum narrowed: "urgent" no longer allowed')
    ]


def test_a_widened_enum_fails_too_because_pinned_consumers_reject_the_new_value(
    gate: Gate,
) -> None:
    class WithCritical(_Crew):
        """A crew was assigned to a work order (the published v1)."""

        work_order_id: str = Field(max_length=40, description="Work order id.")
        crew_size: int = Field(ge=1, description="People in the crew.")
        priority: Literal["low", "normal", "urgent", "critical"] = Field(
            description="Dispatch priority."
        )
        note: str | None = Field(default=None, description="Free text for the crew.")

    problems = [p for p in gate(WithCritical) if p.blocking]

    assert [p.field for p in problems] == ["priority"]
    assert problems[0].message.startswith('enum widened: "critical" added')


def test_a_lowered_max_length_fails(gate: Gate) -> None:
    class ShorterIds(_Crew):
        """A crew was assigned to a work order (the published v1)."""

        work_order_id: str = Field(max_length=20, description="Work order id.")
        crew_size: int = Field(ge=1, description="People in the crew.")
        priority: Literal["low", "normal", "urgent"] = Field(description="Dispatch priority.")
        note: str | None = Field(default=None, description="Free text for the crew.")

    problems = [p for p in gate(ShorterIds) if p.blocking]

    assert [(p.field, p.message) for p in problems] == [
        ("work_order_id", "maxLength tightened 40 -> 20 (older messages may violate it)")
    ]


def test_an_optional_field_that_became_required_fails(gate: Gate) -> None:
    class NoteRequired(_Crew):
        """A crew was assigned to a work order (the published v1)."""

        work_order_id: str = Field(max_length=40, description="Work order id.")
        crew_size: int = Field(ge=1, description="People in the crew.")
        priority: Literal["low", "normal", "urgent"] = Field(description="Dispatch priority.")
        note: str = Field(description="Free text for the crew.")

    messages = {p.message for p in gate(NoteRequired) if p.blocking and p.field == "note"}

    assert "became required (older messages may lack it)" in messages
    assert "no longer nullable (older messages may hold null)" in messages


def test_a_change_inside_a_nested_model_names_the_dotted_path(
    gate: Gate,
) -> None:
    class SiteV1(BaseModel):
        model_config = ConfigDict(title="Site")
        code: str = Field(max_length=10, description="Site code.")

    class SiteChanged(BaseModel):
        model_config = ConfigDict(title="Site")
        code: int = Field(description="Site code.")

    class NestedV1(_Crew):
        """A crew was assigned to a work order (the published v1)."""

        site: SiteV1 = Field(description="Where.")

    class NestedChanged(_Crew):
        """A crew was assigned to a work order (the published v1)."""

        site: SiteChanged = Field(description="Where.")

    problems = gate(NestedChanged, published=(NestedV1,))

    assert [(p.field, p.message) for p in problems if p.blocking] == [
        ("site.code", "type changed string -> integer")
    ]


def test_a_new_optional_field_passes_and_asks_for_regeneration(gate: Gate) -> None:
    class WithEta(Published):
        """A crew was assigned to a work order (the published v1)."""

        eta_minutes: int | None = Field(default=None, description="Expected travel time.")

    problems = gate(WithEta)

    assert blocking(problems) == []
    assert [p.line() for p in problems] == [
        "COMPATIBLE dispatch CrewAssigned v1 field eta_minutes: optional field added "
        "-> run make contracts"
    ]


def test_a_changed_description_is_compatible(gate: Gate) -> None:
    class Reworded(_Crew):
        """A crew was assigned to a work order; reworded."""

        work_order_id: str = Field(max_length=40, description="Id of the work order.")
        crew_size: int = Field(ge=1, description="People in the crew.")
        priority: Literal["low", "normal", "urgent"] = Field(description="Dispatch priority.")
        note: str | None = Field(default=None, description="Free text for the crew.")

    problems = gate(Reworded)

    assert [(p.severity, p.message) for p in problems] == [
        ("compatible", "documentation changed (descriptions or examples)")
    ]


class _V2(_Crew):
    """A crew was assigned to a work order (v2: priority is a number)."""

    schema_version: ClassVar[int] = 2

    work_order_id: str = Field(max_length=40, description="Work order id.")
    crew_size: int = Field(ge=1, description="People in the crew.")
    priority: int = Field(ge=1, le=3, description="Dispatch priority, 1 = urgent.")
    note: str | None = Field(default=None, description="Free text for the crew.")


def _priority_to_number(payload: dict[str, Any]) -> dict[str, Any]:
    payload["priority"] = {"urgent": 1, "normal": 2, "low": 3}[payload["priority"]]
    return payload


def test_a_new_version_without_an_upcaster_fails(gate: Gate) -> None:
    problems = gate(Published, _V2)

    assert blocking(problems) == [
        "INCOMPATIBLE dispatch CrewAssigned v2: new version without an upcaster from v1 -> "
        "register one with @UPCASTERS.register('CrewAssigned', 1)"
    ]


def test_a_new_version_with_an_upcaster_passes(gate: Gate) -> None:
    upcasters = UpcasterChain()
    upcasters.register("CrewAssigned", 1)(_priority_to_number)

    problems = gate(Published, _V2, upcasters=upcasters)

    assert blocking(problems) == []
    assert [(p.key, p.message) for p in problems] == [
        (EventKey("dispatch", "CrewAssigned", 2), "new schema, not generated yet")
    ]


def test_an_upcaster_producing_an_invalid_payload_fails(gate: Gate) -> None:
    upcasters = UpcasterChain()
    upcasters.register("CrewAssigned", 1)(lambda payload: payload)  # forgets priority

    problems = gate(Published, _V2, upcasters=upcasters)

    assert len(blocking(problems)) == 1
    assert (
        "upcaster v1 -> v2 does not turn the v1 example into a valid v2 payload"
        in (blocking(problems)[0])
    )
    assert "priority" in blocking(problems)[0]


def test_a_new_version_may_not_replace_the_old_one(gate: Gate) -> None:
    upcasters = UpcasterChain()
    upcasters.register("CrewAssigned", 1)(_priority_to_number)

    problems = gate(_V2, upcasters=upcasters)

    assert any(p.key == KEY_V1 and "no longer in the registry" in p.message for p in problems)
    assert any(p.key.version == 2 and "v1 is not" in p.message for p in problems)


def test_removing_a_published_event_fails(gate: Gate) -> None:
    class Other(EventPayload):
        """Something else."""

        event_type: ClassVar[str] = "CrewReleased"
        service: ClassVar[str] = "dispatch"
        crew_id: str = Field(description="Crew.")

    problems = gate(Other)

    assert [p.line() for p in problems if p.blocking] == [
        "INCOMPATIBLE dispatch CrewAssigned v1: published schema no longer in the registry "
        "(removing a published event or version is breaking) -> keep its model registered"
    ]


class _Released(EventPayload):
    """Something else."""

    event_type: ClassVar[str] = "CrewReleased"
    service: ClassVar[str] = "dispatch"
    crew_id: str = Field(description="Crew.")


def test_a_withdrawn_event_may_be_removed(gate: Gate) -> None:
    problems = gate(_Released, withdrawn={"CrewAssigned": "internal bookkeeping, now private"})

    assert blocking(problems) == []


def test_a_removal_not_on_the_withdrawn_list_still_fails(gate: Gate) -> None:
    problems = gate(_Released, withdrawn={"CrewMoved": "internal bookkeeping, now private"})

    assert blocking(problems) == [
        "INCOMPATIBLE dispatch CrewAssigned v1: published schema no longer in the registry "
        "(removing a published event or version is breaking) -> keep its model registered"
    ]


def test_a_withdrawn_event_type_may_not_be_registered_again(gate: Gate) -> None:
    problems = gate(Published, withdrawn={"CrewAssigned": "internal bookkeeping, now private"})

    assert [p.severity for p in problems] == ["invalid"]
    assert "was withdrawn (internal bookkeeping, now private)" in problems[0].message


def test_the_real_withdrawn_list_gives_a_reason_for_each_type() -> None:
    from opsledger_contracts import REGISTRY
    from opsledger_contracts.compatibility import WITHDRAWN

    assert all(reason.strip() for reason in WITHDRAWN.values())
    assert not {m.event_type for m in REGISTRY} & set(WITHDRAWN)


def test_a_model_without_field_descriptions_is_invalid(gate: Gate) -> None:
    class Undocumented(EventPayload):
        """Something else."""

        event_type: ClassVar[str] = "CrewReleased"
        service: ClassVar[str] = "dispatch"
        crew_id: str

    problems = gate(Published, Undocumented)

    assert [(p.severity, p.message) for p in problems if p.blocking] == [
        ("invalid", "field crew_id needs a description (Field(description=...))")
    ]


# ------------------------------------------------------------- the real committed files


def test_the_committed_contracts_match_the_models() -> None:
    """Exactly `make contracts-check`; if it fails, run `make contracts` (or fix the model).

    A fresh interpreter, so models other tests define can never leak into the check.
    """
    result = _cli("--check")

    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_generation_is_deterministic(generate: ModuleType, tmp_path: Path) -> None:
    first = generate.expected_files()
    generate.write(tmp_path)

    assert generate.expected_files() == first
    assert generate.write(tmp_path) == []  # a second run writes nothing


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    tool = Path(__file__).resolve().parents[2] / "contracts" / "tools" / "generate.py"
    return subprocess.run(
        [sys.executable, str(tool), *args], capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def contracts_copy(tmp_path: Path, contracts_dir: Path) -> Path:
    copy = tmp_path / "contracts"
    shutil.copytree(contracts_dir / "schemas", copy / "schemas")
    shutil.copy(contracts_dir / "asyncapi.yaml", copy / "asyncapi.yaml")
    return copy


def _edit_ping_schema(copy: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = copy / "schemas" / "callcenter" / "DiagnosticPingSent.v1.json"
    schema = json.loads(path.read_text())
    edit(schema)
    path.write_text(json.dumps(schema, indent=2, sort_keys=True) + "\n")


def test_check_cli_passes_on_an_untouched_copy(contracts_copy: Path) -> None:
    result = _cli("--check", "--contracts-dir", str(contracts_copy))

    assert (result.returncode, result.stdout) == (0, "")


def test_check_cli_fails_when_a_published_field_is_missing_from_the_model(
    contracts_copy: Path,
) -> None:
    # The committed schema has a field the model does not: the model "removed" it.
    def add_channel(schema: dict[str, Any]) -> None:
        schema["properties"]["channel"] = {"type": "string", "description": "Phone or radio."}

    _edit_ping_schema(contracts_copy, add_channel)

    result = _cli("--check", "--contracts-dir", str(contracts_copy))

    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(
        "INCOMPATIBLE callcenter DiagnosticPingSent v1 field channel: removed"
    )


def test_check_cli_fails_when_a_published_limit_would_be_tightened(
    contracts_copy: Path,
) -> None:
    def longer_messages(schema: dict[str, Any]) -> None:
        schema["properties"]["message"]["maxLength"] = 1000

    _edit_ping_schema(contracts_copy, longer_messages)

    result = _cli("--check", "--contracts-dir", str(contracts_copy))

    assert result.returncode == 1
    assert (
        "INCOMPATIBLE callcenter DiagnosticPingSent v1 field message: maxLength tightened "
        "1000 -> 500" in result.stdout
    )


def test_check_cli_reports_compatible_drift_with_its_own_exit_status(
    contracts_copy: Path,
) -> None:
    def reword(schema: dict[str, Any]) -> None:
        schema["description"] = "Old wording."

    _edit_ping_schema(contracts_copy, reword)

    result = _cli("--check", "--contracts-dir", str(contracts_copy))

    assert result.returncode == 3
    assert result.stdout.splitlines() == [
        "COMPATIBLE callcenter DiagnosticPingSent v1: documentation changed (descriptions or "
        "examples) -> run make contracts"
    ]
    assert "run make contracts" in result.stderr


def test_write_refuses_incompatible_changes(contracts_copy: Path) -> None:
    def add_channel(schema: dict[str, Any]) -> None:
        schema["properties"]["channel"] = {"type": "string"}

    _edit_ping_schema(contracts_copy, add_channel)
    before = (contracts_copy / "schemas/callcenter/DiagnosticPingSent.v1.json").read_text()

    result = _cli("--contracts-dir", str(contracts_copy))

    assert result.returncode == 1
    after = (contracts_copy / "schemas/callcenter/DiagnosticPingSent.v1.json").read_text()
    assert after == before


def test_check_against_a_git_ref_catches_a_breaking_change_that_was_regenerated(
    contracts_copy: Path,
) -> None:
    # The base branch published a field; the work tree dropped it and regenerated, so the
    # work tree alone looks clean.
    schema_file = contracts_copy / "schemas/callcenter/DiagnosticPingSent.v1.json"
    regenerated = schema_file.read_text()

    def add_channel(schema: dict[str, Any]) -> None:
        schema["properties"]["channel"] = {"type": "string"}

    _edit_ping_schema(contracts_copy, add_channel)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-C", str(contracts_copy)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "published"], check=True)
    schema_file.write_text(regenerated)

    assert _cli("--check", "--contracts-dir", str(contracts_copy)).returncode == 0
    result = _cli("--check", "--against", "HEAD", "--contracts-dir", str(contracts_copy))

    assert result.returncode == 1
    assert "INCOMPATIBLE callcenter DiagnosticPingSent v1 field channel: removed" in result.stdout


def test_a_stray_file_among_the_schemas_blocks(contracts_copy: Path) -> None:
    (contracts_copy / "schemas" / "callcenter" / "notes.txt").write_text("hand-written")

    result = _cli("--check", "--contracts-dir", str(contracts_copy))

    assert result.returncode == 1
    assert result.stdout.startswith("INVALID schemas/callcenter/notes.txt: expected ")
