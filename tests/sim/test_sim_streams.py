"""The streams' shortcut derivation gives numpy's SeedSequence generators bit for bit."""

import numpy as np
import pytest

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
