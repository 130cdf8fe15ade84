"""Expectations: metrics over runs, the ``expect:`` checks, and every shipped scenario's
expectations holding (the scenarios run in parallel, one process each)."""

from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing import get_context
from pathlib import Path

import pytest

from opssim.batch.lint import RunStats, lint_path, metric_value
from opssim.scenario.schema import Expectation

REPO = Path(__file__).resolve().parents[2]
SHIPPED = sorted((REPO / "scenarios").glob("*.yaml"))


@pytest.fixture(scope="module")
def shipped_reports() -> dict[str, object]:
    """``lint --only-expect`` of every shipped scenario, two processes at a time."""
    paths = [str(p) for p in SHIPPED]
    expect_only = partial(lint_path, balance=False, expect=True, workers=1)
    with ProcessPoolExecutor(2, mp_context=get_context("spawn")) as pool:
        reports = pool.map(expect_only, paths)
        return dict(zip([p.name for p in SHIPPED], reports, strict=True))


def test_there_are_at_least_six_shipped_scenarios() -> None:
    names = {p.stem for p in SHIPPED}
    assert len(names) >= 6
    assert {"tutorial", "starter", "small-startup", "big-company", "holiday-rush",
            "crisis"} <= names


@pytest.mark.parametrize("name", [p.name for p in SHIPPED])
def test_shipped_scenario_expectations_hold(name: str, shipped_reports) -> None:
    report = shipped_reports[name]
    assert report.expectations, f"{name} declares no expectations"
    assert not report.failed, "\n".join(report.lines())
    assert all(e.expectation.seeds <= 40 for e in report.expectations), "keep seeds modest"


def test_shipped_scenarios_declare_distinct_difficulties(shipped_reports) -> None:
    difficulties = {r.located.scenario.difficulty for r in shipped_reports.values()}
    assert difficulties == {"tutorial", "easy", "normal", "hard"}


def stats(outcome: str, reputation: float, hits: tuple[int, int], kpi: float) -> RunStats:
    return RunStats(outcome, reputation, {"k": hits}, {"k": kpi}, {"a": 10, "b": 4})


RUNS = [stats("promoted", 80, (3, 4), 100.0), stats("kept", 50, (1, 4), 50.0),
        stats("fired", 0, (0, 2), 0.0), stats("promoted", 90, (4, 4), 150.0)]


@pytest.mark.parametrize(
    "fields, value",
    [
        ({"metric": "win_rate"}, 0.5),
        ({"metric": "kept_rate"}, 0.25),
        ({"metric": "fired_rate"}, 0.25),
        ({"metric": "hit_rate"}, 8 / 14),
        ({"metric": "hit_rate", "kpi": "k"}, 8 / 14),
        ({"metric": "kpi_mean", "kpi": "k"}, 75.0),
        ({"metric": "reputation_mean"}, 55.0),
        ({"metric": "reached_mean", "stage": "b"}, 4.0),
    ],
)
def test_metric_values(fields: dict, value: float) -> None:
    e = Expectation.model_validate({"range": [0, 1], **fields})
    assert metric_value(e, RUNS) == pytest.approx(value)


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"metric": "kpi_mean"}, "needs kpi"),
        ({"metric": "reached_mean"}, "needs stage"),
        ({"metric": "win_rate", "kpi": "k"}, "does not apply"),
        ({"metric": "win_rate", "policy": "random"}, "pattern"),
        ({"metric": "win_rate", "seeds": 0}, "greater than"),
        ({"metric": "win_rate", "range": [1]}, "at least 2"),
    ],
)
def test_bad_expectations_are_rejected(fields: dict, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        Expectation.model_validate({"range": [0, 1], **fields})


EXPECTING = """\
format: 1
id: expecting
title: Expecting
weeks: 3
funnel:
  stages:
    - {id: aware}
    - {id: visit, convert: 0.2, delay_hours: {fixed: 1}}
channels:
  - {id: organic, enters: aware, per_week: 1000}
duties:
  copy: {}
  events: {}
  support: {}
  ground: {users: {curve: linear, max: 100000, per_unit: 100}, enters: visit}
reviews:
  targets:
    - {kpi: visits, stage: visit, per_week: 1000}
plan: {ground: 10}
expect:
  - {metric: hit_rate, kpi: visits, range: [1, 1], seeds: 3}
  - {metric: kpi_mean, kpi: visits, policy: "fixed:copy=10", range: [1000, 5000], seeds: 2}
  - {metric: fired_rate, policy: "fixed:teleport=3", range: [0, 1], seeds: 2}
"""


def test_cli_lint_expect_reports_each_expectation_at_its_line(cli, tmp_path: Path) -> None:
    path = tmp_path / "expecting.yaml"
    path.write_text(EXPECTING, encoding="utf-8")
    result = cli("lint", "--only-expect", "--workers", "1", path)
    assert result.code == 1, result
    lines = result.out.splitlines()
    assert lines[0] == (f"{path}:21:5: note: expectation holds: hit_rate[visits] of plan over 3 "
                        "seeds = 1, expected 1..1")
    assert lines[1].startswith(f"{path}:22:5: error: expectation FAILS: kpi_mean[visits] of "
                               "fixed:copy=10 over 2 seeds = ")
    assert lines[2].startswith(f"{path}:23:5: error: expectation FAILS: fired_rate of "
                               "fixed:teleport=3: ") and "unknown duty" in lines[2]
    assert lines[3] == f"{path}: 0 warning(s), 2 failed expectation(s), 5 runs"


def test_expect_does_not_change_the_scenario_hash(tmp_path: Path) -> None:
    from opssim.scenario import parse_scenario, scenario_hash

    bare = EXPECTING.split("expect:")[0]
    assert scenario_hash(parse_scenario(EXPECTING)) == scenario_hash(parse_scenario(bare))


def test_a_gain_claim_holds_only_when_the_paired_interval_is_above_zero(tmp_path: Path) -> None:
    from opssim.batch.lint import lint
    from opssim.scenario import parse_located

    claims = """expect:
  - {metric: win_rate_gain, policy: "schedule:1:ground=30;3:ground=35", versus: "fixed:ground=10",
     range: [0.1, 1], seeds: 6}
  - {metric: win_rate_gain, policy: "fixed:ground=10", versus: "fixed:ground=10",
     range: [0.1, 1], seeds: 3}
  - {metric: win_rate_gain, policy: "fixed:ground=10", versus: "fixed:ground=10",
     range: [-0.05, 0.05], seeds: 3}
"""
    # Visits come from ground alone: 30 hours a week hit 2,500, 10 do not; three hits from
    # reputation 65 pass the bar of 70.
    text = EXPECTING.split("expect:")[0].replace(
        "per_week: 1000}\nplan", "per_week: 2500}\nblame: {reputation: {start: 65}}\nplan",
    ) + claims
    report = lint(parse_located(text, "gain.yaml"), balance=False, expect=True, workers=1)
    first, same, none = report.expectations
    assert first.interval is not None and first.interval[0] > 0 and first.ok, first.describe()
    assert same.value == 0 and not same.ok  # a gain of zero is not above 0.1
    assert none.ok and "paired 95% interval 0..0" in none.describe()
