"""FunnelState, the counts behind the engine: users drawn in bulk, moved, dropped and removed."""

import numpy as np
import pytest

from opssim.scenario.schema import Delay
from opssim.sim.funnel import FunnelState

HORIZON = 200


def two_stage_funnel(users_per_hour: int = 100, hours: int = 10, p: float = 0.5) -> FunnelState:
    """Stage 0 gets ``users_per_hour`` for ``hours`` hours; a share ``p`` moves on to stage 1
    after an exponential delay of 24 hours; then every later hour is drawn too."""
    f = FunnelState([Delay(exponential=24.0), Delay(exponential=24.0)], 1, HORIZON)
    rng = np.random.default_rng(0)
    convert = np.array([[0.0], [p]])
    arrivals = np.zeros((2, 1, hours), dtype=np.int64)
    arrivals[0, 0, :] = users_per_hour
    f.flow(0, hours, arrivals, convert, rng, rng)
    f.flow(hours, HORIZON, np.zeros((2, 1, HORIZON - hours), dtype=np.int64), convert, rng, rng)
    return f


def test_users_enter_move_and_drop_once() -> None:
    f = two_stage_funnel()
    assert f.entered[0].sum() == 1000
    assert f.moves[0].sum() + f.drops[0].sum() == 1000  # each user leaves stage 0 once
    assert np.array_equal(f.entered[1, :, :HORIZON], f.moves[0, :, :HORIZON])
    assert 400 < f.moves[0].sum() < 600


def test_moves_and_drops_happen_after_entry() -> None:
    f = two_stage_funnel()
    present = np.cumsum(f.entered[0] - f.moves[0] - f.drops[0])
    assert present.min() >= 0
    assert f.current(0, 0).sum() == 0
    assert f.current(0, 10).sum() == present[9]


@pytest.mark.parametrize("stage", [0, 1])
def test_remove_takes_at_most_the_users_there(stage: int) -> None:
    f = two_stage_funnel()
    t = 60
    there = int(f.current(stage, t).sum())
    assert there > 0
    removed = f.remove(stage, 10**6, t, np.random.default_rng(1))
    assert removed <= there + int(f.drops[stage, :, t].sum())
    assert f.current(stage, t + 1).sum() >= 0


@pytest.mark.parametrize("stage", [0, 1])
def test_remove_a_few(stage: int) -> None:
    f = two_stage_funnel()
    t = 60
    before_future = int(f.moves[stage, :, t + 1:].sum() + f.drops[stage, :, t + 1:].sum())
    assert f.remove(stage, 7, t, np.random.default_rng(1)) == 7
    total_left = int(f.moves[stage].sum() + f.drops[stage].sum())
    assert total_left == int(f.entered[stage].sum()) or stage == 1
    assert f.moves[stage, :, t + 1:].sum() + f.drops[stage, :, t + 1:].sum() <= before_future


@pytest.mark.parametrize("stage", [0, 1], ids=["inner stage", "last stage"])
def test_a_second_removal_in_the_same_hour_finds_nobody(stage: int) -> None:
    """Users removed at hour t are gone: a second removal in that hour must not count them as
    still there (it once did, on the last stage and on inner ones)."""
    f = two_stage_funnel()
    t = 60
    rng = np.random.default_rng(1)
    f.remove(stage, 10**6, t, rng)  # everyone still there leaves at hour t
    assert f.remove(stage, 5, t, rng) == 0
    assert f.current(stage, t + 1).sum() >= 0
