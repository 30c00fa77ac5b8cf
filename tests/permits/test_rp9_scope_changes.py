"""RP-9 rev.2: a scope change is applied for at least 7 working days (site calendar)
before the change and waits for the management office's approval."""

from datetime import UTC, date, datetime

from opsledger.testing import given, site_calendar
from permits.domain.permit import PERMIT
from permits.domain.permit import commands as c

from tests.permits.conftest import Permits
from tests.permits.scenarios import P, applied, started

# Mon 2026-09-28 10:00 Asia/Shanghai: 7 working days on are 09-29, 09-30, (10-01 …
# 10-07 off) 10-08, 10-09, Saturday 10-10 (make-up), 10-12, 10-13.
MON = datetime(2026, 9, 28, 2, 0, tzinfo=UTC)


def test_rp9_fewer_than_7_working_days_ahead_is_refused_across_the_holidays() -> None:
    scenario = started(MON)
    error = scenario.refuses(
        c.ApplyScopeChange(P, "SC-1", "Move a partition", date(2026, 10, 12)), "RP-9", at=MON
    )
    assert error.field == "change_on"
    assert "2026-10-13" in error.message
    scenario.record(c.ApplyScopeChange(P, "SC-1", "Move a partition", date(2026, 10, 13)), at=MON)
    assert scenario.state.scope_change("SC-1") is not None


def test_rp9_the_notice_period_is_a_site_setting() -> None:
    site = site_calendar(config={"rules": {"permits": {"scope_change_notice_working_days": 2}}})
    scenario = given(PERMIT, at=MON, site=site)
    for event in started(MON).history:
        scenario.given(event.payload, at=MON)
    scenario.record(c.ApplyScopeChange(P, "SC-1", "Move a partition", date(2026, 9, 30)), at=MON)


def test_rp9_only_an_active_permit_changes_scope() -> None:
    applied(MON).refuses(
        c.ApplyScopeChange(P, "SC-1", "Move a partition", date(2026, 12, 1)), "RP-9", at=MON
    )


def test_rp9_the_change_waits_for_the_management_office() -> None:
    scenario = started(MON).record(
        c.ApplyScopeChange(P, "SC-1", "Move a partition", date(2026, 10, 20)), at=MON
    )
    change = scenario.state.scope_change("SC-1")
    assert change is not None and change.status == "pending"
    scenario.record(c.DecideScopeChange(P, "SC-1", True, "Non-structural"), at=MON)
    decided = scenario.state.scope_change("SC-1")
    assert decided is not None and decided.status == "approved"
    scenario.refuses(c.DecideScopeChange(P, "SC-1", False, "Again"), "CONFLICT", at=MON)
    scenario.refuses(c.DecideScopeChange(P, "SC-9", True, "None such"), "RP-9", at=MON)


async def test_rp9_over_http_the_manager_approves(permits: Permits) -> None:
    await permits.started()
    # Mon 11-23: 7 working days on is Wed 12-02.
    body = {"change_id": "SC-1", "description": "Move a partition", "change_on": "2026-12-01"}
    refused = await permits.post("/permits/pmt-1/scope-changes", body, permits.desk, 422)
    assert (refused["error"]["code"], refused["error"]["field"]) == ("RP-9", "change_on")
    applied_for = await permits.post(
        "/permits/pmt-1/scope-changes", {**body, "change_on": "2026-12-02"}, permits.desk
    )
    assert applied_for["scope_changes"] == {"SC-1": "pending"}
    decision = {"approve": True, "note": "Non-structural"}
    await permits.post("/permits/pmt-1/scope-changes/SC-1/decision", decision, permits.cs, 403)
    answer = await permits.post(
        "/permits/pmt-1/scope-changes/SC-1/decision", decision, permits.manager
    )
    assert answer["scope_changes"] == {"SC-1": "approved"}
