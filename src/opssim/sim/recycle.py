"""Arrays used again once nothing refers to them: the blocks of replicas' funnels.

Replicas' histograms are views of one block per histogram (``FunnelGroup.blocks``), tens of
megabytes at 100k users. Each page of a fresh block costs the operating system a fault and a
zeroing the first time it is written — most of the cost of forking a replica. Replicas are
made review after review, and the last review's are gone by the next one; so a block whose
views have all been dropped is handed out again instead, its pages already there.

A block is free when nothing but the pool refers to it: every view of it (a replica's
histogram, a group's stack) holds a reference to it, so its reference count says when the
last of them is gone.
"""

import sys
import threading

import numpy as np

#: Most bytes of blocks the pool keeps (in use or free).
LIMIT = 128 * 2**20

# References to a block the pool's own scan holds: the list's, the loop's, the argument's.
_SCAN_REFS = 3


class Pool:
    """Blocks handed out by shape and dtype, kept to be handed out again once free."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.limit = limit
        self._blocks: list[np.ndarray] = []
        self._lock = threading.Lock()  # a block is claimed by one taker only

    def take(self, shape: tuple[int, ...], dtype: np.dtype) -> tuple[np.ndarray, bool]:
        """A C-ordered block of ``shape`` and ``dtype``, and whether it is fresh: all zeros;
        a block used again (False) holds whatever its last user left."""
        dtype = np.dtype(dtype)
        with self._lock:
            spare = []  # free blocks of other shapes, oldest first
            for b in self._blocks:  # (a list's iterator holds no reference to its items)
                if sys.getrefcount(b) <= _SCAN_REFS:
                    if b.shape == shape and b.dtype == dtype:
                        return b, False
                    spare.append((id(b), b.nbytes))
            block = np.zeros(shape, dtype)
            kept = self.kept()
            drop = set()
            for j, size in spare:  # room for the new block: free ones of other shapes go
                if kept + block.nbytes <= self.limit:
                    break
                drop.add(j)
                kept -= size
            if drop:
                self._blocks = [b for b in self._blocks if id(b) not in drop]
            if kept + block.nbytes <= self.limit:
                self._blocks.append(block)
            return block, True

    def kept(self) -> int:
        """Bytes of blocks kept."""
        return sum(b.nbytes for b in self._blocks)


#: The pool of replicas' funnel blocks.
BLOCKS = Pool()
