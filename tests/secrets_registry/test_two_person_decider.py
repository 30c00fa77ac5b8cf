"""The two-person choke point, pure (issue 20 item 6): same person twice, an uncleared or
unpledged second, an expired first confirmation — all refused; two eligible people in
time complete the action."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from opsledger.testing import given
from secrets_registry.domain.clearance import CarrierLevel, Clearance, PersonLevel
from secrets_registry.domain.twoperson import (
    TWO_PERSON,
    WINDOW,
    ConfirmTwoPersonAction,
    Requirement,
    TwoPersonActionCompleted,
    TwoPersonConfirmed,
)

AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)
NEED = Requirement("SR-19", level=CarrierLevel.SECRET)


def clearance(person: str, **kw: Any) -> Clearance:
    fields: dict[str, Any] = {
        "person_id": person,
        "site_id": "site-a",
        "level": PersonLevel.IMPORTANT,
        "vetted": True,
        "trained": True,
        "pledged_until": date(2027, 6, 30),
        "key_locations": frozenset(),
        "scopes": frozenset({"s"}),
    }
    fields.update(kw)
    return Clearance(**fields)


def confirm(person: str, first: str | None = None, **kw: Any) -> ConfirmTwoPersonAction:
    return ConfirmTwoPersonAction(
        site_id="site-a",
        action_id="act-1",
        kind="destruction",
        subject="car-1",
        terms="Mill 2",
        need=NEED,
        clearance=clearance(person, **kw),
        first_clearance=clearance(first) if first else None,
    )


def pending() -> Any:
    return given(TWO_PERSON, at=AT).record(confirm("w1"), at=AT, actor="w1")


def test_one_confirmation_is_only_pending_until_the_window_ends() -> None:
    scenario = pending()
    first = scenario.history[0].payload
    assert isinstance(first, TwoPersonConfirmed) and first.expires_at == AT + WINDOW
    assert not scenario.state.completed


def test_two_different_eligible_people_in_time_complete_it() -> None:
    decided = pending().when(confirm("w2", first="w1"), at=AT + WINDOW, actor="w2")
    assert isinstance(decided[-1], TwoPersonActionCompleted)
    assert (decided[-1].first, decided[-1].second) == ("w1", "w2")


def test_the_same_person_twice_is_refused() -> None:
    error = pending().refuses(confirm("w1", first="w1"), "SR-19", at=AT, actor="w1")
    assert "same person" in error.message


def test_an_uncleared_second_is_refused() -> None:
    general = confirm("w2", first="w1", level=PersonLevel.GENERAL)
    assert "not cleared" in pending().refuses(general, "SR-19", at=AT, actor="w2").message
    nobody = replace(confirm("w2", first="w1"), clearance=None)
    pending().refuses(nobody, "SR-19", at=AT, actor="w2")


def test_an_unpledged_second_is_refused() -> None:
    lapsed = confirm("w2", first="w1", pledged_until=date(2026, 12, 6))
    assert "pledge" in pending().refuses(lapsed, "SR-19", at=AT, actor="w2").message


def test_an_expired_first_confirmation_is_refused() -> None:
    late = AT + WINDOW + timedelta(seconds=1)
    error = pending().refuses(confirm("w2", first="w1"), "SR-19", at=late, actor="w2")
    assert "expired" in error.message


def test_the_first_is_checked_again_at_completion() -> None:
    lapsed_first = replace(confirm("w2"), first_clearance=clearance("w1", level=None))
    pending().refuses(lapsed_first, "SR-19", at=AT, actor="w2")


def test_the_two_must_confirm_the_same_terms() -> None:
    other = replace(confirm("w2", first="w1"), terms="Shredder 9")
    assert "different" in pending().refuses(other, "SR-19", at=AT, actor="w2").message


def test_a_completed_action_is_not_completed_again() -> None:
    done = pending().record(confirm("w2", first="w1"), at=AT, actor="w2")
    error = done.refuses(confirm("w3", first="w1"), "SR-19", at=AT, actor="w3")
    assert error.status == 409


def test_sr9_key_location_work_needs_the_entry_list_vetting_and_training() -> None:
    need = Requirement("SR-9", entry_list=frozenset({"w1", "w2"}))
    off_list = replace(confirm("w3"), need=need)
    given(TWO_PERSON, at=AT).refuses(off_list, "SR-9", at=AT, actor="w3")
    unvetted = replace(confirm("w2", vetted=False), need=need)
    given(TWO_PERSON, at=AT).refuses(unvetted, "SR-9", at=AT, actor="w2")
