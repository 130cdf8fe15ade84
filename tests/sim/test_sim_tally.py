"""The engine's running totals (sim/tally.py) against the funnel's histograms summed afresh."""

import copy

import numpy as np

from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.replicas import step
from opssim.sim.tally import Tally


def _summed(e: Engine, stage: str, start: int, end: int) -> int:
    """What :meth:`Engine.entered` reads, as the histogram says it, drawn up to now first."""
    e.draw_to(min(end, int(e.now)))
    return int(e.funnel.entered[e.scenario.stage_index(stage), :, start:end].sum())


def _check_reads(e: Engine, rng: np.random.Generator) -> None:
    now = int(e.now)
    for _ in range(12):
        stage = e.stage_ids[int(rng.integers(len(e.stage_ids)))]
        start, end = sorted(int(x) for x in rng.integers(0, e.horizon + 1, 2))
        if rng.random() < 0.5:
            end = min(end, now)
        assert e.entered(stage, start, end) == _summed(e, stage, start, end)
    assert e.entered(e.stage_ids[1], -10, -1) == _summed(e, e.stage_ids[1], -10, -1)
    truth = e.truth()
    f = e.funnel
    for s, view in enumerate(truth.stages):
        reached = int(f.entered[s, :, :now].sum())
        gone = int(f.moves[s, :, :now].sum() + f.drops[s, :, :now].sum())
        assert (view.reached, view.now, view.dropped) == (
            reached, reached - gone, int(f.drops[s, :, :now].sum()))


def test_reads_match_the_histograms_hour_by_hour(starter: Scenario) -> None:
    # Uneven steps (mid-day, mid-week), so reads fall between draws; removals (late tickets)
    # and incidents are on in the starter.
    rng = np.random.default_rng(3)
    e = Engine(starter, 4, attribution=False)
    t = 0.0
    while t < e.horizon:
        t = min(e.horizon, t + float(rng.uniform(5, 60)))
        e.advance_to(t)
        _check_reads(e, rng)


def test_forks_and_replicas_keep_their_own_totals(starter: Scenario) -> None:
    rng = np.random.default_rng(5)
    e = Engine(starter, 1, attribution=False)
    e.advance_to(2 * HOURS_PER_WEEK + 30)
    e.truth()  # totals summed up to here, then copied by the forks
    twins = [e.fork(run_index=i) for i in range(3)]
    step(twins, [4 * HOURS_PER_WEEK], [[e.plan_allocation(3)]] * 3)
    e.advance_to(4 * HOURS_PER_WEEK)
    for x in (e, *twins):
        _check_reads(x, rng)


def test_a_copy_holds_the_summed_hours() -> None:
    tally = Tally(2, 10)
    hist = np.arange(2 * 3 * 11, dtype=np.int32).reshape(2, 3, 11)
    tally.upto(0, hist, 4)
    twin = copy.deepcopy(tally)
    assert np.array_equal(twin.sums[0, :, :5], tally.sums[0, :, :5])
    # Valid up to the hour summed to (beyond it a copy holds whatever memory held).
    assert np.array_equal(twin.upto(0, hist, 10)[:, :11], tally.upto(0, hist, 10)[:, :11])
    assert twin.upto(0, hist, 10)[1, 10].item() == int(hist[1, :, :10].sum())
