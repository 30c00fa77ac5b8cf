"""The two-person confirmation window is a per-site setting (issue 20 item 6; SR-9, SR-12,
SR-16, SR-19): `rules.secrets_registry.two_person_window_minutes`, default 15, validated.
Pinned at the edge: a second confirmation at the last instant of the site's window
completes, one a second later is refused."""

from datetime import timedelta
from typing import Any

import pytest
from opsledger.testing import given, site_calendar
from pydantic import ValidationError
from secrets_registry.domain.rules import RegistryRules
from secrets_registry.domain.twoperson import (
    TWO_PERSON,
    TwoPersonActionCompleted,
    TwoPersonConfirmed,
)

from tests.secrets_registry.test_two_person_decider import AT, confirm


def _pending(minutes: int | None) -> Any:
    rules = {} if minutes is None else {"two_person_window_minutes": minutes}
    site = site_calendar("site-a", {"rules": {"secrets_registry": rules}})
    return given(TWO_PERSON, at=AT, site=site).record(confirm("w1"), at=AT, actor="w1")


def test_two_person_window_default_is_15_minutes() -> None:
    scenario = _pending(None)
    first = scenario.history[0].payload
    assert isinstance(first, TwoPersonConfirmed)
    assert first.expires_at == AT + timedelta(minutes=15)
    assert RegistryRules().two_person_window_minutes == 15


@pytest.mark.parametrize("minutes", [5, 15, 60])
def test_two_person_window_is_the_sites_at_the_last_instant(minutes: int) -> None:
    scenario = _pending(minutes)
    first = scenario.history[0].payload
    assert first.expires_at == AT + timedelta(minutes=minutes)
    edge = AT + timedelta(minutes=minutes)
    decided = scenario.when(confirm("w2", first="w1"), at=edge, actor="w2")
    assert isinstance(decided[-1], TwoPersonActionCompleted)


@pytest.mark.parametrize("minutes", [5, 15, 60])
def test_two_person_window_one_second_after_the_sites_window_is_refused(minutes: int) -> None:
    scenario = _pending(minutes)
    late = AT + timedelta(minutes=minutes, seconds=1)
    error = scenario.refuses(confirm("w2", first="w1"), "SR-19", at=late, actor="w2")
    assert "expired" in error.message


def test_two_person_window_a_shorter_site_refuses_what_the_default_allows() -> None:
    late = AT + timedelta(minutes=6)
    _pending(5).refuses(confirm("w2", first="w1"), "SR-19", at=late, actor="w2")
    done = _pending(None).when(confirm("w2", first="w1"), at=late, actor="w2")
    assert isinstance(done[-1], TwoPersonActionCompleted)


@pytest.mark.parametrize("minutes", [0, -1, 241])
def test_two_person_window_out_of_bounds_is_refused_naming_the_setting(minutes: int) -> None:
    with pytest.raises(ValidationError, match="two_person_window_minutes"):
        RegistryRules(two_person_window_minutes=minutes)


@pytest.mark.parametrize("minutes", [1, 240])
def test_two_person_window_bounds_are_accepted(minutes: int) -> None:
    assert RegistryRules(two_person_window_minutes=minutes).two_person_window_minutes == minutes
