"""CC-9, each constraint on both parties (001 七): the requester AND the counterpart, the
swap day AND the pay-back day, at request AND again at approval. Each test fails when the
one check it names is deleted."""

from callcenter.domain.rosters import commands as r

from tests.callcenter.test_rosters import (
    LEAD,
    MANAGER,
    MONTH,
    SITE,
    approval,
    d,
    do,
    leave,
    refused,
    request,
    roster,
    swap,
)


def test_cc9_no_swap_onto_a_leave_day_of_the_requester() -> None:
    # agent-1 is on leave for the night of the 8th and asks to give away the 8th's morning.
    run = roster((8, "morning", "agent-1"), (8, "night", "agent-1"), (13, "morning", "agent-2"))
    do(run, r.GrantLeave(SITE, MONTH, "agent-1", d(8), "night", "wedding"), LEAD)
    err = refused(run, request("S1", (8, "morning"), "agent-2", (13, "morning")))
    assert (err.code, err.field) == ("CC-9", "requester")
    assert "agent-1 is on leave on 2026-04-08" in err.message


def test_cc9_no_swap_onto_a_leave_day_of_the_counterpart() -> None:
    run = roster((8, "morning", "agent-1"), (13, "morning", "agent-2"), (13, "night", "agent-2"))
    do(run, r.GrantLeave(SITE, MONTH, "agent-2", d(13), "night", "exam"), LEAD)
    err = refused(run, request("S1", (8, "morning"), "agent-2", (13, "morning")))
    assert (err.code, err.field) == ("CC-9", "counterpart")
    assert "agent-2 is on leave on 2026-04-13" in err.message


def test_cc9_no_swap_when_the_pay_back_day_is_a_leave_day_of_the_requester() -> None:
    # agent-1 would work the 13th in return, and is on leave for the 13th's night.
    run = roster((8, "morning", "agent-1"), (13, "night", "agent-1"), (13, "morning", "agent-2"))
    do(run, r.GrantLeave(SITE, MONTH, "agent-1", d(13), "night", "exam"), LEAD)
    err = refused(run, request("S1", (8, "morning"), "agent-2", (13, "morning")))
    assert (err.code, err.field) == ("CC-9", "requester")
    assert "agent-1 is on leave on 2026-04-13" in err.message


def test_cc9_no_leave_on_the_swap_day_of_either_party() -> None:
    run = roster((1, "morning", "agent-1"), (1, "night", "agent-1"), (3, "morning", "agent-2"))
    swap(run, "S1", "agent-1", (1, "morning"), "agent-2", (3, "morning"))
    # The requester still works the night of the swap day (the 1st): no leave then.
    err = refused(run, r.GrantLeave(SITE, MONTH, "agent-1", d(1), "night", "tired"), LEAD)
    assert (err.code, err.field) == ("CC-9", "date")
    assert "swap or pay-back day of agent-1 (swap S1)" in err.message
    # The counterpart took over the 1st's morning: no leave then either.
    err = refused(run, leave("agent-2", 1, "tired"), LEAD)
    assert (err.code, err.field) == ("CC-9", "date")
    assert "agent-2" in err.message


def test_cc9_no_leave_on_the_days_of_a_swap_still_waiting_for_approval() -> None:
    run = roster((1, "morning", "agent-1"), (3, "morning", "agent-2"))
    swap(run, "S1", "agent-1", (1, "morning"), "agent-2", (3, "morning"), approve=False)
    err = refused(run, leave("agent-2", 3, "tired"), LEAD)
    assert (err.code, err.field) == ("CC-9", "date")


def test_cc9_no_consecutive_swaps_of_the_counterpart() -> None:
    run = roster(
        (13, "morning", "agent-1"),
        (15, "morning", "agent-2"),
        (16, "morning", "agent-2"),
        (21, "morning", "agent-3"),
    )
    swap(run, "S1", "agent-1", (13, "morning"), "agent-2", (15, "morning"))
    # agent-3 asks agent-2 for the 16th: the day after agent-2's swap of the 15th.
    err = refused(run, request("S2", (21, "morning"), "agent-2", (16, "morning")), "agent-3")
    assert (err.code, err.field) == ("CC-9", "counterpart")
    assert "agent-2 would swap on consecutive days (swap S1)" in err.message


def test_cc9_swaps_two_days_apart_are_not_consecutive() -> None:
    run = roster(
        (13, "morning", "agent-1"),
        (15, "morning", "agent-2"),
        (17, "morning", "agent-2"),
        (22, "morning", "agent-3"),
    )
    swap(run, "S1", "agent-1", (13, "morning"), "agent-2", (15, "morning"))
    swap(run, "S2", "agent-3", (22, "morning"), "agent-2", (17, "morning"))
    assert [s.approved for s in run.state.swaps] == [True, True]


def test_cc9_at_most_three_swaps_per_month_for_the_counterpart() -> None:
    run = roster(
        (1, "morning", "agent-3"),
        (8, "morning", "agent-2"),
        (10, "morning", "agent-4"),
        (13, "morning", "agent-2"),
        (15, "morning", "agent-5"),
        (17, "morning", "agent-2"),
        (20, "morning", "agent-6"),
        (23, "morning", "agent-2"),
    )
    swap(run, "S1", "agent-3", (1, "morning"), "agent-2", (8, "morning"))
    swap(run, "S2", "agent-4", (10, "morning"), "agent-2", (13, "morning"))
    swap(run, "S3", "agent-5", (15, "morning"), "agent-2", (17, "morning"))
    err = refused(run, request("S4", (20, "morning"), "agent-2", (23, "morning")), "agent-6")
    assert (err.code, err.field) == ("CC-9", "counterpart")
    assert "agent-2 has swapped 3 times this month (at most 3)" in err.message


def test_cc9_approval_checks_every_constraint_again() -> None:
    # Two requests of agent-1 on adjacent days wait side by side; approving one makes
    # the other a consecutive swap, so its approval is refused.
    run = roster(
        (13, "morning", "agent-1"),
        (14, "morning", "agent-1"),
        (20, "morning", "agent-2"),
        (24, "morning", "agent-3"),
    )
    swap(run, "S1", "agent-1", (13, "morning"), "agent-2", (20, "morning"), approve=False)
    swap(run, "S2", "agent-1", (14, "morning"), "agent-3", (24, "morning"), approve=False)
    do(run, r.AgreeSwap(SITE, MONTH, "S1"), "agent-2")
    do(run, r.AgreeSwap(SITE, MONTH, "S2"), "agent-3")
    do(run, approval("S1"), MANAGER)
    err = refused(run, approval("S2"), MANAGER)
    assert (err.code, err.field) == ("CC-9", "requester")
    assert "consecutive" in err.message
