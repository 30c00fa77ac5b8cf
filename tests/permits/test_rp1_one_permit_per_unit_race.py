"""RP-1 across streams: two applications racing for one unit, both decided before either
commits, leave one permit: the claim on the unit's stream is what decides."""

import asyncio
from collections.abc import Sequence

import pytest
from opsledger.eventstore import NewEvent, RecordedEvent
from opsledger.runtime import Tx
from opsledger_contracts.events.permits import PermitApplied

from tests.permits.conftest import Permits, application


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
async def test_rp1_two_applications_racing_for_one_unit_leave_one_permit(
    permits: Permits, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each has written its permit's application, then they meet at a barrier, then each
    claims the unit. PostgreSQL only: SQLite takes its write lock at BEGIN."""
    await permits.unit()
    both_applied = asyncio.Barrier(2)
    waiting = 0
    append = Tx.append

    async def append_then_meet(
        tx: Tx,
        stream_id: str,
        stream_type: str,
        expected_version: int | None,
        events: Sequence[NewEvent],
    ) -> list[RecordedEvent]:
        nonlocal waiting
        recorded = await append(tx, stream_id, stream_type, expected_version, events)
        if any(e.event_type == PermitApplied.event_type for e in recorded) and waiting < 2:
            waiting += 1
            await both_applied.wait()
        return recorded

    monkeypatch.setattr(Tx, "append", append_then_meet)
    first = permits.client.post("/permits", json=application("pmt-1"), headers=permits.desk)
    second = permits.client.post("/permits", json=application("pmt-2"), headers=permits.desk)
    async with asyncio.timeout(60):  # a guard against a hang, not a wait for an outcome
        answers = await asyncio.gather(first, second)
    monkeypatch.undo()

    assert waiting == 2, "the two did not overlap"
    assert sorted(a.status_code for a in answers) == [201, 409], [a.text for a in answers]
    applied = [e.stream_id for e in await permits.events() if e.event_type == "PermitApplied"]
    assert len(applied) == 1
    unit = await permits.get("/units/B2-1203", permits.desk, site_id="site-a")
    assert unit["permits"] == [applied[0].removeprefix("permit-")]
