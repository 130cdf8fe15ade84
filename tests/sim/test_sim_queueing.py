"""Queueing-theory sanity checks in the style of Ciw's test suite: closed-form expectations
against the mean over several seeds, within a few standard errors.

Time is in whole hours, and a user's place inside the hour is uniform: a user arriving in
hour ``h`` with delay ``D`` decides in hour ``h + K``, ``K = floor(U + D)``. For an exponential
delay of mean ``d``, ``P(K >= j) = c·q**j`` for ``j >= 1``, with ``q = exp(-1/d)`` and
``c = d·(exp(1/d) − 1)``; and ``E[K] = d`` exactly (``E[floor(U + x)] = x`` for any ``x``).
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
    """E[reached s2 by T] = λ·p·Σ_{k=0..T−1} P(K ≤ k) = λ·p·Σ_{k=1..T} (1 − c·q^k)
    ≈ λ·p·(T − d)."""
    per_week, weeks = 1680.0, 8
    sc = two_stages(make_scenario, per_week=per_week, p=p, d=d, weeks=weeks)
    lam, horizon = per_week / HOURS_PER_WEEK, weeks * HOURS_PER_WEEK
    q, c = math.exp(-1 / d), d * math.expm1(1 / d)
    expected = lam * p * (horizon - c * q * (1 - q**horizon) / (1 - q))
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
    """L = λ·W with W = E[K] = d (in whole hours): everyone leaves stage 1 at their decision,
    whether they convert or drop."""
    per_week, d, weeks = 1680.0, 24.0, 6
    sc = two_stages(make_scenario, per_week=per_week, p=0.3, d=d, weeks=weeks)
    expected = per_week / HOURS_PER_WEEK * d
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


def test_the_weekends_tickets_wait_for_monday(make_scenario) -> None:
    """Support works Monday to Friday from 9:00, 28 h a week (5.6 h a day, to 14:36), fast
    enough to clear its queue in every block (60 an hour against 5). So at each week's end the
    waiting tickets are those that came since Friday 14:36: Poisson with mean 5 × 57.4."""
    sc = support_scenario(make_scenario, support_hours=28)
    expected = 5.0 * (3 * 24 - 14.6)
    waiting = [w for seed in range(3) for w in waiting_at_week_ends(sc, seed)]
    mean, se = mean_and_se(waiting)
    assert abs(mean - expected) < 4 * max(se, math.sqrt(expected / len(waiting))), (
        mean, expected)
    assert max(waiting) < expected + 5 * math.sqrt(expected)


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


def test_no_support_hours_answer_no_tickets(make_scenario) -> None:
    sc = support_scenario(make_scenario, support_hours=0, weeks=2)
    snap = run_engine(sc, 0, parse_policy("plan", sc)).truth().support
    assert snap.answered == 0
    assert snap.waiting == snap.arrived > 0
