"""Engine semantics: allocations as commands, when they apply, what each duty's hours do, and
how reviews turn missed targets into blame, reputation and an outcome."""

import dataclasses
import json
import math

import pytest

from opssim.batch import parse_policy, run_engine, run_one
from opssim.model import AllocationError
from opssim.model.records import (
    BlameEvent,
    Complaints,
    EventLaunched,
    Flow,
    PiecePublished,
    Review,
    RunEnded,
    TicketsLate,
    WeekStarted,
)
from opssim.scenario import Scenario, parse_scenario
from opssim.sim import HOURS_PER_WEEK, Engine


def of_kind(engine: Engine, cls: type) -> list:
    return [r for r in engine.events if isinstance(r, cls)]


def without(scenario: Scenario, duty: str) -> str:
    """A fixed policy: the scenario's plan with ``duty`` at zero hours."""
    hours = scenario.plan_hours()
    assert hours[duty] > 0, f"the plan gives {duty} no hours; this test needs some"
    return "fixed:" + ",".join(f"{k}={v}" for k, v in hours.items() if k != duty)


# -- allocations are validated commands ----------------------------------------------------------


@pytest.mark.parametrize(
    "hours",
    [
        {"copy": 60},
        {"copy": 20, "events": 20, "support": 20},
        {"teleport": 1},
        {"copy": -1},
        {"copy": math.nan},
        {"copy": math.inf},
        {"copy": True},
        {"copy": "10"},
        {"copy": None},
    ],
)
def test_bad_allocations_raise(small: Scenario, hours: dict) -> None:
    engine = Engine(small, seed=0)
    with pytest.raises(AllocationError):
        engine.set_allocation(hours)


def test_allocation_over_the_cap_names_the_cap(small: Scenario) -> None:
    with pytest.raises(AllocationError, match="50"):
        Engine(small, seed=0).set_allocation({"copy": 30, "events": 30})


def test_allocation_at_the_cap_is_accepted(small: Scenario) -> None:
    cap = small.specialist.max_hours
    allocation = Engine(small, seed=0).set_allocation({"copy": cap / 2, "support": cap / 2})
    assert allocation.total == pytest.approx(cap)
    assert allocation.get("events") == 0.0


def test_a_rejected_allocation_leaves_the_pending_one(small: Scenario) -> None:
    engine = Engine(small, seed=0)
    engine.set_allocation({"support": 30})
    with pytest.raises(AllocationError):
        engine.set_allocation({"support": 300})
    engine.advance_to(1)
    (started,) = of_kind(engine, WeekStarted)
    assert dict(started.allocation)["support"] == 30


def test_set_allocation_applies_at_the_next_week_start(small: Scenario) -> None:
    engine = Engine(small, seed=0)
    plan = small.plan_hours()
    engine.advance_to(10)
    engine.set_allocation({"support": 40})
    engine.set_allocation({"support": 35, "copy": 5})  # the last command before the week wins
    assert dict(engine.snapshot().allocation) == plan
    engine.advance_to(HOURS_PER_WEEK)  # the clock stands on the boundary: not started yet
    assert dict(engine.snapshot().allocation) == plan
    engine.advance_to(HOURS_PER_WEEK + 0.5)
    starts = of_kind(engine, WeekStarted)
    assert [(w.t, w.week) for w in starts] == [(0, 0), (HOURS_PER_WEEK, 1)]
    assert dict(starts[0].allocation) == plan
    assert dict(starts[1].allocation) == {"copy": 5.0, "events": 0.0, "support": 35.0,
                                          "ground": 0.0}
    assert dict(engine.snapshot().allocation) == dict(starts[1].allocation)
    engine.advance_to(2 * HOURS_PER_WEEK + 1)
    assert dict(of_kind(engine, WeekStarted)[2].allocation) == dict(starts[1].allocation)


def test_set_allocation_before_the_first_advance_applies_to_week_0(small: Scenario) -> None:
    engine = Engine(small, seed=0)
    engine.set_allocation({"ground": 12})
    engine.advance_to(1)
    assert dict(of_kind(engine, WeekStarted)[0].allocation)["ground"] == 12


# -- the log ---------------------------------------------------------------------------------------


def test_log_shape_of_a_full_run(starter: Scenario) -> None:
    engine = run_engine(starter, 1, parse_policy("plan", starter))
    # Records are appended in time order; a Flow record covers [t, t_end) and is logged when
    # its stretch has been drawn, so it counts at t_end.
    times = [getattr(r, "t_end", r.t) for r in engine.events]
    assert times == sorted(times), "records are appended in time order"
    assert [w.week for w in of_kind(engine, WeekStarted)] == list(range(starter.weeks))
    reviews = of_kind(engine, Review)
    assert [r.week for r in reviews] == list(
        range(starter.reviews.every_weeks, starter.weeks + 1, starter.reviews.every_weeks))
    assert all(r.t == r.week * HOURS_PER_WEEK for r in reviews)
    (end,) = of_kind(engine, RunEnded)
    assert engine.events[-1] is end
    assert end.outcome == engine.outcome in {"promoted", "kept", "fired"}
    assert engine.finished and engine.snapshot().finished
    for r in engine.events:
        assert r.to_dict()["kind"] == r.kind


def test_a_review_closes_its_week_before_the_next_begins(starter: Scenario) -> None:
    """Reviews are ordinary events created first, so at a week boundary the week is reviewed
    before anything of the next week happens (its start, a day's work, a department's answer)."""
    engine = run_engine(starter, 1, parse_policy("plan", starter))
    drawn = (Flow, TicketsLate, Complaints)  # the draw of the hours before the boundary
    for review in of_kind(engine, Review):
        i = engine.events.index(review)
        same_hour = [r for r in engine.events[:i] if r.t == review.t and not isinstance(r, drawn)]
        assert not same_hour, f"{same_hour} logged before the review of week {review.week}"
        if review.week < starter.weeks:
            start = next(r for r in of_kind(engine, WeekStarted) if r.week == review.week)
            assert engine.events.index(start) > i


def test_review_actuals_are_the_users_who_reached_the_stage(starter: Scenario) -> None:
    engine = run_engine(starter, 4, parse_policy("plan", starter))
    last = 0
    for review in of_kind(engine, Review):
        end = review.week * HOURS_PER_WEEK
        for result in review.results:
            target = next(t for t in starter.reviews.targets if t.kpi == result.kpi)
            start = last if target.per_week is not None else 0
            assert result.actual == engine.entered(result.stage, start, end)
        last = end


def test_advance_after_the_end_does_nothing(small: Scenario) -> None:
    engine = run_engine(small, 1, parse_policy("plan", small))
    n = len(engine.events)
    engine.advance_to(engine.horizon + 100)
    assert len(engine.events) == n


# -- what the player sees -------------------------------------------------------------------------


def test_without_analysis_the_player_sees_the_truth(small: Scenario) -> None:
    assert "analysis" not in small.duty_ids
    engine = Engine(small, seed=2)
    engine.advance_to(300.5)
    snap, truth = engine.snapshot(), engine.truth()
    assert snap.observed and not truth.observed
    assert snap == dataclasses.replace(truth, observed=True)
    assert snap.noise == truth.noise == 0


def test_with_analysis_the_player_sees_blurred_figures(starter: Scenario) -> None:
    engine = Engine(starter, seed=2)
    engine.advance_to(500.5)
    snap, truth = engine.snapshot(), engine.truth()
    assert snap.observed and snap.noise > 0
    assert not truth.observed and truth.noise == 0
    assert snap.stages != truth.stages
    # One factor per stage and day blurs that stage's figures and the KPIs counted there.
    factor = {}
    for seen, true in zip(snap.stages, truth.stages, strict=True):
        assert seen.id == true.id
        assert true.reached > 0, "the test needs users in every stage"
        factor[true.id] = seen.reached / true.reached
        assert 0.2 < factor[true.id] < 5
        assert seen.now == pytest.approx(true.now * factor[true.id], abs=2)
        assert seen.dropped == pytest.approx(true.dropped * factor[true.id], abs=2)
    for seen_kpi, true_kpi in zip(snap.kpis, truth.kpis, strict=True):
        assert (seen_kpi.kpi, seen_kpi.target) == (true_kpi.kpi, true_kpi.target)
        assert seen_kpi.actual == pytest.approx(true_kpi.actual * factor[true_kpi.stage], abs=2)
    # Everything else is exact.
    assert (snap.support, snap.allocation, snap.fatigue, snap.reputation) == (
        truth.support, truth.allocation, truth.fatigue, truth.reputation)
    assert snap.t == truth.t == 500.5
    assert engine.snapshot() == snap, "looking twice shows the same"
    # The factors hold all day (hours 480-503): later that day, the same blur.
    engine.advance_to(503.5)
    later, later_truth = engine.snapshot(), engine.truth()
    for seen, true in zip(later.stages, later_truth.stages, strict=True):
        assert seen.reached == pytest.approx(true.reached * factor[true.id], abs=2)


def test_looking_at_the_dashboard_changes_nothing(starter: Scenario) -> None:
    """The window reads snapshots every frame: that must not move any random stream."""
    watched = Engine(starter, seed=6)
    for hour in range(1, 2 * HOURS_PER_WEEK + 1):
        watched.snapshot()
        watched.advance_to(hour)
    unwatched = Engine(starter, seed=6)
    unwatched.advance_to(2 * HOURS_PER_WEEK)
    assert watched.events == unwatched.events
    assert watched.snapshot() == unwatched.snapshot()


# -- what hours do ---------------------------------------------------------------------------------


def test_no_support_means_more_late_tickets_and_more_users_lost(starter: Scenario) -> None:
    for seed in (0, 1):
        planned = run_engine(starter, seed, parse_policy("plan", starter))
        plan = planned.truth().support
        none = run_engine(starter, seed, parse_policy(without(starter, "support"), starter))
        snap = none.truth().support
        assert snap.answered == 0
        assert snap.late > plan.late
        assert snap.users_lost > plan.users_lost
        assert snap.waiting > plan.waiting
        assert snap.complaints > plan.complaints
        assert none.reputation < planned.reputation


def test_no_copy_hours_publish_no_pieces(starter: Scenario) -> None:
    with_copy = run_engine(starter, 2, parse_policy("plan", starter))
    no_copy = run_engine(starter, 2, parse_policy(without(starter, "copy"), starter))
    assert of_kind(with_copy, PiecePublished)
    assert not of_kind(no_copy, PiecePublished)
    assert no_copy.truth().pieces_live == 0


def test_copy_pieces_follow_the_hours(small: Scenario) -> None:
    """5 hours a piece; 20 hours a week for 4 weeks is 16 pieces (the last one may finish
    at the very end of the run)."""
    engine = run_engine(small, 0, parse_policy("fixed:copy=20", small))
    assert len(of_kind(engine, PiecePublished)) in (15, 16)


def test_no_event_hours_launch_no_events(starter: Scenario) -> None:
    assert of_kind(run_engine(starter, 2, parse_policy("plan", starter)), EventLaunched)
    no_events = run_engine(starter, 2, parse_policy(without(starter, "events"), starter))
    assert not of_kind(no_events, EventLaunched)


def test_ground_hours_bring_users(small: Scenario) -> None:
    ground = run_engine(small, 0, parse_policy("fixed:ground=40", small))
    idle = run_engine(small, 0, parse_policy("fixed:copy=0", small))
    seg = ground.segments.index("ground")
    entry = small.stage_index(small.duties.ground.enters)
    assert ground.funnel.entered[entry, seg].sum() > 0
    assert idle.funnel.entered[entry, seg].sum() == 0


# -- reviews and blame -----------------------------------------------------------------------------


def test_impossible_targets_get_the_specialist_fired(make_scenario) -> None:
    # A boss who always blames the specialist, and no evidence to contest with.
    sc = make_scenario(weeks=6, targets=[{"kpi": "k", "stage": "s2", "per_week": 10_000_000}],
                       blame={"lean_on_specialist": 1.0})
    engine = run_engine(sc, 0, parse_policy("plan", sc))
    blame = of_kind(engine, BlameEvent)
    assert blame and all(b.kpi == "k" and b.verdict == "specialist" for b in blame)
    assert all(b.actual < b.target and b.reputation_delta < 0 for b in blame)
    reps = [sc.blame.reputation.start]
    for b in blame:
        reps.append(max(0.0, reps[-1] + b.reputation_delta))
    assert reps == sorted(reps, reverse=True)
    assert engine.outcome == "fired"
    assert engine.reputation == 0
    (end,) = of_kind(engine, RunEnded)
    assert end.outcome == "fired"
    assert end.t < engine.horizon, "fired before the last week"
    assert engine.snapshot().finished
    data = run_one(sc, 0).data
    assert data["outcome"] == "fired"
    assert len(data["weekly"]) == len(of_kind(engine, WeekStarted)) < sc.weeks


def test_small_losses_lower_reputation_but_keep_the_job(make_scenario) -> None:
    sc = make_scenario(
        weeks=3,
        targets=[{"kpi": "k", "stage": "s2", "per_week": 10_000_000}],
        blame={"reputation": {"start": 60, "lose_per_shortfall_pct": 0.01}},
    )
    engine = run_engine(sc, 0, parse_policy("plan", sc))
    assert len(of_kind(engine, BlameEvent)) == 3
    assert 55 < engine.reputation < 60
    assert engine.outcome == "kept"


def test_hit_targets_raise_reputation_and_promote(make_scenario) -> None:
    sc = make_scenario(weeks=4, blame={"reputation": {"start": 60, "gain_per_hit": 3},
                                       "promotion": {"reputation": 70}})
    engine = run_engine(sc, 0, parse_policy("plan", sc))
    assert not of_kind(engine, BlameEvent)
    assert engine.reputation == pytest.approx(72)
    assert engine.outcome == "promoted"


def test_total_targets_are_checked_only_at_the_end(make_scenario) -> None:
    sc = make_scenario(weeks=3, targets=[{"kpi": "t", "stage": "s2", "total_by_end": 10**7}])
    engine = run_engine(sc, 0, parse_policy("plan", sc))
    blame = of_kind(engine, BlameEvent)
    assert [b.week for b in blame] == [3]
    assert [len(r.results) for r in of_kind(engine, Review)] == [0, 0, 1]


def test_targets_start_at_their_from_week(make_scenario) -> None:
    sc = make_scenario(weeks=4, targets=[
        {"kpi": "late", "stage": "s2", "per_week": 10**7, "from_week": 3},
        {"kpi": "easy", "stage": "s1", "per_week": 0},
    ])
    engine = run_engine(sc, 0, parse_policy("plan", sc))
    assert [b.week for b in of_kind(engine, BlameEvent)] == [3, 4]
    reviewed = [[r.kpi for r in review.results] for review in of_kind(engine, Review)]
    assert reviewed == [["easy"], ["easy"], ["late", "easy"], ["late", "easy"]]


def test_reviews_every_two_weeks_cover_the_weeks_since_the_last(scenario_data) -> None:
    data = scenario_data(weeks=5, targets=[{"kpi": "k", "stage": "s1", "per_week": 100}])
    data["reviews"]["every_weeks"] = 2
    sc = parse_scenario(json.dumps(data, indent=1))
    engine = run_engine(sc, 0, parse_policy("plan", sc))
    reviews = of_kind(engine, Review)
    assert [r.week for r in reviews] == [2, 4, 5]
    assert [r.results[0].target for r in reviews] == [200, 200, 100]
    for review, start in zip(reviews, (0, 2, 4), strict=True):
        end = review.week * HOURS_PER_WEEK
        assert review.results[0].actual == engine.entered("s1", start * HOURS_PER_WEEK, end)
