"""Determinism: the same scenario, seed and policy give the same log, however the clock is
driven (week by week headless, or in small steps as the window does)."""

import json

import numpy as np
import pytest

from opssim.batch import parse_policy, run_engine
from opssim.model.records import Flow
from opssim.scenario import Scenario, parse_scenario
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.streams import Streams


def stepped(scenario: Scenario, seed: int, spec: str, step: float) -> Engine:
    """Drive an engine as a window would: ``advance_to`` in steps of ``step`` hours, never
    past a week boundary, and the week's allocation set when the clock stands on it."""
    policy = parse_policy(spec, scenario)
    engine = Engine(scenario, seed=seed)
    t = 0.0
    for week in range(scenario.weeks):
        if engine.finished:
            break
        engine.set_allocation(policy.hours(engine.snapshot()))
        end = (week + 1) * HOURS_PER_WEEK
        while t < end and not engine.finished:
            t = min(round(t + step, 9), end)
            engine.advance_to(t)
    return engine


def weekly(scenario: Scenario, seed: int, spec: str) -> Engine:
    return run_engine(scenario, seed, parse_policy(spec, scenario))


def rotating_policy_spec(week: int) -> str:
    return ["plan", "fixed:copy=20,events=10", "fixed:support=30,ground=10", "even"][week % 4]


# -- same inputs, same log ---------------------------------------------------------------------


@pytest.mark.parametrize("scenario_name", ["starter", "small"])
def test_same_seed_same_events(request: pytest.FixtureRequest, scenario_name: str) -> None:
    sc = request.getfixturevalue(scenario_name)
    a = weekly(sc, 7, "plan")
    b = weekly(sc, 7, "plan")
    assert a.events == b.events
    assert [r.to_dict() for r in a.events] == [r.to_dict() for r in b.events]
    assert a.snapshot() == b.snapshot()  # the dashboard's noise is seeded too
    assert a.truth() == b.truth()


def test_different_seeds_different_events(starter: Scenario) -> None:
    logs = [weekly(starter, seed, "plan").events for seed in (1, 2, 3)]
    assert logs[0] != logs[1] and logs[1] != logs[2] and logs[0] != logs[2]


def test_run_index_gives_an_independent_run(small: Scenario) -> None:
    a, b = Engine(small, seed=1, run_index=0), Engine(small, seed=1, run_index=1)
    a.advance_to(200)
    b.advance_to(200)
    assert a.events != b.events


def test_streams_are_independent_of_each_other() -> None:
    """Adding (or using) a stream never shifts another."""
    plain = Streams(42).get("arrivals", 3).random(5)
    busy = Streams(42)
    busy.get("something_new", 3).random(100)
    busy.get("conversions", 2).random(100)
    assert np.array_equal(busy.get("arrivals", 3).random(5), plain)


def test_streams_differ_by_name_day_seed_and_run() -> None:
    base = Streams(1).get("arrivals", 0).random(3)
    for other in (Streams(1).get("tickets", 0), Streams(1).get("arrivals", 1),
                  Streams(2).get("arrivals", 0), Streams(1, run_index=1).get("arrivals", 0)):
        assert not np.array_equal(other.random(3), base)


def tireless(scenario: Scenario) -> Scenario:
    """``scenario`` with a specialist who never tires (no fatigue from overtime or ground work),
    so the hours of one duty cannot change another's output through the specialist's
    freshness. Without incident cards too: one that waits on a support backlog takes hours
    from copy, whose reach is an arrival rate."""
    data = scenario.model_dump(mode="json", by_alias=True)
    data["specialist"]["fatigue"]["per_overtime_hour"] = 0
    data["duties"]["ground"]["fatigue_per_hour"] = 0
    data["incidents"] = []
    return parse_scenario(json.dumps(data, indent=1), "tireless")


def test_support_hours_do_not_change_who_arrives(starter: Scenario) -> None:
    """Common random numbers: the same seed draws the same arrivals whatever the support
    hours (they change no arrival rate and no chunk boundary).

    Only with a tireless specialist: in the starter itself support hours change fatigue,
    fatigue the quality of copy, and copy quality its reach, an arrival rate."""
    sc = tireless(starter)
    hours = sc.plan_hours()
    assert hours["support"] > 0
    spec = "fixed:" + ",".join(f"{k}={v}" for k, v in hours.items() if k != "support")
    a = weekly(sc, 5, "fixed:" + ",".join(f"{k}={v}" for k, v in hours.items()))
    b = weekly(sc, 5, spec)
    assert a.truth().support.answered > 0 and b.truth().support.answered == 0
    assert [(r.t, r.t_end) for r in a.events if isinstance(r, Flow)] == \
        [(r.t, r.t_end) for r in b.events if isinstance(r, Flow)]
    top = sc.stage_index(sc.channels[0].enters)
    assert np.array_equal(a.funnel.entered[top], b.funnel.entered[top])


# -- how the clock is driven does not matter ----------------------------------------------------


@pytest.mark.parametrize("step", [24.0, 168.0])
@pytest.mark.parametrize("spec", ["plan", "fixed:events=40", "fixed:copy=20,events=20"])
def test_day_and_week_steps_match_a_headless_run(small: Scenario, spec: str, step: float):
    assert stepped(small, 3, spec, step).events == weekly(small, 3, spec).events


def test_day_steps_match_with_a_policy_that_changes_every_week(small: Scenario) -> None:
    engine = Engine(small, seed=11)
    reference = Engine(small, seed=11)
    for week in range(small.weeks):
        hours = parse_policy(rotating_policy_spec(week), small).hours(engine.snapshot())
        engine.set_allocation(hours)
        reference.set_allocation(hours)
        for day in range(1, 8):
            engine.advance_to(week * HOURS_PER_WEEK + day * 24)
        reference.advance_to((week + 1) * HOURS_PER_WEEK)
    assert engine.events == reference.events


@pytest.mark.parametrize("step", [24.0, 0.5 + 1e-6])
def test_starter_steps_match_a_headless_run(starter: Scenario, step: float) -> None:
    """The starter has every mechanism (departments, calendar, partners, analysis, a budget):
    a window's steps, fractional or whole days, draw exactly what a headless run draws (7.3
    hours: below)."""
    assert stepped(starter, 3, "plan", step).events == weekly(starter, 3, "plan").events


@pytest.mark.parametrize("scenario_name", ["small", "starter"])
def test_window_steps_of_7_3_hours_match_a_headless_run(
    request: pytest.FixtureRequest, scenario_name: str
) -> None:
    """Once a bug: the draw-ahead was cut at int(t), so fractional steps split the draws
    differently from a headless run."""
    sc = request.getfixturevalue(scenario_name)
    assert stepped(sc, 3, "plan", 7.3).events == weekly(sc, 3, "plan").events


def test_window_steps_match_with_overlapping_events(small: Scenario) -> None:
    """Once a bug: an event planned while another was live did not sync the draw."""
    assert stepped(small, 3, "fixed:events=40", 7.3).events == \
        weekly(small, 3, "fixed:events=40").events


def test_window_steps_match_with_a_policy_that_changes_every_week(small: Scenario) -> None:
    engine = Engine(small, seed=11)
    reference = Engine(small, seed=11)
    t = 0.0
    for week in range(small.weeks):
        hours = parse_policy(rotating_policy_spec(week), small).hours(engine.snapshot())
        engine.set_allocation(hours)
        reference.set_allocation(hours)
        end = (week + 1) * HOURS_PER_WEEK
        while t < end:
            t = min(round(t + 0.5, 9), end)
            engine.advance_to(t)
        reference.advance_to(end)
    assert engine.events == reference.events


def test_fractional_steps_keep_the_clock(small: Scenario) -> None:
    engine = Engine(small, seed=1)
    engine.advance_to(100.5)
    assert engine.now == 100.5
    assert engine.snapshot().t == 100.5
    # The driver's clock runs ahead of the events: engine.hour is the last processed event's
    # time, and the next event is still to come.
    assert engine.hour == int(engine.env.now) <= 100
    assert engine.env.peek() > 100.5
    assert engine.truth().t == 100.5
    engine.advance_to(50)  # never backwards
    assert engine.now == 100.5
    engine.advance_to(10**9)  # capped at the horizon
    assert engine.now == engine.horizon == small.weeks * HOURS_PER_WEEK
    assert engine.finished


def test_a_fork_on_other_streams_meets_other_luck(starter: Scenario) -> None:
    """A fork with its own run index draws the users ahead with other keyed luck; a plain
    fork draws exactly what the run draws."""
    e = Engine(starter, 3, attribution=False)
    e.set_allocation(starter.plan_hours())
    e.advance_to(HOURS_PER_WEEK)
    same, other = e.fork(), e.fork(run_index=77)
    for run in (e, same, other):
        run.set_allocation(starter.plan_hours())
        run.advance_to(2 * HOURS_PER_WEEK)
        run.truth()
    week2 = slice(HOURS_PER_WEEK, 2 * HOURS_PER_WEEK)
    assert np.array_equal(same.funnel.entered[:, :, week2], e.funnel.entered[:, :, week2])
    assert not np.array_equal(other.funnel.moves[:, :, week2], e.funnel.moves[:, :, week2])
