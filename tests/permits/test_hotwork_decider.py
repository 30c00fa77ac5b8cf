"""RP-7 (rev.2) hot work: two approvals by two different people, a named fire supervisor,
a stated window, then the hot-work permit."""

from datetime import UTC, datetime, timedelta

from opsledger.testing import Scenario, given
from permits.domain.hotwork import (
    HOT_WORK,
    ApplyForHotWork,
    ApproveHotWork,
    HotWorkCommand,
    HotWorkState,
    IssueHotWorkPermit,
    OpenHotWork,
)
from permits.domain.hotwork.events import HotWorkPermitIssued

NOW = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
WINDOW = (NOW + timedelta(hours=2), NOW + timedelta(hours=5))
BOTH = ("engineering", "concierge")


def apply(
    supervisor: str = "Chen Qiang", window: tuple[datetime, datetime] = WINDOW
) -> OpenHotWork:
    return OpenHotWork(
        ApplyForHotWork("site-a", "HW1", "RP-site-a-0007", "Welding", supervisor, *window)
    )


def applied() -> Scenario[HotWorkState, HotWorkCommand]:
    scenario: Scenario[HotWorkState, HotWorkCommand] = given(HOT_WORK, at=NOW)
    return scenario.record(apply(), at=NOW, actor="cs-1", roles=("customer_service",))


def test_rp7_the_contractor_names_its_fire_supervisor() -> None:
    scenario: Scenario[HotWorkState, HotWorkCommand] = given(HOT_WORK, at=NOW)
    assert scenario.refuses(apply(" "), "RP-7", at=NOW).field == "fire_supervisor"


def test_rp7_the_window_is_stated_and_ahead() -> None:
    scenario: Scenario[HotWorkState, HotWorkCommand] = given(HOT_WORK, at=NOW)
    backwards = (WINDOW[1], WINDOW[0])
    assert scenario.refuses(apply(window=backwards), "RP-7", at=NOW).field == "ends_at"
    past = (NOW - timedelta(hours=3), NOW - timedelta(hours=1))
    assert scenario.refuses(apply(window=past), "RP-7", at=NOW).field == "ends_at"


def test_rp7_the_permit_needs_both_approvals() -> None:
    scenario = applied()
    refusal = scenario.refuses(IssueHotWorkPermit("HW1"), "RP-7", at=NOW)
    assert "engineering and concierge" in refusal.message
    scenario.record(ApproveHotWork("HW1", "engineering"), at=NOW, actor="eng-1", roles=BOTH)
    assert "concierge" in scenario.refuses(IssueHotWorkPermit("HW1"), "RP-7", at=NOW).message


def test_rp7_one_person_holding_both_roles_does_not_count_twice() -> None:
    scenario = applied()
    scenario.record(ApproveHotWork("HW1", "engineering"), at=NOW, actor="boss", roles=BOTH)
    again = ApproveHotWork("HW1", "concierge")
    refusal = scenario.refuses(again, "RP-7", at=NOW, actor="boss", roles=BOTH)
    assert "two different people" in refusal.message


def test_rp7_each_approval_is_its_departments() -> None:
    scenario = applied()
    refusal = scenario.refuses(
        ApproveHotWork("HW1", "concierge"), "RP-7", at=NOW, actor="eng-1", roles=("engineering",)
    )
    assert refusal.field == "department"


def test_rp7_two_people_approve_and_the_permit_is_issued_for_the_window() -> None:
    scenario = applied()
    scenario.record(ApproveHotWork("HW1", "engineering"), at=NOW, actor="eng-1", roles=BOTH)
    scenario.record(ApproveHotWork("HW1", "concierge"), at=NOW, actor="con-1", roles=BOTH)
    [issued] = scenario.when(IssueHotWorkPermit("HW1"), at=NOW, actor="cs-1")
    assert isinstance(issued, HotWorkPermitIssued)
    assert (issued.engineering_approver, issued.concierge_approver) == ("eng-1", "con-1")
    assert (issued.fire_supervisor, issued.starts_at, issued.ends_at) == ("Chen Qiang", *WINDOW)
