"""FunnelState, the counts behind the engine: users drawn in bulk, decided at their moment of
transition, dropped and removed; the same users however the hours are chunked."""

import numpy as np
import pytest

from opssim.scenario.schema import Delay
from opssim.sim.funnel import FunnelState

HORIZON = 200


def feed(f: FunnelState, cuts: list[int], users_per_hour: int = 100, hours: int = 10,
         p: float = 0.5, start: int = 0, until: int = HORIZON) -> FunnelState:
    """Stage 0 gets ``users_per_hour`` for ``hours`` hours; a share ``p`` moves on to stage 1;
    hours ``start`` to ``until`` are drawn, in chunks that end at ``cuts`` and at each week."""
    convert = np.array([[p], [0.0]])
    ends = sorted(t for t in {*cuts, *range(168, HORIZON, 168), until} if start < t <= until)
    t0 = start
    for t1 in ends:
        arrivals = np.zeros((2, 1, t1 - t0), dtype=np.int64)
        arrivals[0, 0, : max(0, min(hours, t1) - t0)] = users_per_hour
        f.flow(t0, t1, arrivals, convert)
        t0 = t1
    return f


def two_stage_funnel(cuts: tuple[int, ...] = (10,), churn: float | None = None,
                     root: int = 0, until: int = HORIZON) -> FunnelState:
    f = FunnelState([Delay(exponential=24.0), None], 1, HORIZON, [None, churn], root)
    return feed(f, list(cuts), until=until)


def test_users_enter_and_decide_once() -> None:
    f = two_stage_funnel()
    assert f.entered[0].sum() == 1000
    assert f.moves[0].sum() + f.drops[0].sum() + f.due[0, :, HORIZON].sum() == 1000
    assert np.array_equal(f.entered[1, :, :HORIZON], f.moves[0, :, :HORIZON])
    assert 400 < f.moves[0].sum() < 600


def test_decisions_happen_after_entry() -> None:
    f = two_stage_funnel()
    present = np.cumsum(f.entered[0] - f.moves[0] - f.drops[0])
    assert present.min() >= 0
    assert f.current(0, 0).sum() == 0
    assert f.current(0, 10).sum() == present[9]


@pytest.mark.parametrize("cuts", [(1, 2, 3, 50, 51), tuple(range(1, HORIZON)), (10, 199)])
def test_the_same_users_however_the_hours_are_chunked(cuts: tuple[int, ...]) -> None:
    """Keyed luck: drawing the hours in any pieces gives exactly the same histograms."""
    whole, pieces = two_stage_funnel(churn=30.0), two_stage_funnel(cuts, churn=30.0)
    for name in ("entered", "due", "gone", "moves", "drops"):
        assert np.array_equal(getattr(whole, name), getattr(pieces, name)), name


def test_another_root_is_other_luck() -> None:
    a, b = two_stage_funnel(root=1), two_stage_funnel(root=2)
    assert not np.array_equal(a.moves, b.moves)


def test_churn_takes_users_from_the_last_stage_in_time() -> None:
    f = two_stage_funnel(churn=30.0)
    assert f.gone[1].sum() > 0
    assert f.current(1, HORIZON).sum() >= 0
    assert f.drops[1, :, :HORIZON].sum() == f.gone[1, :, :HORIZON].sum()


@pytest.mark.parametrize("stage", [0, 1])
def test_remove_takes_at_most_the_users_there(stage: int) -> None:
    t = 60
    f = two_stage_funnel(until=t)
    there = int(f.current(stage, t).sum())
    assert there > 0
    removed = f.remove(stage, 10**6, t, np.random.default_rng(1))
    assert removed == there
    feed(f, [], start=t)
    # Nobody is left at hour t; stage 1 only gets the movers who decide later.
    assert f.current(stage, t + 1).sum() == int(f.entered[stage, :, t].sum())


@pytest.mark.parametrize("stage", [0, 1])
def test_remove_a_few(stage: int) -> None:
    t = 60
    f = two_stage_funnel(until=t)
    pending = int(f.due[stage, :, t:].sum())
    assert f.remove(stage, 7, t, np.random.default_rng(1)) == 7
    assert int(f.due[stage, :, t:].sum()) == pending - 7
    assert int(f.drops[stage, :, t].sum()) >= 7


@pytest.mark.parametrize("stage", [0, 1], ids=["inner stage", "last stage"])
def test_a_second_removal_in_the_same_hour_finds_nobody(stage: int) -> None:
    """Users removed at hour t are gone: a second removal in that hour finds nobody."""
    t = 60
    f = two_stage_funnel(until=t)
    rng = np.random.default_rng(1)
    f.remove(stage, 10**6, t, rng)  # everyone still there leaves at hour t
    assert f.remove(stage, 5, t, rng) == 0
    feed(f, [], start=t)
    assert f.current(stage, t + 1).sum() >= 0


def test_a_trace_follows_every_user() -> None:
    """With a sink set, every user's entry and decision are reported, one by one: the movers
    of stage 0 are exactly stage 1's entrants, each decides after entering, and a removed user
    is reported as taken."""
    seen: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    f = FunnelState([Delay(exponential=24.0), None], 1, HORIZON, [None, 30.0], 5)
    f.trace = lambda s, g, e, d, m: seen.append((s, e, d, m))
    feed(f, [], until=60)
    f.remove(0, 25, 60, np.random.default_rng(2))
    feed(f, [], start=60)
    plain = two_stage_funnel(churn=30.0, root=5)  # untraced: the same numbers up to hour 60
    assert np.array_equal(f.moves[:, :, :60], plain.moves[:, :, :60])
    moved = sum(int(m.sum()) for s, e, d, m in seen if s == 0)
    assert moved == f.moves[0].sum() == f.entered[1, :, :HORIZON].sum()
    stage0 = [(e, d) for s, e, d, m in seen if s == 0]
    assert all((d >= e).all() for e, d in stage0)
    decided = sum(len(e) for e, d in stage0)
    assert decided == f.moves[0].sum() + f.drops[0].sum()  # 25 removed among the drops
    assert sum(len(e) for s, e, d, m in seen if s == 1) == f.entered[1, :, :HORIZON].sum()
