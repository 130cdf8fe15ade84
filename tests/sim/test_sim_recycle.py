"""The pool of replicas' funnel blocks: a block is handed out again only once nothing uses it."""

import gc

import numpy as np
import pytest

from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK, Engine, recycle
from opssim.sim.funnel import ARRAYS, FunnelGroup
from opssim.sim.recycle import Pool


def test_a_block_in_use_is_never_handed_out() -> None:
    pool = Pool()
    a, fresh = pool.take((2, 3), np.int32)
    assert fresh and not a.any()
    view = a[1]
    del a
    b, fresh = pool.take((2, 3), np.int32)  # a view still refers to the first
    assert fresh and b.base is not view.base
    b[:] = 7
    del view
    gc.collect()
    c, fresh = pool.take((2, 3), np.int32)  # the first, its last view gone
    assert not fresh and c.base is None and not c.any()
    assert pool.take((2, 3), np.int64)[1] and pool.take((3, 2), np.int32)[1]  # other kinds


def test_the_pool_keeps_no_more_than_its_limit() -> None:
    pool = Pool(limit=1000)
    kept = [pool.take((100,), np.int32)[0] for _ in range(3)]  # 400 bytes each
    assert pool.kept() == 800
    del kept
    big = pool.take((200,), np.int32)[0]  # 800 bytes: free blocks of other shapes make room
    assert pool.kept() <= 1000 and any(b is big for b in pool._blocks)
    assert pool.take((1000,), np.int32)[1] and pool.kept() <= 1000  # too big to keep


def test_blocks_used_again_are_as_fresh_ones(starter: Scenario,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Replicas' blocks made from a used block (full of another run's users) hold exactly
    what fresh zeros would."""
    pool = Pool()
    monkeypatch.setattr(recycle, "BLOCKS", pool)
    run = Engine(starter, 2, attribution=False)
    run.advance_to(3 * HOURS_PER_WEEK)
    run.truth()
    other = Engine(starter, 9, attribution=False)
    other.advance_to(5 * HOURS_PER_WEEK)
    other.truth()
    for drawn in (other._drawn_to, other._drawn_to - 100):  # blocks written everywhere
        memos = FunnelGroup.blocks(other.funnel, 4, drawn)
        del memos
    gc.collect()
    before = [id(b) for b in pool._blocks]  # (a list of the blocks would hold them)
    used = FunnelGroup.blocks(run.funnel, 4, run._drawn_to)
    assert len(pool._blocks) == len(before) >= 5  # all five used again: none made
    assert before == [id(b) for b in pool._blocks]
    for name in ARRAYS:
        a = getattr(run.funnel, name)
        for memo in used:
            copy = memo[id(a)]
            if name in ("entered", "moves", "drops"):
                assert np.array_equal(copy[..., :run._drawn_to + 1], a[..., :run._drawn_to + 1])
                assert not copy[..., run._drawn_to + 1:].any(), name
            elif name in ("due", "gone"):
                assert np.array_equal(copy[..., run._drawn_to:], a[..., run._drawn_to:])
                assert not copy[..., :run._drawn_to].any(), name
            else:
                assert np.array_equal(copy, a)
