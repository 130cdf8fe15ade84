"""Running totals of a funnel per stage, hour by hour: what the KPIs, paces and views read.

Reading the users who reached a stage in some hours used to sum the funnel's histogram over
its segments and those hours at every read (a pace each working day, a review, a snapshot).
A :class:`Tally` sums each hour once, when it is first read after being drawn, into
cumulative counts, so a read is two numbers. A drawn hour never changes (the draw writes each
hour once, and a removal writes the hour the draw has reached, not one before it), so the
totals stay exact.
"""

import copy

import numpy as np

#: The histograms a tally sums, by the index :meth:`Tally.upto` takes.
REACHED, MOVED, DROPPED = range(3)


class Tally:
    """``sums[k, s, h]``: users of stage ``s`` who reached it (``k`` = :data:`REACHED`), moved
    on from it (:data:`MOVED`) or dropped at it (:data:`DROPPED`) in the hours before ``h``;
    valid for ``h`` up to ``done[k]``."""

    def __init__(self, n_stages: int, horizon: int) -> None:
        self.sums = np.zeros((3, n_stages, horizon + 2), dtype=np.int64)
        self.done = [0, 0, 0]

    def __deepcopy__(self, memo: dict) -> "Tally":
        # Only the hours summed so far are worth copying (a fork copies a run mid-way).
        twin = Tally.__new__(Tally)
        memo[id(self)] = twin
        hi = max(self.done) + 1
        twin.sums = np.zeros(self.sums.shape, self.sums.dtype)  # unsummed hours: zeros, as here
        twin.sums[:, :, :hi] = self.sums[:, :, :hi]
        twin.done = copy.copy(self.done)
        return twin

    def upto(self, k: int, hist: np.ndarray, drawn: int) -> np.ndarray:
        """``sums[k]``, summed first up to hour ``drawn`` from ``hist`` (stage, segment, hour):
        the histogram ``k`` names, drawn up to ``drawn``."""
        row = self.sums[k]
        c = self.done[k]
        if c < drawn:
            new = row[:, c + 1:drawn + 1]  # the ufuncs themselves: a read is often all
            np.add.accumulate(np.add.reduce(hist[:, :, c:drawn], axis=1, dtype=np.int64),
                              axis=1, out=new)
            new += row[:, c:c + 1]
            self.done[k] = drawn
        return row
