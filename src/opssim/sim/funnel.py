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

from collections.abc import Sequence

import numpy as np

from opssim.scenario.schema import Delay
from opssim.sim import kernel
from opssim.sim.clock import HOURS_PER_WEEK
from opssim.sim.delays import from_uniforms, needs_two
from opssim.sim.keyed import SEGMENT_SHIFT, bits, halves, key_grid, stage_keys, unit
from opssim.sim.trace import Sink, Tracer

#: The dtype of the funnel's histograms.
COUNT = np.int32


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
        # 32-bit counts where a cell holds one hour's users of one source at one stage (far
        # below 2**31 within the schema's caps): less memory to copy at every fork. ``due``
        # gathers all of a source's users who stay in its overflow bin: 64 bits.
        self.entered = np.zeros(shape, dtype=COUNT)
        self.due = np.zeros(shape, dtype=np.int64)
        self.gone = np.zeros(shape, dtype=COUNT)
        self.moves = np.zeros(shape, dtype=COUNT)
        self.drops = np.zeros(shape, dtype=COUNT)
        self.root = root
        # Users who entered, and who decided, at each (stage, segment) so far this week: the
        # next user's count in the keyed streams.
        self._week = 0
        self._entered_now = np.zeros((self.n_stages, n_segments), dtype=np.uint64)
        self._decided_now = np.zeros((self.n_stages, n_segments), dtype=np.uint64)
        self._keys: dict[tuple[str, int, int], int] = {}
        self._key_blocks: dict[int, np.ndarray] = {}
        self._stems: list[list[int]] = []  # the keys of the stages' streams before the week
        #: Each stage's exit delay and churn as the compiled draw takes them.
        codes = [kernel.delay_code(spec) for spec in exits]
        self.codes = (np.array([c[0] for c in codes], dtype=np.int64),
                      np.array([c[1:] for c in codes], dtype=np.float64).reshape(-1, 2),
                      np.array([np.nan if h is None else h for h in self.churn_hours],
                               dtype=np.float64))
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
        FunnelGroup([self], stacked=False).flow(t0, t1, arrivals[None], convert[None])

    def rekey(self, root: int) -> None:
        """Draw the users not yet drawn with the luck keyed by ``root``."""
        if root != self.root:
            self.root = root
            self._keys = {}
            self._key_blocks = {}
            self._stems = []

    def _key(self, purpose: str, s: int, week: int) -> int:
        """The key of stream ``purpose`` at stage ``s`` in ``week``: ``key(root, purpose, s,
        week)``."""
        return int(self.key_block(week)[s, kernel.PURPOSES.index(purpose)])

    def key_block(self, week: int) -> np.ndarray:
        """The keys of every stage's streams in ``week``: ``[s, i]`` for
        ``kernel.PURPOSES[i]`` (made once a week, from each stream's key before the week;
        only the latest week's kept, so that a fork copies one)."""
        block = self._key_blocks.get(week)
        if block is None:
            block = key_grid(stage_keys(self.root, kernel.PURPOSES, self.n_stages), [week])[0]
            self._key_blocks = {week: block}
        return block

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
        if kernel.AVAILABLE and self.tracer is None:  # the same cells, listed in C
            counts, cells = kernel.pending(self.due, self.gone, s, t)
            n = min(n, int(counts.sum()))
            if n <= 0:
                return 0
            taken = rng.multivariate_hypergeometric(counts, n, method="marginals")
            kernel.take(self.due, self.gone, self.drops, s, t, cells, taken)
            return n
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

    def spent_on_rekey(self, root: int) -> dict[int, object]:
        """For a copy about to be rekeyed to ``root`` (:meth:`rekey`): deep-copy memo entries
        that give it empty the keys made for this root, which it would drop (not copy them)."""
        if root == self.root:
            return {}
        return {id(self._keys): {}, id(self._key_blocks): {}, id(self._stems): []}


#: A funnel's arrays: its histograms and its keyed counters.
ARRAYS = ("entered", "due", "gone", "moves", "drops", "_entered_now", "_decided_now")


class FunnelGroup:
    """Funnels of one shape drawn together: each numpy call serves every member.

    Members are the funnels of replicas of one run (other seeds, other luck, other hours);
    each keeps its own keyed luck, so a member's users are the same drawn alone or in a group
    (the tests check it). :meth:`stack` makes the members' histograms views of one array per
    histogram, with the members along its first axis; ``stacked=False`` wraps one funnel's
    own arrays (a group of one, as :meth:`FunnelState.flow` draws).
    """

    def __init__(self, members: Sequence[FunnelState], stacked: bool = True) -> None:
        self.members = list(members)
        first = self.members[0]
        self.exits, self.churn_hours, self.horizon = first.exits, first.churn_hours, first.horizon
        self.n_stages = first.n_stages
        if not stacked:
            assert len(self.members) == 1
            for name in ARRAYS:
                setattr(self, name, getattr(first, name)[None])
            return
        assert all(f.tracer is None for f in self.members), "a traced funnel is drawn alone"
        for name in ARRAYS:
            if all(getattr(f, name).base is getattr(first, name).base is not None
                   for f in self.members):
                block = getattr(first, name).base  # already views of one block
                assert block.shape[0] == len(self.members)
            else:
                block = np.stack([getattr(f, name) for f in self.members])
            setattr(self, name, block)
            for r, f in enumerate(self.members):
                setattr(f, name, block[r])

    @staticmethod
    def blocks(funnel: FunnelState, n: int, drawn: int) -> list[dict[int, np.ndarray]]:
        """For ``n`` copies of ``funnel`` (drawn up to hour ``drawn``) made with one block
        per histogram, filled once: a deep-copy memo that gives each copy its views
        (``Engine.fork(arrays=...)``).

        Only the hours that will be read are copied; the rest of a fresh block is zeros and
        costs nothing (its pages are never touched). Users who reached, moved or dropped are
        all before ``drawn`` (removals at ``drawn`` itself); decisions and churn still to come
        are at ``drawn`` or after, and those before it are spent (nothing reads them again:
        a removal picks among the users still pending)."""
        memos: list[dict[int, np.ndarray]] = [{} for _ in range(n)]
        for name in ARRAYS:
            a = getattr(funnel, name)
            if name in ("entered", "moves", "drops"):
                block = np.zeros((n, *a.shape), dtype=a.dtype)
                block[..., :drawn + 1] = a[..., :drawn + 1]
            elif name in ("due", "gone"):
                block = np.zeros((n, *a.shape), dtype=a.dtype)
                block[..., drawn:] = a[..., drawn:]
            else:
                block = np.repeat(a[None], n, axis=0)
            for r in range(n):
                memos[r][id(a)] = block[r]
        return memos

    def flow(self, t0: int, t1: int, arrivals: np.ndarray, convert: np.ndarray,
             compiled: bool = True) -> None:
        """Draw hours ``[t0, t1)`` (within one week) of every member: ``arrivals[r]`` and
        ``convert[r]`` (shaped as :meth:`FunnelState.flow` takes them) are member ``r``'s.

        The draw is one compiled call (:mod:`opssim.sim.kernel`, when it was built);
        ``compiled=False`` draws the same users in numpy, the reference the tests hold the
        kernel to (a traced run always does, to follow users one by one)."""
        week = t0 // HOURS_PER_WEEK
        assert (t1 - 1) // HOURS_PER_WEEK == week, "a chunk lies within one week"
        for f in self.members:
            if week != f._week:
                f._week = week
                f._entered_now[:] = 0
                f._decided_now[:] = 0
        if compiled and kernel.AVAILABLE and self._tracer is None:
            keys = (self.members[0].key_block(week)[None] if len(self.members) == 1
                    else np.stack([f.key_block(week) for f in self.members]))
            kernel.flow(self.entered, self.due, self.gone, self.moves, self.drops,
                        self._entered_now, self._decided_now,
                        np.ascontiguousarray(arrivals, dtype=np.int64),
                        np.ascontiguousarray(convert, dtype=np.float64),
                        keys, *self.members[0].codes, t0=t0, t1=t1, horizon=self.horizon)
            return
        n_rep = len(self.members)
        for s in range(self.n_stages):
            cohort = arrivals[:, s]
            if s > 0:
                cohort = cohort + self.moves[:, s - 1, :, t0:t1]
            self.entered[:, s, :, t0:t1] = cohort
            self._schedule(s, cohort, t0, week)
            due = self.due[:, s, :, t0:t1]
            p = convert[:, s]
            # A member decides when someone is due and someone could move on: otherwise its
            # users all drop, and its keyed counters stay (as drawn alone).
            live = (p.reshape(n_rep, -1).any(axis=1)
                    & due.reshape(n_rep, -1).any(axis=1))[:, None, None]
            if live.any():
                moving = self._decide(s, np.where(live, due, 0), p, week, t0)
                self.moves[:, s, :, t0:t1] = moving
                self.drops[:, s, :, t0:t1] += due - moving
            else:
                if self._tracer is not None:
                    self.members[0]._trace_decisions(s, due[0], None, t0)
                self.drops[:, s, :, t0:t1] += due
            self.drops[:, s, :, t0:t1] += self.gone[:, s, :, t0:t1]

    @property
    def _tracer(self) -> Tracer | None:
        return self.members[0].tracer if len(self.members) == 1 else None

    def _users(self, counts: np.ndarray, seen: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each user's index in the keyed streams, for the users ``counts[r, g, j]`` taken
        member-major, then segment-major: the segment above, the user's count this week
        below (``seen[r, g]`` counts on); and how many users each member has. One ``repeat``
        of a cell-level offset, so a user costs three operations."""
        _, n_seg, hours = counts.shape
        flat = counts.ravel()
        per_row = counts.sum(axis=2).astype(np.uint64)  # (member, segment)
        row_start = np.cumsum(per_row) - per_row.ravel()  # users before each row's first
        shift = np.arange(n_seg, dtype=np.uint64) << np.uint64(SEGMENT_SHIFT)
        offset = ((shift + seen).ravel() - row_start).repeat(hours)
        index = np.arange(int(per_row.sum()), dtype=np.uint64)
        index += np.repeat(offset, flat)
        seen += per_row
        return index, per_row.sum(axis=1).astype(np.int64)

    def _stream(self, purpose: str, s: int, week: int, per_member: np.ndarray,
                ) -> int | np.ndarray:
        """Each user's stream key for ``purpose`` at stage ``s``: their member's."""
        if len(self.members) == 1:
            return self.members[0]._key(purpose, s, week)
        keys = np.array([f._key(purpose, s, week) for f in self.members], dtype=np.uint64)
        return np.repeat(keys, per_member)

    def _schedule(self, s: int, cohort: np.ndarray, t0: int, week: int) -> None:
        """Give each user entering stage ``s`` (``cohort[r, g, j]`` in hour ``t0 + j``) the
        hour of their decision (and of their churn, first if sooner)."""
        spec = self.exits[s]
        churn = self.churn_hours[s]
        if not cohort.any():
            return
        tracer = self._tracer
        if spec is None and churn is None:  # they stay: decided after the horizon
            self.due[:, s, :, self.horizon] += cohort.sum(axis=2)
            if tracer is not None:
                seg, j = np.divmod(np.repeat(np.arange(cohort[0].size), cohort[0].ravel()),
                                   cohort.shape[2])
                at = (t0 + j).astype(float)
                tracer.entered(s, seg, at, np.full(len(at), np.inf), j,
                               np.ones(len(at), dtype=bool))
            return
        n_rep, n_seg, hours = cohort.shape
        rows = n_rep * n_seg
        index, per_member = self._users(cohort, self._entered_now[:, s])
        place, u = halves(bits(self._stream("enter", s, week, per_member), index))
        if spec is None:
            wait = np.full(len(index), np.inf)
        else:
            u2 = (unit(bits(self._stream("enter2", s, week, per_member), index))
                  if needs_two(spec) else None)
            wait = from_uniforms(spec, u, u2)
        churned = None
        if churn is not None:
            leave = np.log(unit(bits(self._stream("churn", s, week, per_member), index)))
            leave *= -churn
            churned = leave < wait
            np.minimum(wait, leave, out=wait)
        if tracer is not None:
            seg, j = np.divmod(np.repeat(np.arange(n_seg * hours), cohort.ravel()), hours)
            entered_at = t0 + j + place
            decides_at = entered_at + wait
            tracer.entered(s, seg, entered_at, decides_at,
                           np.minimum(np.floor(decides_at), self.horizon),
                           churned if churned is not None else np.zeros(len(j), bool))
        # The decision's hour after the entry hour, and the histogram slot: rows (member,
        # segment) of ``window`` hours from t0, the last hour being the overflow bin.
        width = self.horizon + 1 - t0
        place += wait
        np.floor(place, out=place)
        np.minimum(place, width, out=place)  # past the horizon (inf included): overflow
        after = place.astype(np.int64)
        longest = hours + int(after.max())
        window = min(width, longest)
        row, j = np.divmod(np.arange(rows * hours), hours)
        start = row * window + j
        slot = np.repeat(start, cohort.ravel())
        slot += after
        if longest > width:  # some decide past the horizon: into their row's overflow bin
            np.minimum(slot, np.repeat(row * window + window - 1, cohort.ravel()), out=slot)
        if churned is None:
            self._add(self.due, s, t0, slot, window)
        else:
            self._add(self.due, s, t0, slot[~churned], window)
            self._add(self.gone, s, t0, slot[churned], window)

    def _decide(self, s: int, due: np.ndarray, p: np.ndarray, week: int,
                t0: int) -> np.ndarray:
        """Of ``due[r, g, j]`` users deciding, those who move on: each whose keyed uniform
        falls under the chance ``p[r, g, j]`` of their member, segment and hour."""
        index, per_member = self._users(due, self._decided_now[:, s])
        cell = np.repeat(np.arange(due.size), due.ravel())
        u = unit(bits(self._stream("decide", s, week, per_member), index))
        ok = u < np.ravel(p)[cell]
        if self._tracer is not None:
            self.members[0]._trace_decisions(s, due[0], ok, t0)
        return np.bincount(cell[ok], minlength=due.size).reshape(due.shape)

    def _add(self, hist: np.ndarray, s: int, t0: int, slot: np.ndarray, window: int) -> None:
        if len(slot):
            n_rep, _, n_seg, _ = hist.shape
            binned = np.bincount(slot, minlength=n_rep * n_seg * window)
            hist[:, s, :, t0:t0 + window] += binned.reshape(n_rep, n_seg, window)
