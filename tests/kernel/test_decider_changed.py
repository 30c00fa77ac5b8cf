"""`opsledger.decider.changed`: the cheap copy-with-changes evolve uses instead of replace."""

import dataclasses
from dataclasses import FrozenInstanceError, dataclass, field
from functools import cached_property
from typing import Any

import pytest
from opsledger.decider import changed


@dataclass(frozen=True)
class State:
    name: str = ""
    count: int = 0
    tags: frozenset[str] = frozenset()
    lines: tuple[int, ...] = field(default_factory=tuple)


def test_changed_equals_replace_and_leaves_the_original_as_it_was() -> None:
    before = State("a", 1, frozenset({"x"}), (1,))
    after = changed(before, count=2, lines=(1, 2))
    assert after == dataclasses.replace(before, count=2, lines=(1, 2))
    assert type(after) is State and after is not before
    assert before == State("a", 1, frozenset({"x"}), (1,))
    assert hash(after) == hash(State("a", 2, frozenset({"x"}), (1, 2)))


def test_the_copy_is_as_frozen_as_the_original() -> None:
    after = changed(State(), name="b")
    with pytest.raises(FrozenInstanceError):
        after.name = "c"  # type: ignore[misc]
    assert changed(after, count=3).name == "b" and after.count == 0


def test_an_unknown_field_is_refused_like_replace() -> None:
    unknown: dict[str, Any] = {"cuont": 1}
    with pytest.raises(TypeError, match="cuont"):
        changed(State(), **unknown)


@dataclass(frozen=True)
class Checked:
    count: int = 0

    def __post_init__(self) -> None:
        if self.count < 0:
            raise ValueError("negative")


@dataclass(frozen=True, slots=True)
class Slotted:
    count: int = 0


@dataclass(frozen=True)
class Cached:
    count: int = 0

    @cached_property
    def double(self) -> int:
        return self.count * 2


def test_classes_a_dict_copy_would_get_wrong_go_through_replace() -> None:
    with pytest.raises(ValueError, match="negative"):
        changed(Checked(), count=-1)  # __post_init__ still runs
    assert changed(Slotted(1), count=2) == Slotted(2)
    cached = Cached(1)
    assert cached.double == 2
    assert changed(cached, count=5).double == 10  # not the cached 2 of the original


@dataclass(frozen=True)
class Stamped:
    count: int = 0
    seen: list[int] = field(init=False, default_factory=list)


def test_a_field_init_sets_itself_is_set_afresh_as_replace_does() -> None:
    before = Stamped()
    before.seen.append(1)
    assert changed(before, count=1).seen == []
