"""Queueing-theory sanity checks in the style of Ciw's test suite: closed-form expectations
against the mean over several seeds, within a few standard errors.

Time is in whole hours: a user arriving in hour ``h`` with delay ``D`` moves in hour
``h + floor(D)``. For an exponential delay of mean ``d``, ``P(floor(D) >= j) = q**j`` with
``q = exp(-1/d)``.
"""

import math

import numpy as np
import pytest

from opssim.batch import parse_policy, run_engine
from opssim.sim import HOURS_PER_WEEK, Engine

SEEDS = range(20)


def mean_and_se(values: list[float]) -> tuple[float, float]:
    a = np.asarray(values, dtype=float)
    return float(a.mean()), float(a.std(ddof=1) / math.sqrt(len(a)))


def two_stages(make_scenario, *, per_week: float, p: float, d: float, weeks: int, **kw):
    return make_scenario(
        weeks=weeks,
        stages=[{"id": "s1"}, {"id": "s2", "convert": p, "delay_hours": {"exponential": d}}],
        channels=[{"id": "c", "enters": "s1", "per_week": per_week}],
        **kw,
    )


@pytest.mark.parametrize(("p", "d"), [(0.3, 24.0), (0.8, 60.0)])
def test_users_reaching_stage_2(make_scenario, p: float, d: float) -> None:
    """E[reached s2 by T] = λ·p·Σ_{k=1..T} (1 − q^k) ≈ λ·p·(T − d)."""
    per_week, weeks = 1680.0, 8
    sc = two_stages(make_scenario, per_week=per_week, p=p, d=d, weeks=weeks)
    lam, horizon = per_week / HOURS_PER_WEEK, weeks * HOURS_PER_WEEK
    q = math.exp(-1 / d)
    expected = lam * p * (horizon - q * (1 - q**horizon) / (1 - q))
    assert expected == pytest.approx(lam * p * (horizon - d), rel=0.01)

    reached = []
    for seed in SEEDS:
        engine = Engine(sc, seed=seed)
        engine.advance_to(horizon)
        reached.append(engine.truth().stage("s2").reached)
    mean, se = mean_and_se(reached)
    assert abs(mean - expected) < 4 * se, (mean, expected, se)
    # A thinned Poisson count: its variance is its mean (99.9% chi-square band, 19 d.f.).
    assert 0.3 < np.var(reached, ddof=1) / expected < 2.3


def test_users_in_stage_1_obey_littles_law(make_scenario) -> None:
    """L = λ·W with W = E[floor(D)] = q / (1 − q): everyone leaves stage 1 after its delay,
    whether they convert or drop."""
    per_week, d, weeks = 1680.0, 24.0, 6
    sc = two_stages(make_scenario, per_week=per_week, p=0.3, d=d, weeks=weeks)
    q = math.exp(-1 / d)
    expected = per_week / HOURS_PER_WEEK * q / (1 - q)
    samples = []
    for seed in range(10):
        engine = Engine(sc, seed=seed)
        for week in range(2, weeks + 1):  # well past the warm-up of a few d
            engine.advance_to(week * HOURS_PER_WEEK - 0.5)
            samples.append(engine.truth().stage("s1").now)
    mean, se = mean_and_se(samples)
    assert abs(mean - expected) < 4 * se, (mean, expected, se)


def test_conversion_share_matches_p(make_scenario) -> None:
    """Users who left stage 1 either moved on (share p) or dropped."""
    sc = two_stages(make_scenario, per_week=3360.0, p=0.25, d=12.0, weeks=4)
    moved = left = 0
    for seed in range(5):
        snap = run_engine(sc, seed, parse_policy("plan", sc)).truth()
        moved += snap.stage("s2").reached
        left += snap.stage("s2").reached + snap.stage("s1").dropped
    se = math.sqrt(0.25 * 0.75 / left)
    assert abs(moved / left - 0.25) < 4 * se


# -- the support queue ----------------------------------------------------------------------------


def support_scenario(make_scenario, support_hours: float, weeks: int = 8, skill: float = 0.5):
    """Tickets: half of 1680 users a week = 840 a week (5 an hour); one minute of work each at
    skill 0.5, so ``support_hours`` answer up to 60 tickets each. The specialist works at speed
    ``0.5 + skill`` and never learns or tires. Nobody is lost, nobody runs out of patience."""
    return make_scenario(
        weeks=weeks,
        specialist={"skills": {"support": skill}, "learning_per_hour": 0,
                    "fatigue": {"per_overtime_hour": 0}},
        support={
            "tickets": [{"from": "s1", "per_user": 0.5}],
            "minutes_per_ticket": 1,
            "patience_hours": 5000,
            "lost_if_late": 0,
        },
        plan={"support": support_hours},
    )


def waiting_at_week_ends(sc, seed: int) -> list[int]:
    engine = Engine(sc, seed=seed)
    waiting = []
    for week in range(1, sc.weeks + 1):
        engine.advance_to(week * HOURS_PER_WEEK)
        waiting.append(engine.truth().support.waiting)
    return waiting


def test_backlog_stays_small_when_support_outpaces_tickets(make_scenario) -> None:
    sc = support_scenario(make_scenario, support_hours=28)  # capacity 1680/week, ρ = 0.5
    for seed in range(3):
        waiting = waiting_at_week_ends(sc, seed)
        assert max(waiting) < 25, waiting  # M/M/1 at ρ = 0.5: P(N ≥ 25) ≈ 3e-8


def test_backlog_grows_linearly_when_tickets_outpace_support(make_scenario) -> None:
    sc = support_scenario(make_scenario, support_hours=7)  # capacity 420/week, ρ = 2
    excess = 840 - 420
    for seed in range(3):
        waiting = waiting_at_week_ends(sc, seed)
        weeks = np.arange(1, len(waiting) + 1)
        slope, intercept = np.polyfit(weeks, waiting, 1)
        assert slope == pytest.approx(excess, rel=0.1), waiting
        assert abs(intercept) < 0.5 * excess, waiting
        assert waiting[7] / waiting[3] == pytest.approx(2.0, rel=0.15), waiting


@pytest.mark.parametrize(("support_hours", "skill"), [(28.0, 0.5), (42.0, 0.5), (21.0, 1.0)])
def test_ticket_sojourn_is_that_of_an_mm1_queue(make_scenario, support_hours: float,
                                                skill: float) -> None:
    """Poisson tickets (5/h), exponential work, one FIFO server running at the week's support
    share of the clock times the specialist's speed (0.5 + skill): mean time in system
    W = 1 / (μ − λ)."""
    sc = support_scenario(make_scenario, support_hours=support_hours, skill=skill)
    lam, mu = 5.0, support_hours / HOURS_PER_WEEK * 60.0 * (0.5 + skill)
    means = []
    for seed in SEEDS:
        engine = run_engine(sc, seed, parse_policy("plan", sc))
        means.append(float(engine.works["support"].queue.sojourn_hours(engine.now).mean()))
    mean, se = mean_and_se(means)
    assert abs(mean - 1 / (mu - lam)) < 4 * se, (mean, 1 / (mu - lam), se)


def test_no_support_hours_answer_no_tickets(make_scenario) -> None:
    sc = support_scenario(make_scenario, support_hours=0, weeks=2)
    snap = run_engine(sc, 0, parse_policy("plan", sc)).truth().support
    assert snap.answered == 0
    assert snap.waiting == snap.arrived > 0
