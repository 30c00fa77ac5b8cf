"""Personnel rules SR-1 … SR-4, SR-8, SR-10 on the person aggregate (decider tests)."""

from datetime import UTC, date, datetime

import pytest
from opsledger.testing import Scenario, given, site_calendar
from opsledger_contracts.events.secrets_registry import (
    ClearanceGranted,
    SecrecyAllowanceRecorded,
)
from opsledger_contracts.ledger import LedgerEntry
from secrets_registry.domain.clearance import PersonLevel
from secrets_registry.domain.personnel import PERSON, PersonCommands, PersonState
from secrets_registry.domain.personnel import commands as c
from secrets_registry.domain.personnel import events as ev

from tests.secrets_registry.people import NOW, PID, TODAY, in_post, person

OK: c.Verdict = "satisfactory"
NO: c.Verdict = "unsatisfactory"


def _proposed(
    level: PersonLevel = PersonLevel.GENERAL, key: bool = False
) -> Scenario[PersonState, PersonCommands]:
    s = given(PERSON, at=NOW, stream_id=f"person-{PID}")
    return s.record(
        c.ProposeLevel("site-a", PID, "archives", "keeper", level, key, "needs it"), at=NOW
    )


# -- SR-1 levels: department proposes, head reviews, committee approves and files -------


def test_sr1_a_level_is_approved_only_after_the_heads_review() -> None:
    s = _proposed()
    s.refuses(c.ApproveLevel(PID, True, "BM-1", "ok"), "SR-1", at=NOW)
    s.record(c.ReviewLevel(PID, True, "agreed"), at=NOW, actor="head-1")
    assert s.state.level is None  # reviewed is not approved
    s.record(c.ApproveLevel(PID, True, "BM-1", "filed"), at=NOW, actor="cmte-1")
    approved = s.state
    assert approved.level == PersonLevel.GENERAL and approved.proposal is None


def test_sr1_rev2_approval_is_filed_with_the_office() -> None:
    s = _proposed().record(c.ReviewLevel(PID, True, "agreed"), at=NOW)
    error = s.refuses(c.ApproveLevel(PID, True, "  ", "no number"), "SR-1", at=NOW)
    assert error.field == "filing_no"


def test_sr1_a_head_who_does_not_endorse_closes_the_proposal() -> None:
    s = _proposed().record(c.ReviewLevel(PID, False, "not needed"), at=NOW)
    assert s.state.proposal is None and s.state.level is None
    s.refuses(c.ApproveLevel(PID, True, "BM-1", "ok"), "SR-1", at=NOW)


def test_sr1_a_level_change_follows_the_same_path_and_republishes_the_clearance() -> None:
    s = in_post(PersonLevel.GENERAL)
    s.record(
        c.ProposeLevel("site-a", PID, "archives", "keeper", PersonLevel.CORE, False, "promoted"),
        at=NOW,
    )
    assert s.state.level == PersonLevel.GENERAL  # unchanged until approved
    s.record(c.ReviewLevel(PID, True, "agreed"), at=NOW)
    decided = s.when(c.ApproveLevel(PID, True, "BM-2", "filed"), at=NOW)
    assert decided[-1] == ClearanceGranted(
        person_id=PID, level="core", key_locations=[], pledge_valid_until=date(2027, 12, 7)
    )


# -- SR-2 vetting (rev.2: the four areas; a key department needs >= competent) ----------


@pytest.mark.parametrize("area", range(4))
def test_sr2_rev2_each_vetting_area_must_be_satisfactory_before_the_post(area: int) -> None:
    s = _proposed().record(c.ReviewLevel(PID, True, "ok"), at=NOW)
    s.record(c.ApproveLevel(PID, True, "BM-1", "filed"), at=NOW)
    verdicts = [OK, OK, OK, OK]
    verdicts[area] = NO
    a, b, d, e = verdicts
    s.record(c.RecordVetting(PID, TODAY, a, b, d, e, "competent", "one area failed"), at=NOW)
    s.record(c.RecordEducation(PID, "T1", "training", TODAY, "law", "passed"), at=NOW)
    s.record(c.SignPledge(PID, "P1", "entry", TODAY), at=NOW)
    s.refuses(c.EnterPost(PID, TODAY), "SR-2", at=NOW)


def test_sr2_rev2_a_key_department_needs_last_years_appraisal_at_least_competent() -> None:
    weak = person(key_department=True, appraisal="basically_competent")
    weak.refuses(c.EnterPost(PID, TODAY), "SR-2", at=NOW)
    fine = person(key_department=True, appraisal="competent")
    assert isinstance(fine.when(c.EnterPost(PID, TODAY), at=NOW)[0], ev.PostEntered)
    # outside a key department the appraisal is recorded but does not bar the post
    plain = person(key_department=False, appraisal="basically_competent")
    assert isinstance(plain.when(c.EnterPost(PID, TODAY), at=NOW)[0], ev.PostEntered)


def test_sr2_a_vetting_dated_in_the_future_is_refused() -> None:
    s = _proposed()
    tomorrow = date(2026, 12, 8)
    error = s.refuses(
        c.RecordVetting(PID, tomorrow, OK, OK, OK, OK, "competent", "x"), "SR-2", at=NOW
    )
    assert error.field == "vetted_on"


# -- SR-3 pledges ------------------------------------------------------------------------


def test_sr3_no_post_without_the_entry_pledge_and_entering_publishes_the_clearance() -> None:
    s = _proposed().record(c.ReviewLevel(PID, True, "ok"), at=NOW)
    s.record(c.ApproveLevel(PID, True, "BM-1", "filed"), at=NOW)
    s.record(c.RecordVetting(PID, TODAY, OK, OK, OK, OK, "competent", "ok"), at=NOW)
    s.record(c.RecordEducation(PID, "T1", "training", TODAY, "law", "passed"), at=NOW)
    s.refuses(c.EnterPost(PID, TODAY), "SR-3", at=NOW)
    s.record(c.SignPledge(PID, "P1", "entry", TODAY), at=NOW)
    assert s.when(c.EnterPost(PID, TODAY), at=NOW)[-1] == ClearanceGranted(
        person_id=PID, level="general", key_locations=[], pledge_valid_until=date(2027, 12, 7)
    )


def test_sr3_the_in_post_pledge_renews_the_clearance_and_departure_is_its_own() -> None:
    s = in_post()
    s.refuses(c.SignPledge(PID, "P2", "entry", TODAY), "SR-3", at=NOW)
    renewed = s.when(c.SignPledge(PID, "P2", "in_post", TODAY), at=NOW)
    assert renewed[-1] == ClearanceGranted(
        person_id=PID, level="important", key_locations=[], pledge_valid_until=date(2027, 12, 7)
    )
    s.record(c.SignPledge(PID, "P3", "departure", TODAY), at=NOW)
    assert s.state.departure_pledge_on == TODAY
    assert s.state.pledged_until == date(2027, 12, 7)  # the departure pledge is separate


def test_sr3_pledge_validity_is_the_sites_and_29_february_ends_on_28_february() -> None:
    site = site_calendar("site-a", {"rules": {"secrets_registry": {"pledge_validity_months": 12}}})
    leap = datetime(2028, 2, 29, 2, 0, tzinfo=UTC)
    s = given(PERSON, at=leap, stream_id=f"person-{PID}", site=site)
    s.record(c.ProposeLevel("site-a", PID, "d", "p", PersonLevel.GENERAL, False, "r"), at=leap)
    signed = s.when(c.SignPledge(PID, "P1", "entry", date(2028, 2, 29)), at=leap)
    assert signed == [
        ev.PledgeSigned(
            person_id=PID,
            pledge_id="P1",
            kind="entry",
            signed_on=date(2028, 2, 29),
            valid_until=date(2029, 2, 28),
        )
    ]


def test_sr3_nobody_works_at_a_key_location_without_a_pledge_in_force() -> None:
    s = in_post(key_department=True)
    late = datetime(2027, 12, 8, 2, 0, tzinfo=UTC)  # the pledge held until 2027-12-07
    s.refuses(c.AssignKeyLocations(PID, ["loc-1"]), "SR-3", at=late)
    assigned = s.when(c.AssignKeyLocations(PID, ["loc-1"]), at=NOW)
    assert assigned[-1] == ClearanceGranted(
        person_id=PID,
        level="important",
        key_locations=["loc-1"],
        pledge_valid_until=date(2027, 12, 7),
    )


# -- SR-4 training before the post ------------------------------------------------------


def test_sr4_rev2_training_comes_before_taking_the_post() -> None:
    s = _proposed().record(c.ReviewLevel(PID, True, "ok"), at=NOW)
    s.record(c.ApproveLevel(PID, True, "BM-1", "filed"), at=NOW)
    s.record(c.RecordVetting(PID, TODAY, OK, OK, OK, OK, "competent", "ok"), at=NOW)
    s.record(c.SignPledge(PID, "P1", "entry", TODAY), at=NOW)
    s.record(c.RecordEducation(PID, "A1", "assessment", TODAY, "yearly", "good"), at=NOW)
    s.refuses(c.EnterPost(PID, TODAY), "SR-4", at=NOW)  # an assessment is no training
    later = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)
    s.record(c.RecordEducation(PID, "T1", "training", date(2026, 12, 9), "law", "ok"), at=later)
    s.refuses(c.EnterPost(PID, TODAY), "SR-4", at=later)  # trained after the entry day
    assert isinstance(s.when(c.EnterPost(PID, date(2026, 12, 9)), at=later)[0], ev.PostEntered)


def test_sr4_records_are_filed_once() -> None:
    s = in_post()
    s.refuses(c.RecordEducation(PID, "T1", "training", TODAY, "again", "x"), "CONFLICT", at=NOW)


# -- SR-8 foreign travel of key-department staff -----------------------------------------


def test_sr8_rev2_the_head_gives_an_opinion_then_the_office_decides() -> None:
    s = in_post(key_department=True)
    travel = c.RequestForeignTravel(
        PID, "TR1", "Hong Kong", date(2027, 1, 2), date(2027, 1, 5), "family"
    )
    s.record(travel, at=NOW)
    s.refuses(c.DecideTravel(PID, "TR1", True, "ok"), "SR-8", at=NOW)
    s.record(c.GiveTravelOpinion(PID, "TR1", True, "fine"), at=NOW, actor="head-1")
    s.record(c.DecideTravel(PID, "TR1", True, "approved"), at=NOW, actor="officer-1")
    assert s.state.travels == {"TR1": "approved"}


def test_sr8_travel_approval_is_for_key_department_staff_and_applied_for_before() -> None:
    in_post(key_department=False).refuses(
        c.RequestForeignTravel(PID, "TR1", "Macau", date(2027, 1, 2), date(2027, 1, 3), "x"),
        "SR-8",
        at=NOW,
    )
    error = in_post(key_department=True).refuses(
        c.RequestForeignTravel(PID, "TR1", "Macau", date(2026, 12, 6), date(2027, 1, 3), "x"),
        "SR-8",
        at=NOW,
    )
    assert error.field == "departs_on"


# -- SR-10 allowance, in the shared LedgerEntry shape ------------------------------------


def test_sr10_the_monthly_allowance_is_a_ledger_entry_by_level_and_configurable() -> None:
    site = site_calendar("site-a", {"rules": {"secrets_registry": {"allowance_core_fen": 45000}}})
    s = given(PERSON, at=NOW, stream_id=f"person-{PID}", site=site)
    for step in in_post(PersonLevel.CORE).history:
        s.given(step.payload, at=NOW)
    entry = s.when(c.RecordAllowance(PID, "2026-12"), at=NOW)
    assert entry == [
        SecrecyAllowanceRecorded(
            entry_id=f"secrecy-allowance-{PID}-2026-12",
            person=PID,
            month="2026-12",
            kind="reward",
            amount_fen=45000,
            rule="SR-10",
            reason="Secrecy allowance 2026-12",
            source=f"person-{PID}",
        )
    ]
    assert LedgerEntry.model_validate(entry[0].model_dump()).signed_fen == 45000
    s.record(c.RecordAllowance(PID, "2026-12"), at=NOW)
    s.refuses(c.RecordAllowance(PID, "2026-12"), "CONFLICT", at=NOW)
    s.refuses(c.RecordAllowance(PID, "2027-01"), "SR-10", at=NOW)  # not begun
    s.refuses(c.RecordAllowance(PID, "2026-11"), "SR-10", at=NOW)  # before the post


def test_sr10_no_allowance_without_a_post() -> None:
    person().refuses(c.RecordAllowance(PID, "2026-12"), "SR-10", at=NOW)
