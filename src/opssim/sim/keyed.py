"""Keyed random numbers: the ``k``-th number of a named stream, computed rather than drawn.

A user's luck in the funnel — where inside the hour they arrived, how long they take, whether
they convert — is a hash of (run, stream, stage, segment, week, ``k``), ``k`` counting the users
of that segment at that stage in that week. Nothing is consumed from a shared generator, so:

* two runs of one seed under different hours meet the same luck user for user (common random
  numbers: a change in one stage's conversion changes only the users it tips over);
* the numbers do not depend on how the hours are cut into chunks, nor on which other runs are
  stepped alongside;
* there is no generator to build per stream, per week or per run.

The hash is SplitMix64's finaliser (Steele, Lea & Flood 2014) over ``key + k · golden``, the
construction of SplitMix64 itself; its output passes BigCrush as a counter-based generator.
"""

import functools
import zlib
from collections.abc import Sequence

import numpy as np

from opssim.sim import kernel

_GOLDEN = 0x9E3779B97F4A7C15
_M1, _M2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB
_MASK = (1 << 64) - 1
#: Bits of a user's index that count users; the segment goes above them.
SEGMENT_SHIFT = 40


def _mix(z: int) -> int:
    z = (z ^ (z >> 30)) * _M1 & _MASK
    z = (z ^ (z >> 27)) * _M2 & _MASK
    return z ^ (z >> 31)


def key(*parts: int | str) -> int:
    """A 64-bit stream key from ``parts`` (ints, or names hashed with CRC-32)."""
    return key_from(0, *parts)


def key_from(z: int, *parts: int | str) -> int:
    """The key of ``parts`` after those whose key is ``z``: ``key(a, b) == key_from(key(a),
    b)``, so keys sharing a prefix mix it once."""
    if kernel.AVAILABLE:
        try:  # ints below 2**64 in C; a bigger or negative one in Python, below
            return _c_key_from(z, *[zlib.crc32(p.encode()) if isinstance(p, str) else p
                                    for p in parts])
        except OverflowError:
            pass
    return _key_from(z, parts)


def _key_from(z: int, parts: Sequence[int | str]) -> int:
    """:func:`key_from` in Python (the kernel's reference)."""
    for p in parts:
        v = zlib.crc32(p.encode()) if isinstance(p, str) else p
        if v < 0:
            raise ValueError("keys are made of non-negative numbers")
        while True:  # every 64-bit word of a big number counts
            z = _mix((z + (v & _MASK) * _GOLDEN + _GOLDEN) & _MASK)
            v >>= 64
            if not v:
                break
        z = _mix((z + _GOLDEN) & _MASK)  # closes the part: (1, 2) is not (2**64 + 1,)
    return z


def key_grid(keys: np.ndarray, parts: Sequence[int]) -> np.ndarray:
    """``key_from(keys[...], parts[i])`` at ``[i, ...]`` (uint64): many keys in one call."""
    keys = np.ascontiguousarray(keys, dtype=np.uint64)
    if kernel.AVAILABLE and all(0 <= p <= _MASK for p in parts):
        out = np.empty((len(parts), *keys.shape), dtype=np.uint64)
        _c_key_outer(keys, np.array(parts, dtype=np.uint64), out)
        return out
    return np.array([[_key_from(int(z), (p,)) for z in keys.ravel()] for p in parts],
                    dtype=np.uint64).reshape(len(parts), *keys.shape)


@functools.lru_cache(maxsize=1024)
def stage_keys(root: int, names: tuple[str, ...], n: int) -> np.ndarray:
    """``key(root, names[j], i)`` at ``[i, j]`` for ``i < n`` (uint64, read-only: shared by the
    funnels of one root, e.g. a replica's and its re-runs')."""
    first = key_grid(np.array([key(root)], dtype=np.uint64),
                     [zlib.crc32(name.encode()) for name in names])[:, 0]
    out = key_grid(first, range(n))
    out.flags.writeable = False
    return out


def bits(stream: int | np.ndarray, index: np.ndarray) -> np.ndarray:
    """64 random bits for each ``index`` (uint64) of the stream keyed ``stream`` (a new
    array; :func:`halves` and :func:`unit` consume it)."""
    z = index * np.uint64(_GOLDEN)
    z += np.asarray(stream, dtype=np.uint64)
    z ^= z >> np.uint64(30)
    z *= np.uint64(_M1)
    z ^= z >> np.uint64(27)
    z *= np.uint64(_M2)
    z ^= z >> np.uint64(31)
    return z


_TO_UNIT = 2.0**-32


def halves(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Two uniforms in (0, 1) from each 64-bit value: its high and its low 32 bits."""
    hi = (z >> np.uint64(32)).astype(np.float64)
    hi += 0.5
    hi *= _TO_UNIT
    z &= np.uint64(0xFFFFFFFF)  # z is spent: its low half is the second number
    lo = z.astype(np.float64)
    lo += 0.5
    lo *= _TO_UNIT
    return hi, lo


def unit(z: np.ndarray) -> np.ndarray:
    """A uniform in (0, 1) from each 64-bit value (its high 53 bits)."""
    z >>= np.uint64(11)
    u = z.astype(np.float64)
    u += 0.5
    u *= 2.0**-53
    return u


_c_key_from = kernel._kernel.key_from if kernel.AVAILABLE else None
_c_key_outer = kernel._kernel.key_outer if kernel.AVAILABLE else None
