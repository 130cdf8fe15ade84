"""The support queue: tickets as numpy arrays, served first in, first out, exactly.

The specialist answers tickets only in the hours allocated to support, so the queue runs on
*work time*: ``W(t)``, the support hours worked by clock hour ``t`` (piecewise linear; its
slope is the week's support share of the clock, times the specialist's speed). In work time the
queue is a plain single-server FIFO queue, and since later arrivals never delay earlier ones,
each ticket's completion is known the moment it arrives — by Lindley's recursion, vectorised:

    done[n] = c[n] + max(free, max_{k<=n}(w[k] - c[k-1]))      (c = cumulative service)

Whether a ticket was answered within its user's patience is then one comparison,
``done <= W(arrival + patience)``, made once the clock has passed that moment.
"""

import bisect
import copy
import math
from dataclasses import dataclass

import numpy as np

from opssim.sim import kernel


@dataclass(frozen=True, slots=True)
class Overdue:
    """Tickets that passed a deadline in one stretch of time, counted per source."""

    late: np.ndarray  # not answered within patience
    complaints: np.ndarray  # not answered within the complaint deadline


class TicketQueue:
    """Every ticket of a run: arrival (clock hour), source, and completion (work hours)."""

    def __init__(self, n_sources: int, patience: float, complaint_after: float | None) -> None:
        self.n_sources = n_sources
        self.patience = patience
        self.complaint_after = complaint_after
        self._t = [0.0]  # breakpoints of the work clock: clock hours ...
        self._w = [0.0]  # ... and work hours done by then
        self._slope = 0.0  # work hours per clock hour since the last breakpoint
        self._free = 0.0  # work hour at which the server is next free
        # Every ticket so far is the first ``_n`` of these, grown by doubling: a day's tickets
        # are written in place, not the whole run's copied again.
        self._n = 0
        self._arrival = np.empty(0)
        self._source = np.empty(0, dtype=np.int64)
        self._done = np.empty(0)
        self._late_checked = 0  # tickets before this index have had their patience checked
        self._complaint_checked = 0

    def __deepcopy__(self, memo: dict) -> "TicketQueue":
        # Numbers, lists of floats and arrays only: a shallow copy with its own lists and
        # arrays is a deep one, without the generic per-item walk (a tenth of the time).
        twin = copy.copy(self)
        twin._t, twin._w = list(self._t), list(self._w)
        twin._arrival, twin._source, twin._done = (
            self.arrival.copy(), self.source.copy(), self.done.copy())
        return twin

    @property
    def arrival(self) -> np.ndarray:
        """Each ticket's arrival, in clock hours (sorted)."""
        return self._arrival[:self._n]

    @property
    def source(self) -> np.ndarray:
        """Each ticket's source."""
        return self._source[:self._n]

    @property
    def done(self) -> np.ndarray:
        """Each ticket's completion, in work hours."""
        return self._done[:self._n]

    # -- the work clock -------------------------------------------------------------------

    def set_rate(self, t: float, work_per_hour: float) -> None:
        """From clock hour ``t`` on, support work advances ``work_per_hour`` per clock hour."""
        self._break(t)
        self._slope = max(0.0, work_per_hour)

    def work_at(self, t: np.ndarray | float) -> np.ndarray:
        """``W(t)`` for clock hours up to the current stretch (extrapolated at today's rate)."""
        t = np.asarray(t, dtype=float)
        last_t, last_w = self._t[-1], self._w[-1]
        known = np.interp(t, *self._clock_from(float(t.min()) if t.size else last_t))
        return np.where(t > last_t, last_w + self._slope * (t - last_t), known)

    def clock(self, t: float) -> float:
        """``W(t)`` of one clock hour, as :meth:`work_at` computes it (np.interp's arithmetic
        in Python floats: the same double operations, without arrays)."""
        ts, ws = self._t, self._w
        last = ts[-1]
        if t > last:
            return ws[-1] + self._slope * (t - last)
        j = bisect.bisect_right(ts, t) - 1  # the last breakpoint at or before t
        if j < 0:
            return ws[0]
        x0, y0 = ts[j], ws[j]
        if t == x0 or j == len(ts) - 1:
            return y0
        x1, y1 = ts[j + 1], ws[j + 1]
        rise = (y1 - y0) / (x1 - x0)
        w = rise * (t - x0) + y0
        if math.isnan(w):  # as np.interp: try from the other end
            w = rise * (t - x1) + y1
            if math.isnan(w) and y0 == y1:
                w = y0
        return w

    def _clock_from(self, t: float) -> tuple[np.ndarray, np.ndarray]:
        """The work clock's breakpoints from the one at or before ``t`` on: every time from
        ``t`` interpolates between the same two as over the whole run's list, so the same
        numbers, without converting the whole list each time."""
        first = max(0, bisect.bisect_right(self._t, t) - 1)
        return np.array(self._t[first:]), np.array(self._w[first:])

    def _break(self, t: float) -> None:
        last_t = self._t[-1]
        if t > last_t:  # past the last breakpoint: W(t) extrapolates, as work_at does
            self._w.append(float(self._w[-1] + self._slope * (float(t) - last_t)))
            self._t.append(float(t))

    # -- tickets --------------------------------------------------------------------------

    def arrive(self, t0: int, counts: np.ndarray, sources: np.ndarray, places: np.ndarray,
               work: np.ndarray) -> None:
        """The tickets of the hours from ``t0``: ``counts[q, j]`` of source ``sources[q]`` in
        hour ``t0 + j``, at ``places`` inside their hours (source by source), taken in time
        order (ties: source order), the ``i``-th needing ``work[i]`` hours of support."""
        if len(places) == 0:
            return
        if not kernel.AVAILABLE:
            hours = np.arange(t0, t0 + counts.shape[1])
            times = np.concatenate([np.repeat(hours, row) for row in counts]) + places
            src = np.repeat(sources, counts.sum(axis=1))
            order = np.argsort(times, kind="stable")
            self.add(times[order], src[order], work)
            return
        n, end = self._n, self._n + len(places)
        self._reserve(end)
        self._free = kernel.arrive(
            t0, np.ascontiguousarray(counts, dtype=np.int64),
            np.ascontiguousarray(sources, dtype=np.int64), places, work,
            *self._clock_from(t0), self._slope, self._free,
            self._arrival[n:end], self._source[n:end], self._done[n:end])
        self._n = end

    def _reserve(self, end: int) -> None:
        """Room for ``end`` tickets in all (doubling)."""
        if end > len(self._arrival):
            n, size = self._n, max(end, 2 * len(self._arrival), 64)
            self._arrival, self._source, self._done = (
                np.concatenate([a[:n], np.empty(size - n, a.dtype)])
                for a in (self._arrival, self._source, self._done))

    def add(self, times: np.ndarray, sources: np.ndarray, work: np.ndarray) -> None:
        """Tickets arriving at clock ``times`` (sorted, not before earlier tickets), each
        needing ``work`` hours of support."""
        if len(times) == 0:
            return
        w = self.work_at(times)
        c = np.cumsum(work)
        done = c + np.maximum(self._free, np.maximum.accumulate(w - (c - work)))
        self._free = float(done[-1])
        n, end = self._n, self._n + len(times)
        self._reserve(end)
        self._arrival[n:end], self._source[n:end], self._done[n:end] = times, sources, done
        self._n = end

    def waiting(self, t: float) -> int:
        """Tickets arrived before ``t`` and not answered by ``t``."""
        arrived = int(self._arrival[:self._n].searchsorted(t))
        return arrived - int(self._done[:arrived].searchsorted(self.clock(t), side="right"))

    def answered(self, t: float) -> int:
        """Tickets answered by clock hour ``t``."""
        return int(self.done.searchsorted(self.clock(t), side="right"))

    def overdue(self, t: float) -> Overdue:
        """Tickets whose patience (and complaint deadline) ran out by ``t`` unanswered; each
        ticket is counted once over the run."""
        if kernel.AVAILABLE:
            return self._overdue_compiled(float(t))
        late, self._late_checked = self._past(t, self.patience, self._late_checked)
        complaints = np.zeros(self.n_sources, dtype=np.int64)
        if self.complaint_after is not None:
            complaints, self._complaint_checked = self._past(
                t, self.complaint_after, self._complaint_checked
            )
        return Overdue(late, complaints)

    def _overdue_compiled(self, t: float) -> Overdue:
        """:meth:`overdue` as one kernel call (the same counts as :meth:`_past`'s)."""
        n = self._n
        late = np.zeros(self.n_sources, dtype=np.int64)
        complaints = np.zeros(self.n_sources, dtype=np.int64)
        after = math.nan if self.complaint_after is None else self.complaint_after
        firsts = [float(self._arrival[start]) + wait
                  for start, wait in ((self._late_checked, self.patience),
                                      (self._complaint_checked, after))
                  if start < n and wait == wait]  # tickets to check (a NaN wait: none)
        if firsts:
            self._late_checked, self._complaint_checked = kernel.overdue(
                self._arrival[:n], self._source[:n], self._done[:n], t, self.patience,
                self._late_checked, after, self._complaint_checked,
                *self._clock_from(min(firsts)), self._slope, late, complaints)
        return Overdue(late, complaints)

    def _past(self, t: float, wait: float, start: int) -> tuple[np.ndarray, int]:
        end = int(self._arrival[:self._n].searchsorted(t - wait, side="right"))
        if end <= start:
            return np.zeros(self.n_sources, dtype=np.int64), start
        arrival, source, done = (
            self._arrival[start:end], self._source[start:end], self._done[start:end])
        missed = done > self.work_at(arrival + wait)
        counts = np.bincount(source[missed], minlength=self.n_sources)
        return counts.astype(np.int64), end

    def sojourn_hours(self, t: float) -> np.ndarray:
        """Clock hours from arrival to answer of every ticket answered by ``t``."""
        n = self.answered(t)
        w = np.asarray([*self._w, float(self.work_at(t))])
        tt = np.asarray([*self._t, t])
        # Invert W: the first clock hour at which the work done reaches each completion.
        idx = np.clip(np.searchsorted(w, self.done[:n], side="left"), 1, len(w) - 1)
        w0, w1, t0, t1 = w[idx - 1], w[idx], tt[idx - 1], tt[idx]
        frac = np.where(w1 > w0, (self.done[:n] - w0) / np.where(w1 > w0, w1 - w0, 1.0), 1.0)
        return t0 + frac * (t1 - t0) - self.arrival[:n]
