"""A person's record built through the registry's own commands, for decider tests."""

from datetime import UTC, date, datetime

from opsledger.testing import Scenario, given
from secrets_registry.domain.clearance import PersonLevel
from secrets_registry.domain.personnel import PERSON, PersonCommands, PersonState
from secrets_registry.domain.personnel import commands as c

NOW = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)  # 10:00 in Asia/Shanghai
TODAY = date(2026, 12, 7)
PID = "stf-0107"


def person(
    level: PersonLevel = PersonLevel.IMPORTANT,
    *,
    key_department: bool = False,
    appraisal: c.Appraisal = "competent",
    at: datetime = NOW,
    pid: str = PID,
) -> Scenario[PersonState, PersonCommands]:
    """A person whose level was proposed, reviewed, approved and filed; vetted, trained
    and pledged, not yet in post."""
    s = given(PERSON, at=at, stream_id=f"person-{pid}")
    day = at.date()
    s.record(
        c.ProposeLevel("site-a", pid, "archives", "keeper", level, key_department, "needs it"),
        at=at,
        actor="head-1",
    )
    s.record(c.ReviewLevel(pid, True, "agreed"), at=at, actor="head-1")
    s.record(c.ApproveLevel(pid, True, "BM-2026-07", "filed"), at=at, actor="cmte-1")
    ok: c.Verdict = "satisfactory"
    s.record(c.RecordVetting(pid, day, ok, ok, ok, ok, appraisal, "clean"), at=at)
    s.record(c.RecordEducation(pid, "T1", "training", day, "secrecy law", "passed"), at=at)
    s.record(c.SignPledge(pid, "P1", "entry", day), at=at)
    return s


def in_post(
    level: PersonLevel = PersonLevel.IMPORTANT,
    *,
    key_department: bool = False,
    at: datetime = NOW,
    pid: str = PID,
) -> Scenario[PersonState, PersonCommands]:
    s = person(level, key_department=key_department, at=at, pid=pid)
    return s.record(c.EnterPost(pid, at.date()), at=at)
