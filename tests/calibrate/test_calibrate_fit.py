"""The fits on their own: whole-hour data, the conversion window, no movers; arrivals with
and without a weekday pattern."""

import math

import numpy as np
import pytest

from opssim.calibrate.arrivals import fit_arrivals
from opssim.calibrate.cure import fit_stage, stage_samples
from opssim.calibrate.events import Events
from opssim.calibrate.journeys import build
from opssim.calibrate.mapping import FunnelMap

START_US = 1_704_067_200 * 1_000_000  # a Monday


def censored_sample(rng, n, p, delays, end):
    """Entries uniform over [0, end); a share p moves on after ``delays``; seen before end."""
    entry = rng.uniform(0, end, n)
    d = delays(rng, n)
    moved = (rng.random(n) < p) & (entry + d < end)
    return entry, d, moved


def test_whole_hour_data_is_fitted_without_bias() -> None:
    """Delays floored to the hour (as the engine logs them) are interval-censored in the fit:
    over 12 seeds the mean delay is within 3 standard errors of the truth; read as exact
    (to the minute) the same data gives a mean about half an hour short."""
    seeds = 12
    interval, exact = [], []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        entry, d, moved = censored_sample(rng, 3000, 0.4, lambda r, n: r.exponential(6.0, n),
                                          200.0)
        delays, follow = np.floor(d[moved]), (200.0 - np.floor(entry))[~moved]
        fit = fit_stage(delays, follow, 1.0)
        assert fit.grid_h == 1.0
        interval.append(fit.mean_h.value)
        exact.append(fit_stage(delays, follow, 1 / 60, ("exponential",)).mean_h.value)
    se = np.std(interval, ddof=1) / math.sqrt(seeds)
    assert abs(np.mean(interval) - 6.0) < 3 * se, (np.mean(interval), se)
    assert np.mean(exact) < 6.0 - 8 * se, (np.mean(exact), se)


def test_no_movers_gives_p_zero_with_a_rule_of_three_bound() -> None:
    fit = fit_stage(np.zeros(0), np.full(300, 50.0), 1.0)
    assert fit.p.value == 0 and fit.p.high == pytest.approx(0.01)
    assert fit.mean_h is None and fit.notes


def test_the_window_turns_late_moves_into_none() -> None:
    reached = np.array([[0.0, 5.0], [0.0, 50.0], [0.0, np.nan], [90.0, np.nan]])
    delays, follow = stage_samples(reached, 0, end_h=100.0, window_h=24.0)
    assert delays.tolist() == [5.0]
    assert sorted(follow.tolist()) == [10.0, 24.0, 24.0]


def one_stage_events(t_h: np.ndarray) -> Events:
    """Users who each visit once at ``t_h`` hours after a Monday; every tenth signs up."""
    n = len(t_h)
    signup = np.arange(0, n, 10)
    users = np.concatenate([np.arange(n), signup])
    events = np.concatenate([np.zeros(n, np.int32), np.ones(len(signup), np.int32)])
    t = np.concatenate([t_h, t_h[signup] + 1.0])
    us = START_US + np.round(t * 3.6e9).astype(np.int64)
    return Events("x", users, [str(i) for i in range(n)], events, ["visit", "signup"], us,
                  np.zeros(len(us), np.int32), ["web"], None)


FMAP = FunnelMap.model_validate({"stages": [{"id": "visit", "events": ["visit"]},
                                            {"id": "signup", "events": ["signup"]}]})


def test_a_weekday_pattern_is_found_when_there_is_one_and_not_otherwise() -> None:
    rng = np.random.default_rng(4)
    flat = rng.uniform(0, 8 * 168, 20000)
    (a,) = fit_arrivals(build(one_stage_events(flat), FMAP))
    assert a.weekday_index is None and a.per_week.covers(2500)
    # Weekends at half the rate: drop half of the Saturday and Sunday arrivals.
    weekend = (flat // 24) % 7 >= 5
    kept = flat[~weekend | (rng.random(len(flat)) < 0.5)]
    (b,) = fit_arrivals(build(one_stage_events(kept), FMAP))
    assert b.weekday_index is not None
    assert b.weekday_index[5] == pytest.approx(b.weekday_index[0] / 2, rel=0.15)


def test_more_sources_than_the_format_holds_share_one_channel(tmp_path) -> None:
    """25 channels: the scenario keeps the 19 biggest and one for the rest, and validates."""
    from opssim.calibrate.output import write_outputs
    from opssim.calibrate.pipeline import fit_events
    from opssim.scenario import load_scenario

    ev = one_stage_events(np.random.default_rng(1).uniform(0, 4 * 168, 5000))
    ev.channels = (np.arange(len(ev.channels)) % 25).astype(np.int32)
    ev.channel_names = [f"src{i}" for i in range(25)]
    out = tmp_path / "many.yaml"
    write_outputs(fit_events(ev, FMAP), out)
    ids = [c.id for c in load_scenario(out).channels]
    assert len(ids) == 20 and ids[-1] == "smaller-sources"


def test_kaplan_meier_matches_the_textbook_estimate() -> None:
    """Events at 1, 3, 6 and censorings at 2, 5 (7 users; two never leave before 10): the
    survival after each event is the product of (1 - deaths / at risk)."""
    from opssim.calibrate.report import kaplan_meier

    edges, share = kaplan_meier(np.array([1.0, 3.0, 6.0]), np.array([2.0, 5.0, 12.0, 12.0]),
                                0.5, 20)
    surv = {1.5: 6 / 7, 3.5: 6 / 7 * 4 / 5, 6.5: 6 / 7 * 4 / 5 * 2 / 3}
    for t, s in surv.items():
        assert share[np.searchsorted(edges, t)] == pytest.approx(1 - s)
    assert share[-1] == pytest.approx(1 - surv[6.5])
