"""ServiceDefinition.from_rooms: the rooms' lists, loaded when asked for, empty when absent."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from opsledger.service import ServiceDefinition


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A throwaway service package with two of the four rooms."""
    root = tmp_path / "roomsvc"
    (root / "workflows").mkdir(parents=True)
    (root / "entrypoints").mkdir()
    (root / "__init__.py").write_text("")
    (root / "workflows" / "__init__.py").write_text("WORKFLOWS = ['w']\n")
    (root / "entrypoints" / "__init__.py").write_text("ROUTERS = ['r']\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "roomsvc"
    for name in [m for m in sys.modules if m == "roomsvc" or m.startswith("roomsvc.")]:
        del sys.modules[name]


def test_rooms_load_lazily_and_an_absent_room_is_empty(package: str) -> None:
    definition = ServiceDefinition.from_rooms(
        package, title="t", default_port=0, aggregates=lambda: ()
    )
    assert definition.name == package
    assert f"{package}.workflows" not in sys.modules
    assert [str(w) for w in definition.workflows()] == ["w"]
    assert [str(r) for r in definition.routers()] == ["r"]
    assert f"{package}.workflows" in sys.modules
    assert list(definition.read_models()) == []
    assert list(definition.inbound()) == []


def test_the_services_declare_their_rooms_this_way() -> None:
    from fleet.bootstrap import definition
    from fleet.entrypoints import ROUTERS
    from fleet.workflows import WORKFLOWS

    assert definition.routers() is ROUTERS
    assert definition.workflows() is WORKFLOWS
