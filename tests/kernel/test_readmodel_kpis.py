"""One `Kpi` shape for every service's `/kpis` answer (callcenter, permits)."""

from opsledger.readmodels.kpis import Kpi


def test_a_ratio_is_judged_against_its_target_and_rounded() -> None:
    assert Kpi.ratio("answered", 2, 3, 0.6) == Kpi("answered", 2, 3, 0.6667, 0.6, True)
    assert Kpi.ratio("answered", 1, 3, 0.5).met is False


def test_nothing_to_measure_is_neither_met_nor_missed() -> None:
    assert Kpi.ratio("refunds", 0, 0, 1.0) == Kpi("refunds", 0, 0, None, 1.0, None)


def test_services_answer_the_kernels_shape() -> None:
    from callcenter.domain import kpis as callcenter
    from permits.domain import kpis as permits

    assert callcenter.Kpi is Kpi and permits.Kpi is Kpi
