"""Keyed random numbers, tested as random numbers: uniform, independent of their neighbours
and of other keys."""

import numpy as np
import pytest

from opssim.sim import kernel
from opssim.sim.keyed import _key_from, bits, halves, key, key_from, key_grid, stage_keys, unit

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


@pytest.mark.skipif(not kernel.AVAILABLE, reason="the C kernel was not built")
def test_compiled_keys_are_the_python_keys() -> None:
    """key_from and key_grid in C give the Python reference's keys, bit for bit; parts of 64
    bits or more, and strings, as well."""
    rng = np.random.default_rng(3)
    parts: list[int | str] = [0, 1, 2**32, 2**64 - 1, 2**64, 2**200 + 7, "enter", "", True,
                              *(int(v) for v in rng.integers(0, 2**63, 20, dtype=np.int64))]
    for z in (0, 2**64 - 1, *(int(v) for v in rng.integers(0, 2**63, 5, dtype=np.int64))):
        for i in range(len(parts)):
            chosen = parts[i:i + 3]
            assert key_from(z, *chosen) == _key_from(z, chosen), (z, chosen)
    with pytest.raises(ValueError):  # in C an overflow, so the reference's error
        key_from(3, 2, -1)
    keys = rng.integers(0, 2**63, (3, 4), dtype=np.int64).astype(np.uint64)
    small = [0, 5, 2**64 - 1]
    grid = key_grid(keys, small)
    assert grid.shape == (3, 3, 4)
    assert all(int(grid[i, r, c]) == _key_from(int(keys[r, c]), (p,))
               for i, p in enumerate(small) for r in range(3) for c in range(4))
    assert np.array_equal(stage_keys(11, ("a", "b"), 3),
                          [[key(11, name, s) for name in ("a", "b")] for s in range(3)])


def test_keys_without_the_kernel_are_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    want = [key(5, "decide", 2, 9), int(key_grid(np.array([key(5)], dtype=np.uint64), [7])[0, 0])]
    stage_keys.cache_clear()
    monkeypatch.setattr(kernel, "AVAILABLE", False)
    assert [key(5, "decide", 2, 9), key_from(key(5), 7)] == want
    with pytest.raises(ValueError):
        key_from(3, 2, -1)
