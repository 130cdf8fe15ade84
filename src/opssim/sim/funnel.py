"""Users in the funnel as counts per (stage, segment, hour): no Python object per user.

A user at a stage has one decision ahead. When their time there is up (the next stage's
delay), they move on with the conversion chance *of that moment*, or give up; a stage with
churn also loses each user at an exponential time, whichever comes first. At the last stage
there is no decision: users stay until churn (if any) or a removal takes them.

Five hour-indexed histograms per stage and segment (a segment is where users came from: a
channel, copy, events, ground, partners):

* ``entered[s]`` — users who reached stage ``s`` in each hour;
* ``due[s]``     — users whose decision at ``s`` falls in each hour (drawn when they entered);
* ``gone[s]``    — users whom churn takes from ``s`` in each hour (drawn when they entered);
* ``moves[s]``   — users who moved on from ``s`` to ``s + 1`` in each hour;
* ``drops[s]``   — users who gave up, churned or were removed at ``s`` in each hour.

The last bin of every histogram is "after the horizon".

**Inside the hour.** Arrivals are a Poisson process, so a user's place inside their hour is
uniform: a user entering in hour ``t`` with delay ``D`` decides in hour ``floor(t + U + D)``,
``U`` uniform on [0, 1). A delay keeps, on average, where in the hour the user arrived, and a
delay under an hour can still cross into the next one.

**Keyed luck.** A user's numbers (place in the hour, delay, churn, decision) are keyed random
numbers (:mod:`opssim.sim.keyed`): a hash of the run, the stage, the segment, the week and the
user's count in it. So drawing hours ``[t0, t1)`` at once or in any number of pieces gives the
same users — the engine draws lazily, when something reads the funnel or is about to change a
rate — and two runs of one seed under other hours meet the same luck, user for user.
"""

import numpy as np

from opssim.scenario.schema import Delay
from opssim.sim.clock import HOURS_PER_WEEK
from opssim.sim.delays import from_uniforms, needs_two
from opssim.sim.keyed import SEGMENT_SHIFT, bits, halves, key, unit
from opssim.sim.trace import Sink, Tracer


class FunnelState:
    """Histograms of ``n_stages`` stages × ``n_segments`` segments × ``horizon + 1`` hours.

    ``exits[s]`` is the time to the decision at stage ``s`` (the next stage's delay), None
    at the last stage; ``churn_hours[s]`` the mean time to churn at ``s``, or None; ``root``
    keys the run's luck.
    """

    def __init__(self, exits: list[Delay | None], n_segments: int, horizon: int,
                 churn_hours: list[float | None] | None = None, root: int = 0) -> None:
        self.exits = exits
        self.n_stages = len(exits)
        self.n_segments = n_segments
        self.horizon = horizon
        self.churn_hours = churn_hours or [None] * self.n_stages
        shape = (self.n_stages, n_segments, horizon + 1)
        self.entered = np.zeros(shape, dtype=np.int64)
        self.due = np.zeros(shape, dtype=np.int64)
        self.gone = np.zeros(shape, dtype=np.int64)
        self.moves = np.zeros(shape, dtype=np.int64)
        self.drops = np.zeros(shape, dtype=np.int64)
        self.root = root
        # Users who entered, and who decided, at each (stage, segment) so far this week: the
        # next user's count in the keyed streams.
        self._week = 0
        self._entered_now = np.zeros((self.n_stages, n_segments), dtype=np.uint64)
        self._decided_now = np.zeros((self.n_stages, n_segments), dtype=np.uint64)
        self._keys: dict[tuple[str, int, int], int] = {}
        #: Follows users one by one for a per-user log (``run --events-out``); None: not.
        self.tracer: Tracer | None = None

    @property
    def trace(self) -> Sink | None:
        """The sink of a per-user trace (see :mod:`opssim.sim.trace`), or None."""
        return self.tracer.sink if self.tracer is not None else None

    @trace.setter
    def trace(self, sink: Sink | None) -> None:
        self.tracer = Tracer(sink) if sink is not None else None

    def flow(self, t0: int, t1: int, arrivals: np.ndarray, convert: np.ndarray) -> None:
        """Draw the users of hours ``[t0, t1)`` (within one week), stage by stage.

        ``arrivals[s, g, j]`` are users of segment ``g`` arriving from outside at stage ``s``
        in hour ``t0 + j``; ``convert[s, g, j]`` is the chance that a user of segment ``g``
        deciding at stage ``s`` in that hour moves on to ``s + 1`` (``convert[s, g]``: the
        same in every hour).
        """
        if convert.ndim == 2:
            convert = np.broadcast_to(convert[:, :, None], (*convert.shape, t1 - t0))
        week = t0 // HOURS_PER_WEEK
        assert (t1 - 1) // HOURS_PER_WEEK == week, "a chunk lies within one week"
        if week != self._week:
            self._week = week
            self._entered_now[:] = 0
            self._decided_now[:] = 0
        converts = convert.any(axis=(1, 2))
        for s in range(self.n_stages):
            cohort = arrivals[s]
            if s > 0:
                cohort = cohort + self.moves[s - 1, :, t0:t1]
            self.entered[s, :, t0:t1] = cohort
            self._schedule(s, cohort, t0, week)
            due = self.due[s, :, t0:t1]
            p = convert[s]
            if converts[s] and due.any():
                moving = self._decide(s, due, p, week, t0)
                self.moves[s, :, t0:t1] = moving
                self.drops[s, :, t0:t1] += due - moving
            else:
                if self.tracer is not None:
                    self._trace_decisions(s, due, None, t0)
                self.drops[s, :, t0:t1] += due
            self.drops[s, :, t0:t1] += self.gone[s, :, t0:t1]

    def rekey(self, root: int) -> None:
        """Draw the users not yet drawn with the luck keyed by ``root``."""
        if root != self.root:
            self.root = root
            self._keys = {}

    def _key(self, purpose: str, s: int, week: int) -> int:
        """The key of stream ``purpose`` at stage ``s`` in ``week`` (made once)."""
        k = self._keys.get((purpose, s, week))
        if k is None:
            k = self._keys[purpose, s, week] = key(self.root, purpose, s, week)
        return k

    def _users(self, counts: np.ndarray, seen: np.ndarray) -> np.ndarray:
        """Each user's index in the keyed streams, for the users ``counts[g, j]`` taken
        segment-major: the segment above, the user's count this week below (``seen[g]``
        counts on). One ``repeat`` of a cell-level offset, so a user costs three operations."""
        flat = counts.ravel()
        n_seg, hours = counts.shape
        per_seg = counts.sum(axis=1).astype(np.uint64)
        seg_start = np.cumsum(per_seg) - per_seg  # users before each segment's first
        offset = ((np.arange(n_seg, dtype=np.uint64) << np.uint64(SEGMENT_SHIFT)) + seen
                  - seg_start).repeat(hours)
        index = np.arange(int(flat.sum()), dtype=np.uint64)
        index += np.repeat(offset, flat)
        seen += per_seg
        return index

    def _schedule(self, s: int, cohort: np.ndarray, t0: int, week: int) -> None:
        """Give each user entering stage ``s`` (``cohort[g, j]`` in hour ``t0 + j``) the hour
        of their decision (and of their churn, first if sooner)."""
        spec = self.exits[s]
        churn = self.churn_hours[s]
        if not cohort.any():
            return
        if spec is None and churn is None:  # they stay: decided after the horizon
            self.due[s, :, self.horizon] += cohort.sum(axis=1)
            if self.tracer is not None:
                seg, j = np.divmod(np.repeat(np.arange(cohort.size), cohort.ravel()),
                                   cohort.shape[1])
                at = (t0 + j).astype(float)
                self.tracer.entered(s, seg, at, np.full(len(at), np.inf), j,
                                    np.ones(len(at), dtype=bool))
            return
        n_seg, hours = cohort.shape
        index = self._users(cohort, self._entered_now[s])
        place, u = halves(bits(self._key("enter", s, week), index))
        if spec is None:
            wait = np.full(len(index), np.inf)
        else:
            u2 = unit(bits(self._key("enter2", s, week), index)) if needs_two(spec) else None
            wait = from_uniforms(spec, u, u2)
        churned = None
        if churn is not None:
            leave = np.log(unit(bits(self._key("churn", s, week), index)))
            leave *= -churn
            churned = leave < wait
            np.minimum(wait, leave, out=wait)
        if self.tracer is not None:
            seg, j = np.divmod(np.repeat(np.arange(n_seg * hours), cohort.ravel()), hours)
            entered_at = t0 + j + place
            decides_at = entered_at + wait
            self.tracer.entered(s, seg, entered_at, decides_at,
                                np.minimum(np.floor(decides_at), self.horizon),
                                churned if churned is not None else np.zeros(len(j), bool))
        # The decision's hour after the entry hour, and the histogram slot: segment-major
        # rows of ``window`` hours from t0, the last hour being the overflow bin.
        width = self.horizon + 1 - t0
        place += wait
        np.floor(place, out=place)
        np.minimum(place, width, out=place)  # past the horizon (inf included): overflow
        after = place.astype(np.int64)
        window = min(width, hours + int(after.max()))
        row, j = np.divmod(np.arange(n_seg * hours), hours)
        start = row * window + j
        slot = np.repeat(start, cohort.ravel())
        slot += after
        np.minimum(slot, np.repeat(row * window + window - 1, cohort.ravel()), out=slot)
        if churned is None:
            self._add(self.due, s, t0, slot, n_seg, window)
        else:
            self._add(self.due, s, t0, slot[~churned], n_seg, window)
            self._add(self.gone, s, t0, slot[churned], n_seg, window)

    def _decide(self, s: int, due: np.ndarray, p: np.ndarray, week: int,
                t0: int) -> np.ndarray:
        """Of ``due[g, j]`` users deciding, those who move on: each whose keyed uniform falls
        under the chance ``p[g, j]`` of their segment in their hour."""
        n_seg, hours = due.shape
        index = self._users(due, self._decided_now[s])
        cell = np.repeat(np.arange(n_seg * hours), due.ravel())
        u = unit(bits(self._key("decide", s, week), index))
        ok = u < np.ravel(p)[cell]
        if self.tracer is not None:
            self._trace_decisions(s, due, ok, t0)
        return np.bincount(cell[ok], minlength=n_seg * hours).reshape(n_seg, hours)

    def _trace_decisions(self, s: int, due: np.ndarray, ok: np.ndarray | None,
                         t0: int) -> None:
        """Tell the tracer who decided what, cell by cell (``ok`` None: nobody moved on)."""
        assert self.tracer is not None
        flat = due.ravel()
        ends = np.cumsum(flat)
        for c in np.flatnonzero(flat):
            g, j = divmod(int(c), due.shape[1])
            n = int(flat[c])
            moved = ok[ends[c] - n:ends[c]] if ok is not None else np.zeros(n, dtype=bool)
            self.tracer.decided(s, g, t0 + j, moved)

    @staticmethod
    def _add(hist: np.ndarray, s: int, t0: int, key: np.ndarray, n_seg: int,
             window: int) -> None:
        if len(key):
            binned = np.bincount(key, minlength=n_seg * window).reshape(n_seg, window)
            hist[s, :, t0:t0 + window] += binned

    def current(self, s: int, now: int) -> np.ndarray:
        """Users per segment at stage ``s`` at hour ``now``: reached, not moved on, not dropped."""
        return (
            self.entered[s, :, :now].sum(axis=1)
            - self.moves[s, :, :now].sum(axis=1)
            - self.drops[s, :, :now].sum(axis=1)
        )

    def remove(self, s: int, n: int, t: int, rng: np.random.Generator) -> int:
        """Make up to ``n`` users still at stage ``s`` drop out at hour ``t``; return how many.

        The hours up to ``t`` must be drawn. The users are picked at random among those still
        there, whatever their fate would have been (a multivariate hypergeometric draw over
        their pending decision and churn hours).
        """
        pending = np.concatenate([self.due[s, :, t:], self.gone[s, :, t:]], axis=1)
        flat = pending.ravel()
        nz = np.flatnonzero(flat)
        n = min(n, int(flat[nz].sum()))
        if n <= 0:
            return 0
        take = rng.multivariate_hypergeometric(flat[nz], n, method="marginals")
        width = self.horizon + 1 - t
        seg, col = np.divmod(nz, 2 * width)
        in_due = col < width
        self.due[s, seg[in_due], t + col[in_due]] -= take[in_due]
        if self.tracer is not None:
            for g, c, k in zip(seg[in_due], col[in_due], take[in_due], strict=True):
                if k:
                    self.tracer.removed(s, int(g), t + int(c), int(k), t)
        self.gone[s, seg[~in_due], t + col[~in_due] - width] -= take[~in_due]
        self.drops[s, :, t] += np.bincount(seg, weights=take, minlength=self.n_segments).astype(
            np.int64)
        return n
