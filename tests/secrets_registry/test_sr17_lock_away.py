"""SR-17 rev.2: staff leaving the office lock carriers in secure storage. A carrier signed
out to read or use is signed back in by the site's lock-away time (setting
`lock_away_time`, default 18:00 local) of that day — after it, by the day's end; one still
out then is a `CarrierNotLockedAway` event (a durable timer), on the use register."""

from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from opsledger.decider import Cancel, Schedule
from opsledger.testing import given, site_calendar
from pydantic import ValidationError
from secrets_registry.domain.carriers import CARRIER
from secrets_registry.domain.carriers import commands as c
from secrets_registry.domain.carriers import events as ev
from secrets_registry.domain.rules import RegistryRules

from tests.secrets_registry.test_carriers_decider import cleared, record

AT = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
SIX_PM = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai


def signed_out(at: datetime = AT, rules: dict[str, Any] | None = None) -> Any:
    site = site_calendar("site-a", {"rules": {"secrets_registry": rules or {}}})
    scenario = given(CARRIER, at=AT, site=site).record(record(), at=AT)
    return scenario.record(c.RecordSignOut("car-1", "p-1", "read", cleared()), at=at)


def test_sr17_rev2_a_sign_out_is_due_back_in_storage_by_the_lock_away_time() -> None:
    scenario = signed_out()
    out = scenario.history[-1].payload
    assert isinstance(out, ev.CarrierSignedOut) and out.lock_away_by == SIX_PM
    timers = [r for r in scenario.reactions() if isinstance(r, Schedule)]
    assert [(t.kind, t.due_at) for t in timers] == [("carrier_lock_away", SIX_PM)]


def test_sr17_rev2_still_out_at_the_lock_away_time_is_an_event() -> None:
    scenario = signed_out()
    decided = scenario.when(c.CheckLockedAway("car-1", SIX_PM), at=SIX_PM)
    assert len(decided) == 1 and isinstance(decided[0], ev.CarrierNotLockedAway)
    assert (decided[0].person_id, decided[0].lock_away_by) == ("p-1", SIX_PM)
    after = scenario.given(*decided, at=SIX_PM)
    assert [(line.entry, line.person) for line in after.state.lines][-1] == (
        "not_locked_away",
        "p-1",
    )


def test_sr17_rev2_signed_back_in_before_it_nothing_happens_and_the_timer_is_cancelled() -> None:
    scenario = signed_out().record(c.RecordSignIn("car-1"), at=AT + timedelta(hours=2))
    assert scenario.when(c.CheckLockedAway("car-1", SIX_PM), at=SIX_PM) == []
    assert any(isinstance(r, Cancel) for r in scenario.reactions())


def test_sr17_rev2_a_later_sign_out_has_its_own_deadline() -> None:
    scenario = signed_out().record(c.RecordSignIn("car-1"), at=AT + timedelta(hours=1))
    scenario = scenario.record(
        c.RecordSignOut("car-1", "p-1", "use", cleared()), at=AT + timedelta(hours=2)
    )
    # a stale timer of the first sign-out finds the carrier out again: not its deadline
    stale = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    assert scenario.when(c.CheckLockedAway("car-1", stale), at=SIX_PM) == []


def test_sr17_rev2_signed_out_after_the_lock_away_time_is_due_by_the_days_end() -> None:
    late = SIX_PM + timedelta(minutes=1)
    out = signed_out(at=late).history[-1].payload
    assert out.lock_away_by == datetime(2026, 12, 7, 16, 0, tzinfo=UTC)  # midnight local


def test_sr17_rev2_the_lock_away_time_is_the_sites() -> None:
    out = signed_out(rules={"lock_away_time": "17:30"}).history[-1].payload
    assert out.lock_away_by == datetime(2026, 12, 7, 9, 30, tzinfo=UTC)
    assert RegistryRules().lock_away_time == time(18, 0)
    with pytest.raises(ValidationError, match="lock_away_time"):
        RegistryRules.model_validate({"lock_away_time": "25:00"})
