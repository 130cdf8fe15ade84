"""The streams' shortcut derivation gives numpy's SeedSequence generators bit for bit."""

import numpy as np
import pytest

from opssim.sim import kernel
from opssim.sim.blame import LUCK_RUN_INDEX
from opssim.sim.streams import Streams


@pytest.mark.parametrize("root", [0, 1, 10_000, 2**32 - 1, 2**32, 2**64 + 5, 2**140 + 3])
@pytest.mark.parametrize("run_index", [0, 3, LUCK_RUN_INDEX, 2**40])
def test_fresh_matches_seed_sequence(root: int, run_index: int) -> None:
    streams = Streams(root, run_index)
    for name in ("arrivals:organic", "tickets", ""):
        for day in (0, 1, 63, 64, 83, 200, 2**32 + 1):
            got = streams.fresh(name, day).random(3)
            want = Streams.reference(root, run_index, name, day).random(3)
            assert np.array_equal(got, want), (name, day)


def test_copies_continue_the_same_streams() -> None:
    streams = Streams(7)
    first = streams.get("conversions", 5).random(2)
    twin = streams.copy()
    assert np.array_equal(twin.get("conversions", 5).random(2),
                          streams.get("conversions", 5).random(2))
    assert not np.array_equal(first, twin.get("conversions", 5).random(2))


def test_days_one_by_one_then_in_blocks_match_seedsequence() -> None:
    """The first days of a stream are computed one by one, later ones in blocks: both are
    numpy's SeedSequence words, bit for bit."""
    streams = Streams(12345, 1_000_007)
    for day in [*range(20), 64, 130, 5, 2**31 + 5]:
        mine = streams.fresh("lost", day).random(3)
        assert np.array_equal(mine, Streams.reference(12345, 1_000_007, "lost", day).random(3))


@pytest.mark.parametrize("compiled", [True, False])
def test_each_generator_is_its_own(compiled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Generators made one after another (one seed buffer refilled each time) share nothing:
    each is numpy's SeedSequence generator of its own name and day, however the others are
    made and drawn from; with the kernel and without."""
    if compiled and not kernel.AVAILABLE:
        pytest.skip("the C kernel was not built")
    monkeypatch.setattr(kernel, "AVAILABLE", compiled)
    streams = Streams(2024, 9)
    made = [(name, day, streams.fresh(name, day)) for name in ("tickets", "lost", "tickets")
            for day in (3, 2**33, 2**64 + 1, 3)]
    made[0][2].random(5)  # draws from one move no other
    for name, day, gen in made[1:]:
        assert np.array_equal(gen.random(4), Streams.reference(2024, 9, name, day).random(4))
    assert made[0][2].bit_generator is not made[4][2].bit_generator


@pytest.mark.parametrize("compiled", [True, False])
def test_a_negative_day_is_refused(compiled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if compiled and not kernel.AVAILABLE:
        pytest.skip("the C kernel was not built")
    monkeypatch.setattr(kernel, "AVAILABLE", compiled)
    with pytest.raises(ValueError, match="non-negative"):
        Streams(1).fresh("tickets", -1)
