"""One headless run: a pure, picklable function from scenario, seed and policy to a summary."""

import json
import pickle

import numpy as np
import pytest
import simpy

import opssim
from opssim.batch import RunSummary, parse_policy, run_engine, run_one, versions
from opssim.model.records import Dashboard
from opssim.scenario import Scenario, scenario_hash

#: Records the summary's ``log`` leaves out: they have their own keys (or are too many).
NOT_LOGGED = ("flow", "review", "dashboard", "blame", "week_started")


def test_run_one_summary_shape(starter: Scenario) -> None:
    summary = run_one(starter, 3)
    assert isinstance(summary, RunSummary)
    data = summary.data
    assert isinstance(json.loads(json.dumps(data)), dict), "the summary is JSON-ready"
    assert data["scenario"] == "starter"
    assert data["scenario_hash"] == scenario_hash(starter)
    assert data["seed"] == 3
    assert data["policy"] == "plan"
    assert data["weeks"] == starter.weeks
    assert [f["stage"] for f in data["funnel"]] == [s.id for s in starter.funnel.stages]
    assert summary.outcome == data["outcome"] in {"promoted", "kept", "fired"}
    assert set(data["support"]) == {"tickets", "answered", "late", "waiting", "users_lost",
                                    "complaints"}
    assert set(data["specialist"]) == {"fatigue", "skills", "evidence", "research_points"}
    assert list(data["specialist"]["skills"]) == list(starter.duty_ids)
    assert "budget_left" in data
    for week in data["weekly"]:
        assert {"week", "allocation", "kpis", "observed", "noise"} <= set(week)
    assert data["log"], "the starter's run has cause-and-effect records"
    for record in data["log"]:
        assert isinstance(record["t"], int)
        assert record["kind"] not in NOT_LOGGED


def test_summary_is_plain_json_data(starter: Scenario) -> None:
    data = run_one(starter, 3).data
    assert json.loads(json.dumps(data)) == data


def test_summary_without_the_log_is_plain_json_data(starter: Scenario) -> None:
    data = run_one(starter, 3).data
    rest = {k: v for k, v in data.items() if k != "log"}
    assert json.loads(json.dumps(rest)) == rest


def test_summary_matches_the_engine(starter: Scenario) -> None:
    """The summary carries the true figures (the starter's dashboard is noisy: the player's
    snapshot is not what the summary reports)."""
    engine = run_engine(starter, 3, parse_policy("plan", starter))
    data = run_one(starter, 3).data
    truth = engine.truth()
    assert [f["reached"] for f in data["funnel"]] == [s.reached for s in truth.stages]
    assert [f["now"] for f in data["funnel"]] == [s.now for s in truth.stages]
    assert [f["dropped"] for f in data["funnel"]] == [s.dropped for s in truth.stages]
    assert data["reputation"] == pytest.approx(engine.reputation)
    assert data["outcome"] == engine.outcome
    assert len(data["blame_events"]) == engine.blame_count
    s = truth.support
    assert data["support"] == {"tickets": s.arrived, "answered": s.answered, "late": s.late,
                               "waiting": s.waiting, "users_lost": s.users_lost,
                               "complaints": s.complaints}
    sp = data["specialist"]  # rounded to six decimals
    assert sp["fatigue"] == pytest.approx(engine.specialist.fatigue, abs=1e-6)
    assert sp["skills"] == pytest.approx(engine.specialist.skills, abs=1e-6)
    assert sp["evidence"] == pytest.approx(engine.evidence, abs=1e-6)
    assert sp["research_points"] == pytest.approx(engine.research_points, abs=1e-6)
    assert data["budget_left"] == pytest.approx(engine.budget, abs=1e-6)
    logged = [r.to_dict() for r in engine.events if r.kind not in NOT_LOGGED]
    assert [(r["kind"], r["t"]) for r in data["log"]] == [(r["kind"], r["t"]) for r in logged]


def test_weekly_observed_figures_are_the_dashboards(starter: Scenario) -> None:
    """Each week's ``observed`` KPIs are what the boss's dashboard showed at the review, blurred
    by the week's ``noise``; the KPIs' ``actual`` are the true figures."""
    engine = run_engine(starter, 3, parse_policy("plan", starter))
    data = run_one(starter, 3).data
    dashboards = {r.week: r for r in engine.events if isinstance(r, Dashboard)}
    assert dashboards, "the starter reviews every week"
    blurred = 0
    for w in data["weekly"]:
        seen = dashboards[w["week"]]
        assert w["observed"] == dict(seen.observed)
        assert w["noise"] == seen.noise
        assert 0 <= w["noise"] <= starter.duties.analysis.noise.sd_without
        reviewed = {k["kpi"]: k for k in w["kpis"] if k["reviewed"]}
        assert set(w["observed"]) == set(reviewed)
        blurred += sum(w["observed"][kpi] != k["actual"] for kpi, k in reviewed.items()
                       if k["per_week"])
    assert blurred > 0, "a noisy dashboard shows something other than the truth"


def test_weekly_kpis(starter: Scenario) -> None:
    data = run_one(starter, 3).data
    assert [w["week"] for w in data["weekly"]] == list(range(1, starter.weeks + 1))
    engine = run_engine(starter, 3, parse_policy("plan", starter))
    for w in data["weekly"]:
        assert w["allocation"] == starter.plan_hours(w["week"])  # the plan of that week
        assert [k["kpi"] for k in w["kpis"]] == [t.kpi for t in starter.reviews.targets]
        for k, t in zip(w["kpis"], starter.reviews.targets, strict=True):
            assert k["stage"] == t.stage
            assert k["target"] == (t.per_week if t.per_week is not None else t.total_by_end)
            start = (w["week"] - 1) * 168 if t.per_week is not None else 0
            assert k["actual"] == engine.entered(t.stage, start, w["week"] * 168)


def test_run_one_accepts_a_policy_object(small: Scenario) -> None:
    by_spec = run_one(small, 2, "fixed:copy=20").data
    by_object = run_one(small, 2, parse_policy("fixed:copy=20", small)).data
    assert by_spec == by_object
    assert by_spec["policy"] == "fixed:copy=20"


def test_run_one_is_deterministic_and_seed_sensitive(small: Scenario) -> None:
    assert run_one(small, 5).data == run_one(small, 5).data
    assert run_one(small, 5).data["funnel"] != run_one(small, 6).data["funnel"]


def test_run_one_and_its_inputs_and_outputs_pickle(small: Scenario) -> None:
    """Sweeps send run_one, the scenario and the seed to other processes."""
    assert pickle.loads(pickle.dumps(run_one)) is run_one
    scenario = pickle.loads(pickle.dumps(small))
    assert scenario == small
    summary = run_one(scenario, 1)
    assert pickle.loads(pickle.dumps(summary)).data == summary.data == run_one(small, 1).data


def test_versions_are_recorded() -> None:
    v = versions()
    assert v["opssim"] == opssim.__version__
    assert v["numpy"] == np.__version__
    assert v["simpy"] == simpy.__version__
