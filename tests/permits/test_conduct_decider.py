"""RP-5 patrols and checks, RP-6 the violation ladder, RP-10 approvals and RP-12's
"a complaint is not a violation", decided on a permit's works record (no storage)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from opsledger.decider import Schedule
from opsledger.testing import Scenario, given, site_calendar
from opsledger_contracts.events.permits_conduct import (
    InspectionFindingRecorded,
    PatrolMissed,
    PatrolRecorded,
    RenovationComplaintLinked,
    SeriousViolationReported,
    WorksViolationRecorded,
)
from permits.domain.conduct import WORKS, ConductState
from permits.domain.conduct import commands as c
from permits.domain.conduct.calendar import PATROL_DAY_TIMER, day_ends
from permits.domain.conduct.commands import ConductCommand
from permits.domain.conduct.events import PatrolDayClosed, WorksOpened
from permits.domain.conduct.ladder_events import WorksForciblyStopped

P = "RP-site-a-0007"
# Friday 2026-10-02 10:00 Asia/Shanghai: inside the National Day holiday period.
START = datetime(2026, 10, 2, 2, 0, tzinfo=UTC)
SITE = site_calendar()
CS = ("customer_service",)
ENG = ("engineering",)
CON = ("concierge",)


def works(at: datetime = START) -> Scenario[ConductState, ConductCommand]:
    first = SITE.local_date(at)
    opened = WorksOpened(
        permit_id=P,
        unit_id="B3-1203",
        contractor="Acme Decor",
        first_day=first,
        first_day_ends=day_ends(SITE, first),
    )
    return given(WORKS, opened, at=at, stream_id=f"works-{P}")


def violation(n: int, serious: bool = False) -> c.RecordWorksViolation:
    return c.RecordWorksViolation(P, f"V{n}", START, "Drilling after 20:00", serious)


def warning(n: int) -> c.GiveVerbalWarning:
    return c.GiveVerbalWarning(P, f"V{n}", START + timedelta(minutes=5), "Wang Gang")


def notice(n: int) -> c.IssueRectificationNotice:
    return c.IssueRectificationNotice(
        P, f"V{n}", "Li Na (occupant)", START + timedelta(days=2), "Stop drilling after 20:00"
    )


LATER = START + timedelta(hours=1)


# -- RP-5 -------------------------------------------------------------------------------


def test_rp5_patrol_is_recorded_on_the_site_local_day() -> None:
    late = datetime(2026, 10, 2, 17, 0, tzinfo=UTC)  # 01:00 on the 3rd in Shanghai
    [patrol] = works().when(c.RecordPatrol(P, "All as approved"), at=late, actor="cs-1", roles=CS)
    assert isinstance(patrol, PatrolRecorded)
    assert patrol.local_date == date(2026, 10, 3) and patrol.patrolled_by == "cs-1"


def test_rp5_serious_patrol_finding_is_reported_at_once_to_three_with_a_remedy() -> None:
    command = c.RecordPatrol(P, "Load-bearing wall cut", True, "Stop; engineering to assess")
    _patrol, report = works().when(command, at=LATER, actor="cs-1", roles=CS)
    assert isinstance(report, SeriousViolationReported)
    assert set(report.reported_to) == {"engineering", "concierge", "customer_service_director"}
    assert report.proposed_remedy == "Stop; engineering to assess"


def test_rp5_serious_patrol_finding_without_a_remedy_is_refused() -> None:
    refusal = works().refuses(
        c.RecordPatrol(P, "Load-bearing wall cut", True, "  "), "RP-5", at=LATER, roles=CS
    )
    assert refusal.field == "proposed_remedy"


@pytest.mark.parametrize(
    "day",
    [date(2026, 10, 3), date(2026, 10, 4), date(2026, 10, 5)],  # Sat, Sun, holiday Monday
)
def test_rp5_a_day_without_a_patrol_is_missed_weekends_and_holidays_included(day: date) -> None:
    ends = day_ends(SITE, day)
    missed, closed = works().when(c.ClosePatrolDay(P, day, ends), at=ends)
    assert missed == PatrolMissed(permit_id=P, local_date=day, end_of_day=ends)
    assert isinstance(closed, PatrolDayClosed) and closed.next_day == day + timedelta(days=1)


def test_rp5_a_patrolled_day_is_not_missed_and_the_next_day_is_checked() -> None:
    scenario = works().record(c.RecordPatrol(P, "OK"), at=LATER, roles=CS)
    day = date(2026, 10, 2)
    ends = day_ends(SITE, day)
    [closed] = scenario.when(c.ClosePatrolDay(P, day, ends), at=ends)
    assert isinstance(closed, PatrolDayClosed) and closed.patrols == 1
    scenario.given(closed, at=ends)
    timers = [r for r in scenario.reactions() if isinstance(r, Schedule)]
    assert [(t.kind, t.due_at) for t in timers][-1] == (
        PATROL_DAY_TIMER,
        datetime(2026, 10, 3, 16, 0, tzinfo=UTC),  # midnight of the 4th in Shanghai
    )


def test_rp5_the_first_day_ends_at_local_midnight_not_at_the_end_of_the_working_day() -> None:
    [timer] = works().reactions()
    assert isinstance(timer, Schedule)
    assert timer.due_at == datetime(2026, 10, 2, 16, 0, tzinfo=UTC)


def test_rp5_conformance_is_engineerings_check_and_safety_the_concierges() -> None:
    conformance = c.RecordWorksCheck(P, "conformance", True, "Matches the drawings")
    safety = c.RecordWorksCheck(P, "safety", False, "No extinguisher in the kitchen")
    assert works().when(conformance, at=LATER, roles=ENG)
    assert works().when(safety, at=LATER, roles=CON)
    assert works().refuses(conformance, "RP-5", at=LATER, roles=CON).field == "check"
    assert works().refuses(safety, "RP-5", at=LATER, roles=ENG).field == "check"


# -- RP-6 -------------------------------------------------------------------------------


def test_rp6_the_first_violation_gets_a_verbal_warning_signed_by_the_contractor() -> None:
    scenario = works().record(violation(1), at=LATER, actor="eng-1", roles=ENG)
    [recorded] = scenario.history[-1:]
    assert isinstance(recorded.payload, WorksViolationRecorded)
    assert recorded.payload.number == 1 and recorded.payload.department == "engineering"
    [warned] = scenario.when(warning(1), at=LATER, actor="eng-1", roles=ENG)
    assert warned.model_dump()["contractor_signed_by"] == "Wang Gang"
    assert warned.model_dump()["inspector"] == "eng-1"
    unsigned = c.GiveVerbalWarning(P, "V1", START, " ")
    assert scenario.refuses(unsigned, "RP-6", at=LATER).field == "contractor_signed_by"


def test_rp6_the_department_is_the_inspectors() -> None:
    for roles, department in ((CS, "customer_service"), (CON, "concierge"), (ENG, "engineering")):
        [recorded] = works().when(violation(1), at=LATER, roles=roles)
        assert recorded.model_dump()["department"] == department


def test_rp6_the_written_notice_is_refused_before_the_nth_violation() -> None:
    scenario = works().record(violation(1), at=LATER).record(warning(1), at=LATER)
    refusal = scenario.refuses(notice(1), "RP-6", at=LATER)
    assert refusal.field == "violation_id" and "no. 2" in refusal.message


def test_rp6_the_written_notice_is_refused_when_no_warning_was_given() -> None:
    scenario = works().record(violation(1), at=LATER).record(violation(2), at=LATER)
    assert "verbal warning" in scenario.refuses(notice(2), "RP-6", at=LATER).message


def test_rp6_the_written_notice_goes_to_the_occupant_at_the_second_violation() -> None:
    scenario = works().record(violation(1), at=LATER).record(warning(1), at=LATER)
    [issued] = scenario.record(violation(2), at=LATER).when(notice(2), at=LATER, actor="cs-1")
    assert issued.model_dump()["issued_to"] == "Li Na (occupant)"


def test_rp6_the_notice_threshold_is_a_site_setting() -> None:
    site = site_calendar(config={"rules": {"permits": {"ladder_notice_at": 3}}})
    scenario = works()
    scenario.site = site
    scenario.record(violation(1), at=LATER).record(warning(1), at=LATER)
    scenario.record(violation(2), at=LATER)
    scenario.refuses(notice(2), "RP-6", at=LATER)
    assert scenario.record(violation(3), at=LATER).when(notice(3), at=LATER)


def test_rp6_the_owner_is_notified_of_a_serious_case_only() -> None:
    owner = c.NotifyOwner(P, "V1", "Zhang Wei", "Phone call")
    scenario = works().record(violation(1), at=LATER)
    assert scenario.refuses(owner, "RP-6", at=LATER).field == "violation_id"
    assert works().record(violation(1, serious=True), at=LATER).when(owner, at=LATER)
    third = works().record(violation(1), at=LATER).record(violation(2), at=LATER)
    third.record(violation(3), at=LATER)
    assert third.when(c.NotifyOwner(P, "V3", "Zhang Wei", "Letter"), at=LATER)


def _noticed() -> Scenario[ConductState, ConductCommand]:
    scenario = works().record(violation(1), at=LATER).record(warning(1), at=LATER)
    return scenario.record(violation(2), at=LATER).record(notice(2), at=LATER)


STOP = c.StopWorksByForce(P, "power_cut", "sec-02", "Zhang Wei, by phone")
LINK = c.LinkComplaint(P, "T-1", "B3-1203", "INS-T-1")


def test_rp6_the_final_step_needs_a_written_notice_first() -> None:
    scenario = works().record(violation(1), at=LATER).record(LINK, at=LATER)
    assert "notice" in scenario.refuses(STOP, "RP-6", at=LATER, roles=CS).message


def test_rp6_the_final_step_needs_the_violation_to_persist_after_the_notice() -> None:
    scenario = _noticed().record(LINK, at=LATER + timedelta(hours=1))
    assert "persist" in scenario.refuses(STOP, "RP-6", at=LATER, roles=CS).message
    rectified = c.CheckRectification(P, "V2", True)
    scenario.record(rectified, at=LATER)
    assert "persist" in scenario.refuses(STOP, "RP-6", at=LATER, roles=CS).message


def test_rp6_the_final_step_needs_complaints_to_continue_after_the_notice() -> None:
    # A complaint before the notice does not count.
    scenario = works().record(LINK, at=START).record(violation(1), at=LATER)
    scenario.record(warning(1), at=LATER).record(violation(2), at=LATER)
    scenario.record(notice(2), at=LATER).record(c.CheckRectification(P, "V2", False), at=LATER)
    assert "complaints" in scenario.refuses(STOP, "RP-6", at=LATER, roles=CS).message


def test_rp6_the_final_step_with_security_and_the_owners_consent_then_readmission() -> None:
    scenario = _noticed().record(c.CheckRectification(P, "V2", False), at=LATER)
    scenario.record(LINK, at=LATER + timedelta(hours=1))
    alone = c.StopWorksByForce(P, "power_cut", "cs-1", "Zhang Wei")
    refusal = scenario.refuses(alone, "RP-6", at=LATER, actor="cs-1", roles=CS)
    assert refusal.field == "security_officer"
    [stopped] = scenario.when(STOP, at=LATER, actor="cs-1", roles=CS)
    assert isinstance(stopped, WorksForciblyStopped) and stopped.complaints_since_notice == 1
    scenario.given(stopped, at=LATER)
    unsigned = c.ReadmitContractor(P, "Wang Gang", " ")
    assert scenario.refuses(unsigned, "RP-6", at=LATER).field == "undertaking"
    assert scenario.when(c.ReadmitContractor(P, "Wang Gang", "Admits; will comply"), at=LATER)


def test_rp6_readmission_is_refused_when_nothing_was_stopped() -> None:
    command = c.ReadmitContractor(P, "Wang Gang", "Admits; will comply")
    works().refuses(command, "RP-6", at=LATER)


# -- RP-10, RP-12 -------------------------------------------------------------------------


def test_rp10_customer_service_approves_a_stated_window() -> None:
    approve = c.ApproveWorksRequest(
        P, "A1", "freight_lift", LATER, LATER + timedelta(hours=1), "Tiles to the 12th floor"
    )
    assert works().when(approve, at=START, actor="cs-1", roles=CS)
    backwards = c.ApproveWorksRequest(P, "A1", "after_hours", LATER, START, "Painting")
    assert works().refuses(backwards, "RP-10", at=START).field == "ends_at"


def test_rp12_a_complaint_is_not_a_violation() -> None:
    scenario = works().record(LINK, at=LATER)
    assert isinstance(scenario.history[-1].payload, RenovationComplaintLinked)
    assert scenario.state.violations == ()
    assert scenario.when(LINK, at=LATER) == []  # a redelivered complaint


def test_rp12_only_a_finding_that_records_a_violation_climbs_the_ladder() -> None:
    clean = c.RecordInspectionFinding(
        P, "INS-T-1", "WO-site-a-000001", "eng-1", "engineer", LATER, False, False, "Quiet"
    )
    [finding] = works().when(clean, at=LATER)
    assert isinstance(finding, InspectionFindingRecorded)
    found = c.RecordInspectionFinding(
        P, "INS-T-2", "WO-site-a-000002", "pa-1", "property_assistant", LATER, True, True, "Drill"
    )
    _, climbed = works().when(found, at=LATER)
    assert isinstance(climbed, WorksViolationRecorded)
    assert (climbed.number, climbed.serious, climbed.department) == (1, True, "customer_service")
    assert climbed.inspection_id == "INS-T-2"


def test_rp6_a_withdrawn_violation_no_longer_counts_on_the_ladder() -> None:
    scenario = works().record(violation(1), at=LATER).record(warning(1), at=LATER)
    withdraw = c.WithdrawWorksViolation(P, "V1", "Recorded on the wrong unit")
    [withdrawn] = scenario.when(withdraw, at=LATER, actor="eng-1")
    assert withdrawn.model_dump()["withdrawn_by"] == "eng-1"
    scenario.given(withdrawn, at=LATER)
    [again] = scenario.when(violation(2), at=LATER)
    assert isinstance(again, WorksViolationRecorded) and again.number == 1
    assert scenario.refuses(withdraw, "RP-6", at=LATER).field == "violation_id"
    assert scenario.refuses(warning(1), "RP-6", at=LATER).field == "violation_id"


def test_rp6_a_violation_with_a_written_notice_is_not_withdrawn() -> None:
    withdraw = c.WithdrawWorksViolation(P, "V2", "Wrong")
    assert "stays" in _noticed().refuses(withdraw, "RP-6", at=LATER).message
