"""Users in the funnel as counts per (stage, segment, hour): no Python object per user.

For each stage the state holds three hour-indexed histograms per segment (a segment is where
users came from: a channel, copy, events, ground):

* ``entered[s]`` — users who reached stage ``s`` in each hour;
* ``moves[s]``   — users who leave ``s`` for ``s + 1`` in each hour (drawn when they entered);
* ``drops[s]``   — users who give up at ``s`` in each hour.

The last bin of every histogram is "after the horizon". A user's fate at a stage (move on or
drop, and when) is drawn in bulk when the user enters it, with the rates of that moment; rates
only change at engine events, so between two events every draw is independent of the others.
"""

import numpy as np

from opssim.scenario.schema import Delay
from opssim.sim.delays import draw_hours


class FunnelState:
    """Histograms of ``n_stages`` stages × ``n_segments`` segments × ``horizon + 1`` hours."""

    def __init__(self, delays: list[Delay], n_segments: int, horizon: int) -> None:
        self.delays = delays  # delays[s]: time to leave stage s-1 (as the scenario gives it)
        self.n_stages = len(delays)
        self.n_segments = n_segments
        self.horizon = horizon
        shape = (self.n_stages, n_segments, horizon + 1)
        self.entered = np.zeros(shape, dtype=np.int64)
        self.moves = np.zeros(shape, dtype=np.int64)
        self.drops = np.zeros(shape, dtype=np.int64)

    def flow(
        self,
        t0: int,
        t1: int,
        arrivals: np.ndarray,
        convert: np.ndarray,
        conv_rng: np.random.Generator,
        delay_rng: np.random.Generator,
    ) -> None:
        """Draw the users of hours ``[t0, t1)``, stage by stage.

        ``arrivals[s, g, j]`` are users of segment ``g`` arriving from outside at stage ``s``
        in hour ``t0 + j``; ``convert[s, g]`` is the chance a user at ``s - 1`` moves on to ``s``.
        """
        for s in range(self.n_stages):
            cohort = arrivals[s]
            if s > 0:
                cohort = cohort + self.moves[s - 1, :, t0:t1]
            self.entered[s, :, t0:t1] = cohort
            if s + 1 == self.n_stages or not cohort.any():
                continue
            moving = conv_rng.binomial(cohort, convert[s + 1][:, None])
            self._schedule(s, moving, cohort - moving, t0, delay_rng)

    def _schedule(
        self, s: int, moving: np.ndarray, dropping: np.ndarray, t0: int, rng: np.random.Generator
    ) -> None:
        """Add ``moving[g, j]`` users to ``moves[s]`` and ``dropping[g, j]`` to ``drops[s]`` at
        hour ``t0 + j + delay``, a delay each (the movers' delays drawn first)."""
        both = np.stack([moving, dropping])  # (2, g, j)
        total = int(both.sum())
        if total == 0:
            return
        # Only the segments with users, and only hours from t0 on, can change: bin into that
        # window (most segments are empty, and the window shrinks as the run goes on).
        rows = np.flatnonzero(both.any(axis=(0, 2)))
        both = both[:, rows]
        n_rows, j = len(rows), both.shape[2]
        width = self.horizon + 1 - t0  # hours t0 .. horizon (the overflow bin)
        start = np.arange(2 * n_rows)[:, None] * width + np.arange(j)[None, :]
        base = np.repeat(start.ravel(), both.ravel())
        delay = draw_hours(rng, self.delays[s + 1], total)
        # Keep each user in its own row; late arrivals go to the overflow bin.
        row_end = (base // width) * width + (width - 1)
        binned = np.bincount(np.minimum(base + delay, row_end), minlength=2 * n_rows * width)
        binned = binned.reshape(2, n_rows, width)
        self.moves[s, rows, t0:] += binned[0]
        self.drops[s, rows, t0:] += binned[1]

    def current(self, s: int, now: int) -> np.ndarray:
        """Users per segment at stage ``s`` at hour ``now``: reached, not moved on, not dropped."""
        return (
            self.entered[s, :, :now].sum(axis=1)
            - self.moves[s, :, :now].sum(axis=1)
            - self.drops[s, :, :now].sum(axis=1)
        )

    def remove(self, s: int, n: int, t: int, rng: np.random.Generator) -> int:
        """Make up to ``n`` users still at stage ``s`` drop out at hour ``t``; return how many.

        The users are picked at random among those still there, whatever their fate would
        have been (a multivariate hypergeometric draw over their future move and drop hours).
        """
        if s + 1 == self.n_stages:
            pool = self.current(s, t) - self.drops[s, :, t]  # less those already gone at t
            take = rng.multivariate_hypergeometric(
                pool, min(n, int(pool.sum())), method="marginals"
            )
            self.drops[s, :, t] += take
            return int(take.sum())
        fut_moves = self.moves[s, :, t:]
        fut_drops = self.drops[s, :, t + 1 :]  # those dropping at t are gone already
        pool = np.concatenate([fut_moves.ravel(), fut_drops.ravel()])
        n = min(n, int(pool.sum()))
        if n <= 0:
            return 0
        take = rng.multivariate_hypergeometric(pool, n, method="marginals")
        half = fut_moves.size
        taken_moves = take[:half].reshape(fut_moves.shape)
        taken_drops = take[half:].reshape(fut_drops.shape)
        fut_moves -= taken_moves
        fut_drops -= taken_drops
        self.drops[s, :, t] += taken_moves.sum(axis=1) + taken_drops.sum(axis=1)
        return n
