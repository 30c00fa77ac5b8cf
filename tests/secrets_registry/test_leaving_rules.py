"""Leaving a classified post: SR-5 rev.2, SR-6, SR-7 rev.2, SR-18 rev.2 (decider tests).

Dates pinned at the edges: a period starting on 29 February, the site's configurable
minimum for general staff, and the last day of a period.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from opsledger.testing import Scenario, given, site_calendar
from opsledger_contracts.events.secrets_registry import ClearanceEnded, PersonDeparted
from secrets_registry.domain.clearance import PersonLevel
from secrets_registry.domain.dates import add_months
from secrets_registry.domain.personnel import PERSON, PersonCommands, PersonState
from secrets_registry.domain.personnel import commands as c
from secrets_registry.domain.personnel import leaving as lc
from secrets_registry.domain.personnel import leaving_events as lv

from tests.secrets_registry.people import PID, in_post

Person = Scenario[PersonState, PersonCommands]


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC)  # 10:00 local


def leave(
    s: Person, kind: c.LeavingKind, applied: date, left: date, *, file_note: str | None = None
) -> list[object]:
    """Apply, review, approve (as the committee) and record a leaving; what it decided."""
    app = f"A-{kind}-{left}"
    s.record(lc.ApplyToLeave(PID, app, kind, left, "moving on"), at=at(applied))
    s.record(lc.ReviewLeavingSecrecy(PID, app, True, "no risk"), at=at(applied))
    if s.state.departure_pledge_on is None:
        s.record(c.SignPledge(PID, f"D-{left}", "departure", applied), at=at(applied))
    s.record(
        lc.DecideLeaving(PID, app, True, "approved", file_note),
        at=at(applied),
        roles={"secrecy_committee"},
    )
    decided = s.when(lc.RecordDeparture(PID, app, left), at=at(left))
    s.given(*decided, at=at(left))
    return list(decided)


def posted(level: PersonLevel, day: date, rules: dict[str, object] | None = None) -> Person:
    site = site_calendar("site-a", {"rules": {"secrets_registry": rules or {}}})
    s: Person = given(PERSON, at=at(day), stream_id=f"person-{PID}", site=site)
    for event in in_post(level, at=at(day)).history:
        s.given(event.payload, at=at(day))
    return s


# -- SR-5 rev.: the declassification period ---------------------------------------------


@pytest.mark.parametrize(
    ("level", "left", "ends"),
    [
        (PersonLevel.CORE, date(2026, 12, 7), date(2029, 12, 7)),
        (PersonLevel.IMPORTANT, date(2026, 12, 7), date(2028, 12, 7)),
        (PersonLevel.GENERAL, date(2026, 12, 7), date(2027, 12, 7)),
        (PersonLevel.CORE, date(2028, 2, 29), date(2031, 2, 28)),
        (PersonLevel.IMPORTANT, date(2028, 2, 29), date(2030, 2, 28)),
        (PersonLevel.GENERAL, date(2028, 2, 29), date(2029, 2, 28)),
    ],
)
def test_sr5_rev_the_period_ends_on_the_same_calendar_date_and_29_feb_on_28_feb(
    level: PersonLevel, left: date, ends: date
) -> None:
    s = posted(level, left - timedelta(days=30))
    decided = leave(s, "leave_post", left - timedelta(days=10), left)
    assert ClearanceEnded(person_id=PID, ended_on=left, reason="left_post") in decided
    assert decided[-1] == PersonDeparted(
        person_id=PID, kind="leave_post", left_on=left, declassification_ends_on=ends
    )
    assert s.state.clearance().level is None and s.state.period_ends_on == ends


def test_sr5_the_general_minimum_is_the_sites_six_months_from_31_august() -> None:
    s = posted(PersonLevel.GENERAL, date(2027, 7, 1), {"general_minimum_months": 6})
    decided = leave(s, "leave_post", date(2027, 8, 1), date(2027, 8, 31))
    assert decided[-1].declassification_ends_on == date(2028, 2, 29)  # type: ignore[attr-defined]


def test_sr5_the_minimums_cannot_be_configured_below_the_source() -> None:
    from pydantic import ValidationError
    from secrets_registry.domain.rules import RegistryRules

    with pytest.raises(ValidationError):
        RegistryRules(general_minimum_months=5)
    with pytest.raises(ValidationError):
        RegistryRules(core_minimum_years=2)
    assert RegistryRules().minimum_months(PersonLevel.GENERAL) == 12


def test_sr5_the_period_may_be_extended_never_shortened() -> None:
    s = posted(PersonLevel.GENERAL, date(2026, 11, 1))
    leave(s, "leave_post", date(2026, 11, 20), date(2026, 12, 1))
    shorter = lc.ExtendDeclassification(PID, date(2027, 11, 30), "less")
    s.refuses(shorter, "SR-5", at=at(date(2026, 12, 7)))
    s.refuses(
        lc.ExtendDeclassification(PID, date(2027, 12, 1), "same"), "SR-5", at=at(date(2026, 12, 7))
    )
    s.record(
        lc.ExtendDeclassification(PID, date(2028, 6, 1), "sensitive"), at=at(date(2026, 12, 7))
    )
    assert s.state.period_ends_on == date(2028, 6, 1)


def test_sr5_rev2_unauthorised_departure_is_reported_then_urged_then_referred() -> None:
    s = posted(PersonLevel.IMPORTANT, date(2026, 11, 1))
    day = at(date(2026, 12, 7))
    s.refuses(lc.UrgeReturn(PID, date(2026, 12, 7), "come back"), "SR-5", at=day)
    reported = s.when(lc.ReportUnauthorisedDeparture(PID, date(2026, 12, 5), "gone"), at=day)
    assert reported[1:] == [
        ClearanceEnded(person_id=PID, ended_on=date(2026, 12, 5), reason="unauthorised_departure"),
        PersonDeparted(
            person_id=PID,
            kind="unauthorised",
            left_on=date(2026, 12, 5),
            declassification_ends_on=date(2028, 12, 5),
        ),
    ]
    s.given(*reported, at=day)
    s.refuses(lc.ReferCase(PID, date(2026, 12, 7), "bureau", "x"), "SR-5", at=day)
    s.record(lc.UrgeReturn(PID, date(2026, 12, 6), "come back"), at=day)
    s.record(lc.RecordUrgingAnswer(PID, False, date(2026, 12, 7), "refused"), at=day)
    referred = s.when(
        lc.ReferCase(PID, date(2026, 12, 7), "city secrecy bureau", "refused"), at=day
    )
    assert isinstance(referred[0], lv.CaseReferred)
    s.given(*referred, at=day)
    s.refuses(c.EnterPost(PID, date(2026, 12, 7)), "SR-5", at=day)


def test_sr5_urging_is_not_dated_before_the_departure_nor_in_the_future() -> None:
    s = posted(PersonLevel.GENERAL, date(2026, 11, 1))
    day = at(date(2026, 12, 7))
    s.record(lc.ReportUnauthorisedDeparture(PID, date(2026, 12, 5), "gone"), at=day)
    assert s.refuses(lc.UrgeReturn(PID, date(2026, 12, 4), "x"), "SR-5", at=day).field == "urged_on"
    assert s.refuses(lc.UrgeReturn(PID, date(2026, 12, 8), "x"), "SR-5", at=day).field == "urged_on"


# -- SR-6 transfers / SR-7 resignations -------------------------------------------------


def test_sr7_rev2_a_leaving_is_applied_for_in_advance_and_reviewed_first() -> None:
    s = posted(PersonLevel.GENERAL, date(2026, 11, 1))
    day = at(date(2026, 12, 7))
    same_day = lc.ApplyToLeave(PID, "A1", "transfer", date(2026, 12, 7), "now")
    assert s.refuses(same_day, "SR-7", at=day).field == "intended_on"
    s.record(lc.ApplyToLeave(PID, "A1", "transfer", date(2026, 12, 8), "soon"), at=day)
    s.refuses(lc.DecideLeaving(PID, "A1", True, "ok", "noted"), "SR-7", at=day)
    s.record(lc.ReviewLeavingSecrecy(PID, "A1", False, "endangers"), at=day)
    s.refuses(lc.DecideLeaving(PID, "A1", True, "ok", "noted"), "SR-7", at=day)
    s.record(lc.DecideLeaving(PID, "A1", False, "denied"), at=day)
    s.refuses(lc.RecordDeparture(PID, "A1", date(2026, 12, 7)), "SR-7", at=day)


def test_sr7_core_staff_never_resign_inside_the_period_even_on_its_last_day() -> None:
    s = posted(PersonLevel.CORE, date(2026, 1, 1))
    leave(s, "leave_post", date(2026, 1, 10), date(2026, 2, 1))
    last = date(2029, 2, 1)
    assert s.state.period_ends_on == last
    s.record(lc.ApplyToLeave(PID, "R1", "resignation", last, "go"), at=at(last - timedelta(days=5)))
    s.record(lc.ReviewLeavingSecrecy(PID, "R1", True, "ok"), at=at(last - timedelta(days=5)))
    s.refuses(
        lc.DecideLeaving(PID, "R1", True, "ok", "noted"),
        "SR-7",
        at=at(last - timedelta(days=5)),
        roles={"secrecy_committee"},
    )
    # the day after the period: the same core person resigns with a leader's approval
    s.record(lc.ApplyToLeave(PID, "R2", "resignation", last + timedelta(days=1), "go"), at=at(last))
    s.record(lc.ReviewLeavingSecrecy(PID, "R2", True, "ok"), at=at(last))
    s.record(lc.DecideLeaving(PID, "R2", True, "ok"), at=at(last), roles={"unit_leader"})
    decided = s.when(
        lc.RecordDeparture(PID, "R2", last + timedelta(days=1)), at=at(last + timedelta(days=1))
    )
    assert decided[-1].kind == "resignation"  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", ["resignation", "transfer"])
def test_sr6_sr7_inside_the_period_only_the_committee_with_a_file_note_and_a_pledge(
    kind: c.LeavingKind,
) -> None:
    rule = "SR-7" if kind == "resignation" else "SR-6"
    s = posted(PersonLevel.IMPORTANT, date(2026, 11, 1))
    day = at(date(2026, 12, 7))
    s.record(lc.ApplyToLeave(PID, "A1", kind, date(2026, 12, 20), "go"), at=day)
    s.record(lc.ReviewLeavingSecrecy(PID, "A1", True, "ok"), at=day)
    leader = s.refuses(
        lc.DecideLeaving(PID, "A1", True, "ok", "noted"), rule, at=day, roles={"unit_leader"}
    )
    assert "committee" in leader.message
    note = s.refuses(
        lc.DecideLeaving(PID, "A1", True, "ok", None), rule, at=day, roles={"secrecy_committee"}
    )
    assert note.field == "file_note"
    s.refuses(
        lc.DecideLeaving(PID, "A1", True, "ok", "noted"),
        "SR-3",
        at=day,
        roles={"secrecy_committee"},
    )
    s.record(c.SignPledge(PID, "D1", "departure", date(2026, 12, 7)), at=day)
    decided = s.when(
        lc.DecideLeaving(PID, "A1", True, "ok", "noted"), at=day, roles={"secrecy_committee"}
    )
    assert decided[0].file_note == "noted"  # type: ignore[attr-defined]


def test_sr6_after_the_period_a_transfer_needs_a_leaders_approval_and_a_pledge() -> None:
    s = posted(PersonLevel.GENERAL, date(2026, 1, 1), {"general_minimum_months": 6})
    leave(s, "leave_post", date(2026, 1, 10), date(2026, 2, 1))
    assert s.state.period_ends_on == date(2026, 8, 1)
    day = at(date(2026, 8, 2))
    s.record(lc.ApplyToLeave(PID, "T1", "transfer", date(2026, 8, 10), "elsewhere"), at=day)
    s.record(lc.ReviewLeavingSecrecy(PID, "T1", True, "ok"), at=day)
    s.record(lc.DecideLeaving(PID, "T1", True, "ok"), at=day, roles={"unit_leader"})
    decided = s.when(lc.RecordDeparture(PID, "T1", date(2026, 8, 10)), at=at(date(2026, 8, 10)))
    assert decided[-1] == PersonDeparted(
        person_id=PID,
        kind="transfer",
        left_on=date(2026, 8, 10),
        declassification_ends_on=date(2026, 8, 1),
    )


# -- SR-18: carriers back and registers handed over before the departure ----------------


def test_sr18_departure_is_refused_while_carriers_are_held_naming_them() -> None:
    s = posted(PersonLevel.IMPORTANT, date(2026, 11, 1))
    day = at(date(2026, 12, 7))
    s.record(c.TakeCarrierCustody(PID, "car-9"), at=day)
    s.record(c.TakeCarrierCustody(PID, "car-3"), at=day)
    s.record(lc.ApplyToLeave(PID, "A1", "leave_post", date(2026, 12, 9), "go"), at=day)
    s.record(lc.ReviewLeavingSecrecy(PID, "A1", True, "ok"), at=day)
    s.record(c.SignPledge(PID, "D1", "departure", date(2026, 12, 7)), at=day)
    error = s.refuses(
        lc.DecideLeaving(PID, "A1", True, "ok"), "SR-18", at=day, roles={"unit_leader"}
    )
    assert "car-3, car-9" in error.message
    s.record(c.ReleaseCarrierCustody(PID, "car-9"), at=day)
    s.record(c.ReleaseCarrierCustody(PID, "car-3"), at=day)
    s.record(lc.DecideLeaving(PID, "A1", True, "ok"), at=day, roles={"unit_leader"})
    # a carrier signed out after the approval still blocks the departure itself
    s.record(c.TakeCarrierCustody(PID, "car-5"), at=day)
    later = at(date(2026, 12, 9))
    assert (
        "car-5"
        in s.refuses(lc.RecordDeparture(PID, "A1", date(2026, 12, 9)), "SR-18", at=later).message
    )
    s.record(c.ReleaseCarrierCustody(PID, "car-5"), at=later)
    assert isinstance(
        s.when(lc.RecordDeparture(PID, "A1", date(2026, 12, 9)), at=later)[0], lv.PostLeft
    )


def test_sr18_rev2_a_custodian_hands_over_the_registers_with_a_record() -> None:
    s = posted(PersonLevel.IMPORTANT, date(2026, 11, 1))
    day = at(date(2026, 12, 7))
    s.record(lc.AppointRegisters(PID, ["send-receive", "destruction"]), at=day)
    s.record(lc.ApplyToLeave(PID, "A1", "leave_post", date(2026, 12, 9), "go"), at=day)
    s.record(lc.ReviewLeavingSecrecy(PID, "A1", True, "ok"), at=day)
    s.record(c.SignPledge(PID, "D1", "departure", date(2026, 12, 7)), at=day)
    error = s.refuses(
        lc.DecideLeaving(PID, "A1", True, "ok"), "SR-18", at=day, roles={"unit_leader"}
    )
    assert "destruction, send-receive" in error.message
    s.refuses(
        lc.RecordRegistersHandover(PID, ["use"], "stf-2", date(2026, 12, 7), "HO-1"),
        "SR-18",
        at=day,
    )
    handed = s.when(
        lc.RecordRegistersHandover(
            PID, ["send-receive", "destruction"], "stf-2", date(2026, 12, 7), "HO-1"
        ),
        at=day,
    )
    assert handed[0].to_person == "stf-2" and handed[0].record_no == "HO-1"  # type: ignore[attr-defined]
    s.given(*handed, at=day)
    assert s.state.registers == frozenset()
    s.record(lc.DecideLeaving(PID, "A1", True, "ok"), at=day, roles={"unit_leader"})


def test_sr5_add_months_edges() -> None:
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2028, 2, 29), 48) == date(2032, 2, 29)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 12, 7), 1) == date(2027, 1, 7)
