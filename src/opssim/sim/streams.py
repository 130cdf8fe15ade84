"""Named random streams: one numpy Generator per (stream name, simulated day).

Keying by day as well as by name keeps common random numbers aligned between runs that
differ in their inputs (a counterfactual under another allocation draws the same arrivals
on day 9 whatever happened on day 8), and adding a stream never shifts another.
"""

import copy
import zlib

import numpy as np


class Streams:
    """The random streams of one run, derived from ``root`` seed and ``run_index``."""

    def __init__(self, root: int, run_index: int = 0) -> None:
        self.root = root
        self.run_index = run_index
        self._cache: dict[str, tuple[int, np.random.Generator]] = {}

    def get(self, name: str, day: int) -> np.random.Generator:
        """The generator of stream ``name`` on ``day``; repeated calls continue the same stream."""
        hit = self._cache.get(name)
        if hit is not None and hit[0] == day:
            return hit[1]
        gen = self.fresh(name, day)
        self._cache[name] = (day, gen)
        return gen

    def copy_for(self, day: int) -> "Streams":
        """A copy that continues exactly from here on ``day`` and after (only that day's
        generators are copied: earlier days are never drawn from again)."""
        twin = Streams(self.root, self.run_index)
        twin._cache = {
            name: (d, copy.deepcopy(gen)) for name, (d, gen) in self._cache.items() if d == day
        }
        return twin

    def fresh(self, name: str, day: int) -> np.random.Generator:
        """A new generator at the start of stream ``name`` on ``day`` (not cached)."""
        seq = np.random.SeedSequence(
            self.root, spawn_key=(self.run_index, zlib.crc32(name.encode()), day)
        )
        return np.random.Generator(np.random.PCG64(seq))
