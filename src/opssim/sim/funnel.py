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

from collections.abc import Callable

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
        #: Optional per-user trace (``--events-out``): ``trace(stage, segment, entered_at,
        #: decided_at, moved)`` for every batch of users drawn at a stage (see events_out.py).
        self.trace: Callable[[int, int, np.ndarray, np.ndarray, np.ndarray], None] | None = None

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
        last = self.n_stages - 1
        for s in range(self.n_stages):
            cohort = arrivals[s]
            if s > 0:
                cohort = cohort + self.moves[s - 1, :, t0:t1]
            self.entered[s, :, t0:t1] = cohort
            if s == last:
                if self.trace is not None:  # users reach the last stage and stay
                    self._trace(s, np.arange(self.n_segments), 0 * cohort, cohort, t0,
                                np.zeros(0, dtype=np.int64))
                continue
            # Only segments with users are drawn: a binomial of zero users draws no random
            # numbers, so leaving them out keeps every draw as it was.
            rows = np.flatnonzero(cohort.any(axis=1))
            if len(rows) == 0:
                continue
            if len(rows) < len(cohort):
                cohort = cohort[rows]
            moving = conv_rng.binomial(cohort, convert[s + 1, rows][:, None])
            self._schedule(s, rows, moving, cohort - moving, t0, delay_rng)

    def _schedule(self, s: int, rows: np.ndarray, moving: np.ndarray, dropping: np.ndarray,
                  t0: int, rng: np.random.Generator) -> None:
        """Add ``moving[i, j]`` users of segment ``rows[i]`` to ``moves[s]`` and
        ``dropping[i, j]`` to ``drops[s]`` at hour ``t0 + j + delay``, a delay each (the movers'
        delays drawn first, segment by segment)."""
        counts = np.concatenate([moving.ravel(), dropping.ravel()])
        total = int(counts.sum())
        n_rows, j = moving.shape
        delay = draw_hours(rng, self.delays[s + 1], total)
        if self.trace is not None:
            self._trace(s, rows, moving, dropping, t0, delay)
        # Only hours t0 .. t0 + j - 1 + the longest delay can change, and never past the
        # overflow bin (hour ``horizon``): bin into that window, not the whole horizon.
        width = self.horizon + 1 - t0
        window = min(width, j + int(delay.max()))
        start = np.arange(2 * n_rows)[:, None] * window + np.arange(j)[None, :]
        at = np.repeat(start.ravel(), counts)
        if window == width:  # late users go to their row's overflow bin, not the next row
            row_end = (at // window) * window + (window - 1)
            at += delay
            np.minimum(at, row_end, out=at)
        else:
            at += delay
        binned = np.bincount(at, minlength=2 * n_rows * window).reshape(2, n_rows, window)
        stop = t0 + window
        if n_rows == self.n_segments:
            self.moves[s, :, t0:stop] += binned[0]
            self.drops[s, :, t0:stop] += binned[1]
        else:
            self.moves[s, rows, t0:stop] += binned[0]
            self.drops[s, rows, t0:stop] += binned[1]

    def _trace(self, s: int, rows: np.ndarray, moving: np.ndarray, dropping: np.ndarray,
               t0: int, delay: np.ndarray) -> None:
        """Hand each row's users to ``trace``: movers then droppers, hour by hour, with the
        delays in the order ``_schedule`` drew them (no delay at the last stage: inf)."""
        assert self.trace is not None
        hours = np.arange(t0, t0 + moving.shape[1], dtype=float)
        n_move, n_drop = moving.sum(axis=1), dropping.sum(axis=1)
        m_at = np.concatenate([[0], np.cumsum(n_move)])
        d_at = m_at[-1] + np.concatenate([[0], np.cumsum(n_drop)])
        for i, g in enumerate(rows):
            if n_move[i] + n_drop[i] == 0:
                continue
            entered = np.concatenate([np.repeat(hours, moving[i]), np.repeat(hours, dropping[i])])
            if len(delay):
                waited = np.concatenate([delay[m_at[i]:m_at[i + 1]], delay[d_at[i]:d_at[i + 1]]])
            else:
                waited = np.full(len(entered), np.inf)
            moved = np.repeat(np.array([True, False]), [n_move[i], n_drop[i]])
            self.trace(s, int(g), entered, entered + waited, moved)

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
