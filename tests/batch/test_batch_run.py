"""One headless run: a pure, picklable function from scenario, seed and policy to a summary."""

import json
import pickle

import numpy as np
import pytest
import simpy

import opssim
from opssim.batch import RunSummary, parse_policy, run_engine, run_one, versions
from opssim.scenario import Scenario, scenario_hash


def test_run_one_summary_shape(starter: Scenario) -> None:
    summary = run_one(starter, 3)
    assert isinstance(summary, RunSummary)
    data = summary.data
    assert json.loads(json.dumps(data)) == data, "the summary is plain JSON data"
    assert data["scenario"] == "starter"
    assert data["scenario_hash"] == scenario_hash(starter)
    assert data["seed"] == 3
    assert data["policy"] == "plan"
    assert data["weeks"] == starter.weeks
    assert [f["stage"] for f in data["funnel"]] == [s.id for s in starter.funnel.stages]
    assert summary.outcome == data["outcome"] in {"promoted", "kept", "fired"}


def test_summary_matches_the_engine(starter: Scenario) -> None:
    engine = run_engine(starter, 3, parse_policy("plan", starter))
    data = run_one(starter, 3).data
    snap = engine.snapshot()
    assert [f["reached"] for f in data["funnel"]] == [s.reached for s in snap.stages]
    assert [f["now"] for f in data["funnel"]] == [s.now for s in snap.stages]
    assert [f["dropped"] for f in data["funnel"]] == [s.dropped for s in snap.stages]
    assert data["reputation"] == pytest.approx(engine.reputation)
    assert data["outcome"] == engine.outcome
    assert len(data["blame_events"]) == engine.blame_count


def test_weekly_kpis(starter: Scenario) -> None:
    data = run_one(starter, 3).data
    assert [w["week"] for w in data["weekly"]] == list(range(1, starter.weeks + 1))
    engine = run_engine(starter, 3, parse_policy("plan", starter))
    for w in data["weekly"]:
        assert w["allocation"] == starter.plan.hours()
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
