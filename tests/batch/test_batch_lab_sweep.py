"""Sweeps: parameters by dotted path, grid and one-at-a-time designs, sensitivity ranking;
the strategy search and its dominance check."""

import json
from typing import Any

import pytest

from opssim.batch.balance import tornado_params
from opssim.batch.montecarlo import monte_carlo
from opssim.batch.optimize import (
    Candidate,
    SearchResult,
    dominant,
    hours_focus,
    phase_starts,
    search,
)
from opssim.batch.params import ParamError, apply, parse_param
from opssim.batch.policy import parse_policy
from opssim.batch.rows import columns
from opssim.batch.runner import open_lab
from opssim.batch.sweep import design, sensitivity
from opssim.scenario import Scenario, ScenarioError, parse_scenario


@pytest.mark.parametrize(
    ("text", "where", "base"),
    [
        ("funnel.stages.visit.convert=0.08,0.12", ("funnel", "stages", 1, "convert"), 0.10),
        ("funnel.stages.1.convert=0.2", ("funnel", "stages", 1, "convert"), 0.10),
        ("channels.organic.per_week=1,2", ("channels", 0, "per_week"), 30000),
        ("duties.copy.hours_per_piece=4", ("duties", "copy", "hours_per_piece"), 6),
        ("reviews.targets.signups.per_week=900", ("reviews", "targets", 0, "per_week"), 1150),
        ("departments.web.stall_chance=0.2", ("departments", "web", "stall_chance"), 0.1),
        ("weeks=2,3", ("weeks",), 2),
        ("blame.promotion.skills.analysis=0", ("blame", "promotion", "skills", "analysis"),
         0.3),
    ],
)
def test_paths_resolve_to_numbers(lab_scenario: Scenario, text: str, where: tuple,
                                  base: float) -> None:
    p = parse_param(text, lab_scenario)
    assert p.where == where and p.base == pytest.approx(base)
    changed = apply(lab_scenario, [p], [p.values[0]])
    node = changed.model_dump(by_alias=True)
    for key in where:
        node = node[key]
    assert node == pytest.approx(p.values[0])


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("funnel.stages.visit.convrt=1", "has no field 'convrt' (fields: id, label, convert"),
        ("funnel.stages.nope.convert=1", "has no item 'nope' (ids: aware, visit"),
        ("nope=1", "the scenario has no field 'nope'"),
        ("title=1", "not a number"),
        ("duties.copy.needs.department=1", "not a number (it is the text 'web')"),
        ("weeks.x=1", "is a value, it has no 'x'"),
        ("weeks=2.5", "whole numbers"),
        ("funnel.stages.visit.convert=abc", "'abc' is not a number"),
        ("funnel.stages.visit.convert=0.1,0.1", "given twice"),
        ("funnel.stages.visit.convert=nan", "not a finite number"),
        ("funnel.stages.visit.convert", "expected PATH=V1,V2"),
        ("hours.teleport=1", "no duty 'teleport'"),
    ],
)
def test_bad_params_are_one_line_errors(lab_scenario: Scenario, text: str, says: str) -> None:
    with pytest.raises(ParamError) as exc:
        parse_param(text, lab_scenario, {})
    assert says in str(exc.value)
    assert "\n" not in str(exc.value)


def test_values_the_schema_refuses(lab_scenario: Scenario) -> None:
    p = parse_param("funnel.stages.visit.convert=0.5,1.5", lab_scenario)
    with pytest.raises(ParamError, match="less than or equal to 1"):
        design(lab_scenario, parse_policy("plan", lab_scenario), [p])
    hours = parse_param("hours.copy=50", lab_scenario, {"copy": 10, "support": 12})
    with pytest.raises(ParamError, match="at most 55"):
        design(lab_scenario, parse_policy("plan", lab_scenario), [hours])


def test_hours_need_a_constant_policy(lab_scenario: Scenario) -> None:
    with pytest.raises(ParamError, match="constant policy"):
        parse_param("hours.copy=1", lab_scenario, None)


def test_grid_and_one_at_a_time_designs(lab_scenario: Scenario) -> None:
    plan = parse_policy("plan", lab_scenario)
    a = parse_param("funnel.stages.visit.convert=0.08,0.1,0.12", lab_scenario)
    b = parse_param("hours.copy=5,20", lab_scenario, plan.constant_hours)
    grid = design(lab_scenario, plan, [a, b], "grid")
    assert len(grid) == 6
    assert grid[0].job.policy.spec == "fixed:copy=5,events=8,support=12,ground=6,analysis=4"
    assert grid[0].job.params == (("funnel.stages.visit.convert", 0.08), ("hours.copy", 5.0))
    oat = design(lab_scenario, plan, [a, b], "oat")
    # base (0.1, 10) + visit 0.08, 0.12 + copy 5, 20
    assert [pt.values for pt in oat] == [(0.1, 10.0), (0.08, 10.0), (0.12, 10.0),
                                         (0.1, 5.0), (0.1, 20.0)]
    assert oat[0].job.scenario_hash != oat[1].job.scenario_hash
    assert oat[0].job.policy.spec == "fixed:copy=10,events=8,support=12,ground=6,analysis=4"


def test_sweeping_the_plan_changes_the_plan_policy(lab_scenario: Scenario) -> None:
    plan = parse_policy("plan", lab_scenario)
    p = parse_param("plan.1.copy=20", lab_scenario)  # the starter gives its plan by week
    (point,) = design(lab_scenario, plan, [p], "grid")
    assert point.job.policy.constant_hours["copy"] == 20


def test_sensitivity_ranks_by_win_rate_swing(lab_scenario: Scenario, inline_pool) -> None:
    easy_params = [parse_param(t, lab_scenario) for t in (
        "blame.promotion.reputation=1", "reviews.targets.paying.total_by_end=10",
        "reviews.targets.signups.per_week=100")]
    easy = apply(lab_scenario, easy_params, [1, 10, 100])  # promoted if the skill is there
    plan = parse_policy("plan", easy)
    a = parse_param("blame.reputation.gain_per_hit=3,5", easy)
    b = parse_param("blame.promotion.skills.analysis=0,0.9", easy)
    points = design(easy, plan, [a, b], "grid")
    with open_lab(None, columns(easy, [a.path, b.path]), pool=inline_pool) as lab:
        results = lab.run([pt.job for pt in points], range(3))
    ranking = sensitivity([a, b], points, results, "grid")
    top = ranking[0]
    assert top.path == "blame.promotion.skills.analysis"
    assert [lv.value for lv in top.levels] == [0, 0.9]
    assert top.highest.value == 0 and top.swing == 1.0
    assert all(lv.win.n == 6 for lv in top.levels)  # pooled over the other parameter
    oat = design(easy, plan, [a, b], "oat")
    with open_lab(None, columns(easy, [a.path, b.path]), pool=inline_pool) as lab:
        results = lab.run([pt.job for pt in oat], range(3))
    ranking = sensitivity([a, b], oat, results, "oat")
    assert ranking[0].path == "blame.promotion.skills.analysis"
    levels = {lv.value: lv.win.n for lv in ranking[0].levels}
    assert levels == {0.0: 3, 0.3: 3, 0.9: 3}  # base included, the others at base


def test_phase_starts() -> None:
    assert phase_starts(12, 1) == [1]
    assert phase_starts(12, 3) == [1, 5, 9]
    assert phase_starts(2, 5) == [1, 2]


def test_hours_focus(lab_scenario: Scenario) -> None:
    duty, share = hours_focus(parse_policy("heavy:copy", lab_scenario), 2)
    assert duty == "copy" and share == pytest.approx(0.8, abs=1e-3)
    sched = parse_policy("schedule:1:copy=30,support=10;2:support=40", lab_scenario)
    duty, share = hours_focus(sched, 2)
    assert duty == "support" and share == pytest.approx(50 / 80)


def test_search_on_common_seeds(lab_scenario: Scenario, inline_pool) -> None:
    with open_lab(None, columns(lab_scenario), pool=inline_pool) as lab:
        result = search(lab, lab_scenario, range(2), budget=3, phases=2, holdout=True)
    standard = 2 + len(lab_scenario.duty_ids)
    assert len(result.evaluated) == standard + 3
    assert len({c.spec for c in result.evaluated}) == len(result.evaluated)
    for c in result.evaluated:
        assert [r["seed"] for r in c.rows] == [0, 1]
    assert result.best.score == max(c.score for c in result.evaluated)
    assert parse_policy(result.best.spec, lab_scenario).spec == result.best.spec, "reusable"
    assert set(result.holdout) >= {"plan", "even"}
    assert all([r["seed"] for r in c.rows] == [2, 3] for c in result.holdout.values())


def test_dominance_warning(lab_scenario: Scenario, inline_pool) -> None:
    with open_lab(None, columns(lab_scenario), pool=inline_pool) as lab:
        runs = monte_carlo(lab, lab_scenario,
                           [parse_policy(s, lab_scenario) for s in ("plan", "even",
                                                                    "heavy:copy")], range(2))

    def cand(spec: str, outcomes: list[str]) -> Candidate:
        rows = tuple({**r, "outcome": o} for r, o in zip(runs[spec], outcomes, strict=True))
        return Candidate(parse_policy(spec, lab_scenario), rows, spec.partition(":")[0])

    plan = cand("plan", ["promoted", "promoted"])
    even = cand("even", ["kept", "kept"])
    heavy = cand("heavy:copy", ["promoted", "kept"])
    result = SearchResult(best=plan, plan=plan, even=even, heavy=[heavy],
                          evaluated=[plan, even, heavy], seeds=[0, 1])
    assert [c.spec for c in dominant(result)] == ["heavy:copy"]
    losing = cand("heavy:copy", ["kept", "kept"])
    result.evaluated = [plan, even, losing]
    assert dominant(result) == [] or plan.win.low <= 0


@pytest.fixture
def with_calendar(lab_scenario: Scenario) -> Scenario:
    """The lab scenario with one calendar entry, named ``exam-rush``."""
    return _with_calendar(lab_scenario, id="exam-rush")


def _with_calendar(sc: Scenario, **entry: Any) -> Scenario:
    data = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["calendar"] = [{"kind": "holiday", "week": 1, "hours": 48, "arrivals_x": 2.0, **entry}]
    return parse_scenario(json.dumps(data, indent=1), "cal.yaml")


def test_a_calendar_entry_is_named_by_its_id(with_calendar: Scenario) -> None:
    sc = with_calendar
    p = parse_param("calendar.exam-rush.arrivals_x=1.5,3", sc)
    assert p.where == ("calendar", 0, "arrivals_x") and p.base == 2.0
    assert apply(sc, [p], [3.0]).calendar[0].arrivals_x == 3.0
    with pytest.raises(ParamError, match=r"has no item 'exam' \(ids: exam-rush; indices 0..0\)"):
        parse_param("calendar.exam.arrivals_x=1", sc)


def test_calendar_ids_are_unique(lab_scenario: Scenario) -> None:
    data = lab_scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    entry = {"id": "rush", "kind": "holiday", "week": 1}
    data["calendar"] = [entry, {**entry, "week": 2}]
    with pytest.raises(ScenarioError, match=r"calendar\.1\.id: duplicate id 'rush'"):
        parse_scenario(json.dumps(data, indent=1), "cal.yaml")


def test_the_balance_tornado_varies_the_chosen_params(with_calendar: Scenario) -> None:
    sc = with_calendar
    params, dropped = tornado_params(sc, chosen=["calendar.exam-rush.arrivals_x",
                                                 "hours.copy=4,20"])
    assert [(p.path, p.values) for p in params] == [
        ("calendar.exam-rush.arrivals_x", (1.6, 2.4)), ("hours.copy", (4.0, 20.0))]
    assert params[1].base == sc.plan_hours()["copy"] and not dropped
    default, _ = tornado_params(sc)
    assert "calendar.exam-rush.arrivals_x" not in [p.path for p in default]


@pytest.mark.parametrize(("chosen", "says"), [
    (["calendar.nope.arrivals_x"], "has no item 'nope'"),
    (["calendar.exam-rush.tickets"], "its value is 0.0: give values as"),
    (["funnel.stages.visit.convert=2"], "less than or equal to 1"),
])
def test_a_bad_balance_param_is_one_line(with_calendar: Scenario, chosen: list[str],
                                        says: str) -> None:
    with pytest.raises(ParamError) as exc:
        tornado_params(with_calendar, chosen=chosen)
    assert says in str(exc.value) and "\n" not in str(exc.value)
