"""Keyed random numbers, tested as random numbers: uniform, independent of their neighbours
and of other keys."""

import numpy as np
import pytest

from opssim.sim.keyed import bits, halves, key, unit

N = 200_000


def chi_square_uniform(u: np.ndarray, bins: int = 50) -> float:
    counts = np.bincount((u * bins).astype(int), minlength=bins)
    expected = len(u) / bins
    return float(((counts - expected) ** 2 / expected).sum())


# chi-square with 49 degrees of freedom: the 99.9 % point is 85.4
LIMIT_49 = 85.4


@pytest.mark.parametrize("stream", [key(0), key(1, "enter", 0, 0), key(2**70, "decide", 3, 11)])
def test_uniforms_are_uniform(stream: int) -> None:
    index = np.arange(N, dtype=np.uint64)
    hi, lo = halves(bits(stream, index))
    for u in (hi, lo, unit(bits(stream, index))):
        assert u.min() > 0.0 and u.max() < 1.0
        assert chi_square_uniform(u) < LIMIT_49


def test_neighbours_and_halves_are_uncorrelated() -> None:
    index = np.arange(N, dtype=np.uint64)
    hi, lo = halves(bits(key(7), index))
    se = 1 / np.sqrt(N)  # of a correlation near zero
    assert abs(np.corrcoef(hi, lo)[0, 1]) < 4 * se
    assert abs(np.corrcoef(hi[:-1], hi[1:])[0, 1]) < 4 * se
    other = unit(bits(key(8), index))
    assert abs(np.corrcoef(unit(bits(key(7), index)), other)[0, 1]) < 4 * se


def test_keys_differ_by_every_part() -> None:
    keys = {key(1, 2), key(2, 1), key(2**64 + 1), key(1, 2**64), key(1, "a"), key(1, "b"),
            key(1), key(0, 1)}
    assert len(keys) == 8
    with pytest.raises(ValueError):
        key(-1)


def test_the_kth_number_is_the_kth_whatever_else_is_asked() -> None:
    stream = key(3)
    all_at_once = bits(stream, np.arange(100, dtype=np.uint64))
    some = bits(stream, np.array([5, 99, 0], dtype=np.uint64))
    assert list(some) == [all_at_once[5], all_at_once[99], all_at_once[0]]
