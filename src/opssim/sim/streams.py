"""Named random streams: one numpy Generator per (stream name, key), the key a simulated day
or week.

Keying by time as well as by name keeps common random numbers aligned between runs that
differ in their inputs (a counterfactual under another allocation draws the same arrivals
in week 9 whatever happened in week 8), and adding a stream never shifts another. The
funnel's streams are keyed by week, the day-to-day work's (copy, departments, blame) by day.

Each key's generator is ``PCG64(SeedSequence(root, spawn_key=(run_index, crc32(name), key)))``,
bit for bit. Building a ``SeedSequence`` per stream per day cost 13–15 % of a run, so the
seed words are computed here instead (see :class:`_SeedWords`): by the compiled kernel
(``_kernel.seed_words``, the whole hash in well under a microsecond) when it was built, else in
Python, where the SeedSequence hash of everything but the day is mixed once per name and only
the day's word is mixed in per day (:class:`_Prefix`, the reference the tests hold the kernel to).
"""

import functools
import struct
import zlib

import numpy as np
from numpy.random.bit_generator import ISeedSequence

from opssim.sim import kernel, keyed

# numpy's SeedSequence constants (numpy/random/bit_generator.pyx), on 32-bit words.
_MASK = 0xFFFFFFFF
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715
_POOL = 4
_BLOCK = 64  # days of seed words computed at once (a 12-week run has 84)
_ONE_BY_ONE = 12  # days of a stream computed one by one before its blocks are


def _words(x: int) -> list[int]:
    """``x`` as SeedSequence reads an int: 32-bit words, least significant first."""
    if x < 0:
        raise ValueError("seeds and spawn keys must be non-negative")
    out = []
    while True:
        out.append(x & _MASK)
        x >>= 32
        if not x:
            return out


def _mix(x: int, y: int) -> int:
    r = (_MIX_L * x - _MIX_R * y) & _MASK
    return r ^ (r >> 16)


class _Hash:
    """SeedSequence's ``hashmix`` with its running constant."""

    __slots__ = ("const",)

    def __init__(self, const: int = _INIT_A) -> None:
        self.const = const

    def __call__(self, value: int) -> int:
        value ^= self.const
        self.const = (self.const * _MULT_A) & _MASK
        value = (value * self.const) & _MASK
        return value ^ (value >> 16)


class _SeedWords(ISeedSequence):
    """Hands PCG64 the seed words a SeedSequence would have generated (computed already;
    PCG64 copies them as it is made, and keeps this object only as its ``seed_seq``)."""

    __slots__ = ("state",)

    def __init__(self, state: np.ndarray) -> None:
        self.state = state

    def generate_state(self, n_words: int, dtype: type = np.uint64) -> np.ndarray:
        return self.state


class _Prefix:
    """The SeedSequence pool after mixing every entropy word but the day's (the last)."""

    __slots__ = ("_asked", "_blocks", "const", "pool")

    def __init__(self, root: int, run_index: int, crc: int) -> None:
        entropy = _words(root)
        entropy += [0] * (_POOL - len(entropy))  # padded since there is a spawn key
        entropy += _words(run_index) + _words(crc)
        h = _Hash()
        pool = [h(entropy[i]) if i < len(entropy) else h(0) for i in range(_POOL)]
        for src in range(_POOL):
            for dst in range(_POOL):
                if src != dst:
                    pool[dst] = _mix(pool[dst], h(pool[src]))
        for src in range(_POOL, len(entropy)):
            for dst in range(_POOL):
                pool[dst] = _mix(pool[dst], h(entropy[src]))
        self.pool, self.const = pool, h.const
        self._blocks: dict[int, np.ndarray] = {}  # seed words of _BLOCK days at a time
        self._asked = 0  # days asked for outside the blocks so far

    def seed_words(self, day: int) -> np.ndarray:
        """The 4 uint64 words ``SeedSequence(...).generate_state(4, np.uint64)`` gives."""
        if day >> 32:  # more than one entropy word: the plain path (never in a real run)
            return self._block([day], _words(day))[0]
        block = day // _BLOCK
        words = self._blocks.get(block)
        if words is None:
            # A few days one by one in plain Python (a replica lives a week or two and asks
            # for few); a block of days at once, vectorised, for a stream asked for often.
            self._asked += 1
            if self._asked <= _ONE_BY_ONE:
                return self._one(day)
            days = np.arange(block * _BLOCK, (block + 1) * _BLOCK, dtype=np.uint64)
            words = self._blocks[block] = self._block(days, [days])
        return words[day - block * _BLOCK]

    def _one(self, day: int) -> np.ndarray:
        """:meth:`_block` for one day below 2**32, with Python ints."""
        pool, const = list(self.pool), self.const
        for dst in range(_POOL):
            value = (const ^ day) & _MASK
            const = (const * _MULT_A) & _MASK
            value = (value * const) & _MASK
            pool[dst] = _mix(pool[dst], value ^ (value >> 16))
        out, const = [], _INIT_B
        for i in range(8):
            value = pool[i % _POOL] ^ const
            const = (const * _MULT_B) & _MASK
            value = (value * const) & _MASK
            out.append(value ^ (value >> 16))
        return np.array([out[i] | (out[i + 1] << 32) for i in range(0, 8, 2)], dtype=np.uint64)

    def _block(self, days: "np.ndarray | list[int]", entropy: list) -> np.ndarray:
        """Seed words for each of ``days`` (vectorised: uint64 arithmetic, masked to 32 bits)."""
        u64, mask, shift = np.uint64, np.uint64(_MASK), np.uint64(16)
        pool = np.array(self.pool, dtype=u64)[:, None] * np.ones(len(days), dtype=u64)
        const = self.const
        for word in entropy:
            xor, mult = [], []  # hashmix constants for the 4 pool words, in order
            for _ in range(_POOL):
                xor.append(const)
                const = (const * _MULT_A) & _MASK
                mult.append(const)
            w = np.asarray(word, dtype=u64).reshape(1, -1)
            hashed = ((np.array(xor, dtype=u64)[:, None] ^ w)
                      * np.array(mult, dtype=u64)[:, None]) & mask
            hashed ^= hashed >> shift
            pool = (u64(_MIX_L) * pool - u64(_MIX_R) * hashed) & mask
            pool ^= pool >> shift
        xor, mult, const = [], [], _INIT_B
        for _ in range(8):  # 8 uint32 words, read as 4 little-endian uint64
            xor.append(const)
            const = (const * _MULT_B) & _MASK
            mult.append(const)
        v = ((pool[[0, 1, 2, 3, 0, 1, 2, 3]] ^ np.array(xor, dtype=u64)[:, None])
             * np.array(mult, dtype=u64)[:, None]) & mask
        v ^= v >> shift
        return (v[0::2] | (v[1::2] << u64(32))).T.copy()


@functools.lru_cache(maxsize=512)
def _prefix(root: int, run_index: int, name: str) -> _Prefix:
    """Shared by every Streams of the same seed and run index (the re-runs that attribute
    blame make a fresh Streams each, and would otherwise mix the same words again)."""
    return _Prefix(root, run_index, zlib.crc32(name.encode()))


@functools.lru_cache(maxsize=4096)
def _run_words(root: int, run_index: int) -> bytes:
    """The entropy words of a run (the seed's, padded to the pool, then the run index's), as
    the kernel takes them: native uint32."""
    words = _words(root)
    words += [0] * (_POOL - len(words)) + _words(run_index)
    return struct.pack(f"={len(words)}I", *words)


@functools.lru_cache(maxsize=4096)
def _name_word(name: str) -> bytes:
    """A stream name's entropy word (its CRC-32), as the kernel takes it."""
    return struct.pack("=I", zlib.crc32(name.encode()))


def _copy(gen: np.random.Generator) -> np.random.Generator:
    """An independent generator continuing exactly where ``gen`` is (a tenth of the cost of
    ``copy.deepcopy``, which goes through pickling)."""
    bits = np.random.PCG64(_SeedWords(_NO_WORDS))
    bits.state = gen.bit_generator.state
    return np.random.Generator(bits)


_NO_WORDS = np.zeros(4, dtype=np.uint64)
_c_seed_words = kernel._kernel.seed_words if kernel.AVAILABLE else None
_Generator, _PCG64 = np.random.Generator, np.random.PCG64


class Streams:
    """The random streams of one run, derived from ``root`` seed and ``run_index``."""

    def __init__(self, root: int, run_index: int = 0) -> None:
        self.root = root
        self.run_index = run_index
        #: The run's key for keyed random numbers (opssim.sim.keyed).
        self.key = keyed.key(root, run_index)
        self._cache: dict[str, tuple[int, np.random.Generator]] = {}
        self._prefix: dict[str, _Prefix] = {}
        self._entropy: dict[str, bytes] = {}  # each name's entropy words but the day's
        # The seed words handed to each new PCG64, which copies them as it is made: one
        # buffer per Streams (a run is driven by one thread), refilled for every generator.
        self._seed = _SeedWords(np.zeros(4, dtype=np.uint64))

    def get(self, name: str, day: int) -> np.random.Generator:
        """The generator of stream ``name`` on ``day``; repeated calls continue the same stream."""
        hit = self._cache.get(name)
        if hit is not None and hit[0] == day:
            return hit[1]
        gen = self.fresh(name, day)
        self._cache[name] = (day, gen)
        return gen

    def copy(self) -> "Streams":
        """A copy that continues every stream exactly from here (the keys' generators in use
        are copied; the others start fresh when first asked for, as they would here)."""
        twin = Streams(self.root, self.run_index)
        twin._cache = {name: (key, _copy(gen)) for name, (key, gen) in self._cache.items()}
        twin._prefix = self._prefix  # immutable once made: shared
        twin._entropy = self._entropy
        return twin

    def fresh(self, name: str, day: int) -> np.random.Generator:
        """A new generator at the start of stream ``name`` on ``day`` (not cached)."""
        if kernel.AVAILABLE:
            entropy = self._entropy.get(name)
            if entropy is None:
                entropy = self._entropy[name] = (_run_words(self.root, self.run_index)
                                                 + _name_word(name))
            try:
                _c_seed_words(entropy, day, self._seed.state)
            except OverflowError:  # a day of 64 bits or more, or a huge seed: in Python
                return _Generator(_PCG64(_SeedWords(self._seed_words(name, day))))
            return _Generator(_PCG64(self._seed))
        return _Generator(_PCG64(_SeedWords(self._seed_words(name, day))))

    def _seed_words(self, name: str, day: int) -> np.ndarray:
        """:meth:`fresh`'s seed words in Python (the kernel's reference)."""
        prefix = self._prefix.get(name)
        if prefix is None:
            prefix = self._prefix[name] = _prefix(self.root, self.run_index, name)
        return prefix.seed_words(day)

    @staticmethod
    def reference(root: int, run_index: int, name: str, day: int) -> np.random.Generator:
        """:meth:`fresh` the slow way, through numpy's SeedSequence (the tests compare)."""
        seq = np.random.SeedSequence(root, spawn_key=(run_index, zlib.crc32(name.encode()), day))
        return np.random.Generator(np.random.PCG64(seq))
