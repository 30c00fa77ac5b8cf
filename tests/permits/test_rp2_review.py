"""RP-2 rev.2: the review clock starts at the hand-over to engineering and runs 3 working
days of the site calendar; a structural change needs explicit structural approval; an
overdue review is an event from a durable timer; the decision goes back to customer
service, which notifies; the pre-works equipment check comes before works."""

from datetime import UTC, datetime, timedelta

from opsledger.decider import Cancel, Schedule
from opsledger.testing import given
from opsledger_contracts.events.permits import PermitApproved, PermitReviewOverdue
from permits.domain.permit import PERMIT, REVIEW_TIMER
from permits.domain.permit import commands as c
from permits.domain.permit.events import PermitHandedToEngineering

from tests.permits.conftest import SITE, Permits, application
from tests.permits.scenarios import EVE, P, applied, approved, fees, in_review, open_permit


def _due(handed_at: datetime) -> datetime:
    decided = applied(handed_at).when(c.HandToEngineering(P), at=handed_at)
    assert isinstance(decided[0], PermitHandedToEngineering)
    return decided[0].review_due_at


def test_rp2_the_clock_counts_the_make_up_saturday_and_skips_the_holidays() -> None:
    # Handed over Wed 09-30 09:00: 10-01 … 10-07 are off; Thu 10-08, Fri 10-09 and the
    # make-up Saturday 10-10 are the three working days.
    assert _due(EVE) == datetime(2026, 10, 10, 1, 0, tzinfo=UTC)


def test_rp2_the_clock_runs_across_a_month_end_and_new_year() -> None:
    # Fri 11-27 -> Mon 11-30, Tue 12-01, Wed 12-02.
    assert _due(datetime(2026, 11, 27, 1, 0, tzinfo=UTC)) == datetime(2026, 12, 2, 1, tzinfo=UTC)
    # Wed 12-30 -> Thu 12-31, (01-01 … 01-03 off) Mon 01-04, Tue 01-05.
    assert _due(datetime(2026, 12, 30, 1, 0, tzinfo=UTC)) == datetime(2027, 1, 5, 1, tzinfo=UTC)


def test_rp2_the_clock_starts_at_the_hand_over_not_at_the_application() -> None:
    later = EVE + timedelta(days=14)  # Wed 10-14
    decided = applied(EVE).when(c.HandToEngineering(P), at=later)
    assert isinstance(decided[0], PermitHandedToEngineering)
    assert decided[0].review_due_at == datetime(2026, 10, 19, 1, 0, tzinfo=UTC)


def test_rp2_engineering_reviews_only_what_customer_service_handed_over() -> None:
    applied().refuses(c.ApprovePermit(P, fees()), "RP-2", at=EVE)


def test_rp2_a_structural_change_needs_explicit_structural_approval() -> None:
    scenario = given(PERMIT, at=EVE).record(open_permit(structural_change=True), at=EVE)
    scenario.record(c.HandToEngineering(P), at=EVE)

    error = scenario.refuses(c.ApprovePermit(P, fees()), "RP-2", at=EVE)
    assert error.field == "structural_approval"
    decided = scenario.when(c.ApprovePermit(P, fees(), structural_approval=True), at=EVE)
    assert decided[0] == PermitApproved(permit_id=P, unit_id="B2-1203", structural_approval=True)


def test_rp2_the_review_timer_is_scheduled_and_cancelled_by_the_decision() -> None:
    scenario = in_review()
    scheduled = [r for r in scenario.reactions() if isinstance(r, Schedule)]
    assert [(r.kind, r.due_at) for r in scheduled] == [
        (REVIEW_TIMER, datetime(2026, 10, 10, 1, tzinfo=UTC))
    ]
    scenario.record(c.ApprovePermit(P, fees()), at=EVE)
    assert any(isinstance(r, Cancel) for r in scenario.reactions())


def test_rp2_overdue_once_and_not_after_the_decision() -> None:
    due = datetime(2026, 10, 10, 1, 0, tzinfo=UTC)
    overdue = in_review().when(c.MarkReviewOverdue(P, due), at=due)
    assert overdue == [PermitReviewOverdue(permit_id=P, unit_id="B2-1203", due_at=due)]
    assert approved().when(c.MarkReviewOverdue(P, due), at=due) == []


def test_rp2_the_applicant_is_notified_once_decided() -> None:
    in_review().refuses(c.NotifyApplicant(P, "Phoned"), "RP-2", at=EVE)
    approved().record(c.NotifyApplicant(P, "Phoned"), at=EVE).refuses(
        c.NotifyApplicant(P, "Again"), "CONFLICT", at=EVE
    )


async def test_rp2_an_overdue_review_is_an_event_from_the_durable_timer(
    permits: Permits,
) -> None:
    await permits.unit()
    await permits.post("/permits", application(), permits.desk, 201)
    handed = await permits.post("/permits/pmt-1/hand-over", None, permits.cs)
    # Mon 11-23 09:00 + 3 working days: Thu 11-26 09:00.
    assert handed["review_due_at"] == "2026-11-26T01:00:00Z"

    permits.clock.advance(timedelta(days=3) - timedelta(seconds=1))
    assert await permits.service.timers.fire_due() == 0
    permits.clock.advance(timedelta(seconds=1))
    assert await permits.service.timers.fire_due() == 1

    types = [e.event_type for e in await permits.events()]
    assert types.count("PermitReviewOverdue") == 1
    board = await permits.get("/permits", permits.eng, site_id=SITE)
    assert board[0]["review_overdue"] is True
    assert (board[0]["owed_by"], board[0]["next_step"]) == ("engineering", "review")


async def test_rp2_a_review_in_time_leaves_no_overdue_event(permits: Permits) -> None:
    await permits.approved()
    permits.clock.advance(timedelta(days=10))
    assert await permits.service.timers.fire_due() == 0
    assert "PermitReviewOverdue" not in [e.event_type for e in await permits.events()]


async def test_rp2_only_engineering_decides(permits: Permits) -> None:
    await permits.unit()
    await permits.post("/permits", application(), permits.desk, 201)
    await permits.post("/permits/pmt-1/hand-over", None, permits.cs)
    fee_list = [{"kind": "deposit", "amount_fen": 1}]
    await permits.post("/permits/pmt-1/approve", {"fees": fee_list}, permits.cs, 403)
