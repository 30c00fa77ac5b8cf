"""CC-6 quality targets and CC-11 answered-call rate per site and site-local month."""

from datetime import UTC, datetime, timedelta

from callcenter.domain.calls.staffing import BandCoverage
from callcenter.domain.kpis import MonthCounts, evaluate, judge_coverage
from callcenter.domain.rules import CallcenterRules
from opsledger.verify import verify_read_models

from tests.callcenter.conftest import CallCenter


def test_cc6_targets_are_judged_from_the_figures() -> None:
    # 25 valid complaints (24 closed) besides an invalid one; three resolved tickets: one
    # called back and rated 5 with a timely first-time work order, one rated 3 whose work
    # order went overdue, one closed unreachable with an SLA breach; 9 of 10 calls answered.
    counts = MonthCounts(
        tickets=29,
        valid_complaints=25,
        closed_valid_complaints=24,  # 24/25 = 96% meets the target exactly
        resolved=3,
        called_back=2,
        rated=2,
        satisfied=1,
        urgent_repairs=2,
        urgent_on_time=1,
        minor_repairs=1,
        minor_on_time=1,
        repairs=3,
        repairs_first_time=3,
        sla_breaches=1,
        calls=10,
        answered_calls=9,
    )
    figures = {k.name: k for k in evaluate(counts, CallcenterRules())}
    closure = figures["valid_complaint_closure_rate"]
    assert (closure.numerator, closure.denominator, closure.met) == (24, 25, True)
    callback = figures["callback_rate"]
    assert (callback.numerator, callback.denominator, callback.met) == (2, 3, False)
    assert figures["satisfaction_share"].rate == 0.5 and figures["satisfaction_share"].met is False
    assert figures["repair_timeliness_urgent"].met is False
    assert figures["repair_timeliness_minor"].met is True
    assert figures["repair_timeliness_unclassed"].met is None
    assert figures["first_time_fix_rate"].met is True
    assert figures["answered_call_rate"].rate == 0.9 and figures["answered_call_rate"].met is True
    assert figures["sla_breaches"].numerator == 1 and figures["sla_breaches"].met is False
    empty = {k.name: k for k in evaluate(MonthCounts(), CallcenterRules())}
    assert empty["callback_rate"].rate is None and empty["callback_rate"].met is None


async def test_cc11_answered_call_rate_per_site_local_month(cc: CallCenter) -> None:
    # 2026-03-31 17:00 UTC is already April 1st in Shanghai.
    late = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
    cc.clock.set(late + timedelta(hours=1))
    answers = [
        await cc.post(
            "/calls",
            {
                "site_id": "site-a",
                "call_id": f"c-{i}",
                "outcome": outcome,
                "offered_at": late.isoformat(),
                **({"answered_by": "agent-1"} if outcome == "answered" else {}),
            },
        )
        for i, outcome in enumerate(["answered", "answered", "abandoned"])
    ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert answers[0].json()["month"] == "2026-04"
    duplicate = await cc.post(
        "/calls",
        {
            "site_id": "site-a",
            "call_id": "c-0",
            "outcome": "abandoned",
            "offered_at": late.isoformat(),
        },
    )
    assert duplicate.status_code == 409 and duplicate.json()["error"]["code"] == "CC-11"
    unnamed = await cc.post(
        "/calls",
        {
            "site_id": "site-a",
            "call_id": "c-9",
            "outcome": "answered",
            "offered_at": late.isoformat(),
        },
    )
    assert unnamed.status_code == 422 and unnamed.json()["error"]["field"] == "answered_by"
    await cc.service.read_models.catch_up()
    report = (await cc.get("/kpis?site_id=site-a&month=2026-04", roles="cc_manager")).json()
    rate = next(k for k in report["kpis"] if k["name"] == "answered_call_rate")
    assert (rate["numerator"], rate["denominator"], rate["met"]) == (2, 3, False)
    assert report["not_measured"] == []  # surveyed satisfaction is measured (CC-6 rev.)
    march = (await cc.get("/kpis?site_id=site-a&month=2026-03", roles="cc_manager")).json()
    assert next(k for k in march["kpis"] if k["name"] == "answered_call_rate")["denominator"] == 0
    assert (await cc.get("/kpis?site_id=site-a&month=2026-04", roles="driver")).status_code == 403
    runtime = cc.service.runtime
    assert (
        await verify_read_models(
            runtime.engine, runtime.store, cc.service.catalog, cc.service.read_models.projections
        )
        == []
    )


async def test_cc6_kpis_over_http_count_complaints_callbacks_and_breaches(cc: CallCenter) -> None:
    closed = await cc.open_ticket(kind="complaint", complaint_level=1)
    left_open = await cc.open_ticket(kind="complaint", complaint_level=2)
    tid = closed["ticket_id"]
    await cc.post(f"/tickets/{tid}/first-response", {"note": "sorry"})
    await cc.post(f"/tickets/{tid}/resolve", {"note": "fixed"})
    await cc.post(
        f"/tickets/{tid}/callbacks",
        {"reached": True, "satisfaction": 4, "resolution_confirmed": True},
    )
    assert (await cc.post(f"/tickets/{tid}/close")).status_code == 200
    cc.clock.advance(timedelta(days=5))
    await cc.service.timers.fire_due()  # left_open's first response is overdue
    await cc.service.read_models.catch_up()
    report = (await cc.get("/kpis?site_id=site-a&month=2026-03", roles="agent")).json()
    kpis = {k["name"]: k for k in report["kpis"]}
    assert (
        kpis["valid_complaint_closure_rate"]["numerator"],
        kpis["valid_complaint_closure_rate"]["denominator"],
    ) == (1, 2)
    assert kpis["valid_complaint_closure_rate"]["met"] is False
    callback, rated = kpis["callback_rate"], kpis["satisfaction_share"]
    assert (callback["numerator"], callback["denominator"], callback["met"]) == (1, 1, True)
    assert (rated["numerator"], rated["denominator"], rated["rate"]) == (1, 1, 1.0)
    breaches = kpis["sla_breaches"]
    assert (breaches["numerator"], breaches["denominator"], breaches["met"]) == (1, 2, False)
    # The breach is the unanswered ticket's (the answered one was in time).
    board = (await cc.get("/tickets?site_id=site-a")).json()
    assert {row["ticket_id"]: row["sla_breached"] for row in board} == {
        tid: False,
        left_open["ticket_id"]: True,
    }
    runtime = cc.service.runtime
    assert (
        await verify_read_models(
            runtime.engine, runtime.store, cc.service.catalog, cc.service.read_models.projections
        )
        == []
    )


async def test_cc11_seats_online_in_peak_hours_and_at_night(cc: CallCenter) -> None:
    midnight = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # 2026-04-01 00:00 Shanghai
    cc.clock.set(midnight)
    for agent in ("a1", "a2"):
        answer = await cc.post(
            "/seats/login", {"site_id": "site-a", "seat_id": f"s-{agent}"}, staff=agent
        )
        assert answer.status_code == 201, answer.text
    twice = await cc.post("/seats/login", {"site_id": "site-a", "seat_id": "s-x"}, staff="a1")
    assert twice.status_code == 409 and twice.json()["error"]["code"] == "CC-11"
    nobody = await cc.post("/seats/logout", {"site_id": "site-a"}, staff="a9")
    assert nobody.status_code == 409
    cc.clock.set(midnight + timedelta(hours=9))  # 09:00 local: peak starts
    for i in range(3, 9):
        await cc.post("/seats/login", {"site_id": "site-a", "seat_id": f"s-{i}"}, staff=f"a{i}")
    cc.clock.set(midnight + timedelta(hours=9, minutes=30))
    out = await cc.post("/seats/logout", {"site_id": "site-a"}, staff="a8")
    assert out.status_code == 200 and out.json()["seat_id"] == "s-8"
    cc.clock.set(midnight + timedelta(hours=10))
    await cc.service.read_models.catch_up()
    report = (await cc.get("/kpis?site_id=site-a&month=2026-04", roles="cc_manager")).json()
    kpis = {k["name"]: k for k in report["kpis"]}
    # 00:00-07:45: 32 night quarter-hours with 2 seats; 09:00-09:45: 8, 8, 7, 7 seats.
    assert (kpis["seats_online_night"]["numerator"], kpis["seats_online_night"]["denominator"]) == (
        32,
        32,
    )
    assert kpis["seats_online_night"]["met"] is True
    assert (kpis["seats_online_peak"]["numerator"], kpis["seats_online_peak"]["denominator"]) == (
        2,
        4,
    )
    assert kpis["seats_online_peak"]["met"] is False
    runtime = cc.service.runtime
    assert (
        await verify_read_models(
            runtime.engine, runtime.store, cc.service.catalog, cc.service.read_models.projections
        )
        == []
    )


async def test_cc11_kpis_show_the_20_to_08_night_band_and_every_hour_with_targets(
    cc: CallCenter,
) -> None:
    midnight = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # 2026-04-01 00:00 Shanghai
    cc.clock.set(midnight + timedelta(hours=20))  # 20:00 local: the night band starts
    answer = await cc.post("/seats/login", {"site_id": "site-a", "seat_id": "s-1"}, staff="a1")
    assert answer.status_code == 201, answer.text
    cc.clock.set(midnight + timedelta(hours=21))
    await cc.service.read_models.catch_up()
    report = (await cc.get("/kpis?site_id=site-a&month=2026-04", roles="cc_manager")).json()
    kpis = {k["name"]: k for k in report["kpis"]}
    night, every = kpis["seats_online_night"], kpis["seats_online_every_hour"]
    # Night: 00:00-07:45 (32 samples, nobody) and 20:00-20:45 (4, one seat of the 2 needed).
    assert (night["numerator"], night["denominator"], night["met"]) == (0, 36, False)
    # 7x24: 84 quarter-hours, a seat online only from 20:00.
    assert (every["numerator"], every["denominator"], every["target"]) == (4, 84, 1.0)
    assert every["met"] is False


def test_cc11_seat_targets_are_per_site_settings() -> None:
    coverage = [BandCoverage("seats_online_every_hour", "every_hour", 1, 100, 99, 0)]
    (strict,) = judge_coverage(coverage, CallcenterRules())
    assert (strict.rate, strict.target, strict.met) == (0.99, 1.0, False)
    lenient = CallcenterRules.model_validate({"kpi_targets": {"seats_online_every_hour": 0.99}})
    (judged,) = judge_coverage(coverage, lenient)
    assert (judged.numerator, judged.denominator, judged.met) == (99, 100, True)
