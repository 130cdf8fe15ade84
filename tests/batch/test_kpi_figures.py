"""One figure per KPI: the batch rows' ``kpi_<id>`` column and lint's ``kpi_mean`` are the
same number for the same runs (they once disagreed: 92 against 77.6)."""

import pytest

from opssim.batch import run_one
from opssim.batch.lint import metric_value, stats_of
from opssim.batch.rows import row_from_summary
from opssim.scenario import load_scenario
from opssim.scenario.schema import Expectation


@pytest.mark.parametrize("name", ["small-startup", "holiday-rush"])
def test_rows_and_lint_give_each_kpi_the_same_figure(name: str, starter_path) -> None:
    sc = load_scenario(starter_path.parent / f"{name}.yaml")
    rows, stats = [], []
    for seed in range(3):
        data = run_one(sc, seed).data
        rows.append(row_from_summary(sc, data, [], {}))
        stats.append(stats_of(data, sc))
    for kpi in sc.kpis:
        for row, st in zip(rows, stats, strict=True):
            assert row[f"kpi_{kpi.name}"] == pytest.approx(st.kpi[kpi.name])
        e = Expectation(metric="kpi_mean", kpi=kpi.name, range=[0, 1])
        mean = sum(r[f"kpi_{kpi.name}"] for r in rows) / len(rows)
        assert metric_value(e, stats) == pytest.approx(mean)
    weekly = next(k for k in sc.kpis if k.weekly)
    assert weekly.from_week > 1, "the window differs from every week: the figure must follow it"
