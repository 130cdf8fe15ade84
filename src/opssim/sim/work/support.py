"""Customer service: tickets from users (and storms) into an exact FIFO queue, answered in
support's working blocks; late answers lose users, very late ones become complaints."""

import bisect
import math
from collections.abc import Sequence

import numpy as np

from opssim.model.records import TicketsLate
from opssim.scenario.schema import SupportDuty
from opssim.sim import kernel
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.snapshot import SupportView
from opssim.sim.tickets import TicketQueue
from opssim.sim.workweek import Block

from .base import Context, Work


class SupportWork(Work[SupportDuty]):
    """Tickets are drawn with the users of each stretch of hours; the specialist answers them
    at full speed inside support's blocks, and the night's tickets wait for the morning.

    Sources are the scenario's ticket sources, then one per calendar storm. Each source draws
    from streams of its own, hour by hour, so tickets do not depend on how hours are chunked.
    """

    duty = "support"

    def __init__(self, engine: Context, spec: SupportDuty) -> None:
        super().__init__(engine, spec)
        self.storms = [h for h in engine.scenario.calendar if h.tickets > 0]
        self.queue = TicketQueue(
            len(spec.tickets) + len(self.storms), spec.patience_hours, spec.complaint_after_hours
        )
        self.source_stage = [engine.scenario.stage_index(s.from_) for s in spec.tickets] + [
            engine.scenario.stage_index(h.tickets_from or "") for h in self.storms
        ]
        #: Tickets per hour from each storm, hour by hour (the calendar is fixed).
        self.storm_rate = np.zeros((len(self.storms), engine.horizon + 1))
        for j, h in enumerate(self.storms):
            start = (h.week - 1) * HOURS_PER_WEEK + (h.day - 1) * HOURS_PER_DAY
            self.storm_rate[j, start:start + max(1, math.ceil(h.hours))] = h.tickets / h.hours
        #: Each source's streams: its tickets per hour, and their places inside the hour.
        self._names = [(f"tickets:{i}", f"ticket-place:{i}")
                       for i in range(len(spec.tickets) + len(self.storms))]
        #: Each scenario source as ``flow`` reads it: its stage, its share of the users
        #: entering (pre-sales; None for after-sales) and its tickets per user-week.
        self._sources = [(self.source_stage[i], src.per_user, src.per_user_per_week or 0.0)
                         for i, src in enumerate(spec.tickets)]
        self._mean_hours = spec.minutes_per_ticket / 60  # of service per ticket
        #: The hours in which each storm has tickets (its row of ``storm_rate`` nonzero).
        self._storm_hours = [np.flatnonzero(row).tolist() for row in self.storm_rate]
        # Users at each source's stage at the hour drawn up to: the hours are drawn once
        # each, in order, and a removal only ever changes the hour the draw has reached.
        self._there = [0] * len(spec.tickets)
        #: Whether any tickets come at all (a source or a storm).
        self.sources = bool(spec.tickets or self.storms)
        self.late = 0
        self.lost = 0
        self.complaints = 0

    def view(self, now: int) -> dict[str, SupportView]:
        if not self.sources:  # no ticket ever: nothing waits, arrives or is answered
            return {"support": SupportView(waiting=0, arrived=0, answered=0, late=0, users_lost=0,
                                            complaints=0)}
        q = self.queue
        return {"support": SupportView(
            waiting=q.waiting(now),
            arrived=int(q.arrival.searchsorted(now)),
            answered=q.answered(now),
            late=self.late,
            users_lost=self.lost,
            complaints=self.complaints,
        )}

    def backlog(self, now: int) -> int:
        """Tickets waiting at hour ``now``, every ticket up to it drawn first (none to draw
        without ticket sources: the funnel is then drawn only when something reads it)."""
        if not self.sources:
            return 0
        self.engine.draw_to(now)
        return self.queue.waiting(now)

    def work_day(self, day: int, blocks: Sequence[Block]) -> None:
        # The day's speed (skill and fatigue) applies in each of its blocks; none between.
        speed = self.engine.specialist.speed("support")
        for b in blocks:
            self.queue.set_rate(b.start, speed)
            self.queue.set_rate(b.end, 0.0)

    def flow(self, t0: int, t1: int, week: int) -> None:
        """The tickets of hours ``[t0, t1)``, each at its own moment inside its hour."""
        e = self.engine
        get = e.streams.get
        f = e.funnel
        names = self._names
        rows: list[np.ndarray] = []  # tickets per hour, of each source in ``sources``
        sources: list[int] = []
        for i, (s, per_user, per_week) in enumerate(self._sources):
            rng = get(names[i][0], week)
            if per_user is not None:  # pre-sales: a share of the users entering the stage
                rows.append(rng.binomial(f.entered[s, :, t0:t1].sum(axis=0), per_user))
            else:  # after-sales: a rate per user in the stage, hour by hour
                rows.append(rng.poisson(self._rate_there(i, s, t0, t1, per_week)))
            sources.append(i)
        for j, hours in enumerate(self._storm_hours):
            # No storm in these hours: a Poisson draw of rate 0 takes nothing from its stream.
            k = bisect.bisect_left(hours, t0)
            if k < len(hours) and hours[k] < t1:
                i = len(self._sources) + j
                rows.append(get(names[i][0], week).poisson(self.storm_rate[j, t0:t1]))
                sources.append(i)
        if not rows:
            return
        counts = np.array(rows)
        places = [get(names[i][1], week).random(n)  # a Poisson process inside each hour
                  for i, n in zip(sources, counts.sum(axis=1).tolist(), strict=True) if n]
        if not places:
            return
        at = places[0] if len(places) == 1 else np.concatenate(places)
        work = get("service", week).exponential(self._mean_hours, len(at))
        self.queue.arrive(t0, counts, np.array(sources, dtype=np.int64), at, work)

    def _rate_there(self, i: int, s: int, t0: int, t1: int, per_week: float) -> np.ndarray:
        """Source ``i``'s tickets per hour of ``[t0, t1)``: ``per_week`` for each user at
        stage ``s`` at the start of the hour (its running count moved on to ``t1``)."""
        f = self.engine.funnel
        if kernel.AVAILABLE:
            lam = np.empty(t1 - t0)
            self._there[i] = kernel.users_at(f.entered, f.moves, f.drops, s, t0,
                                             self._there[i], per_week, lam)
            return lam
        lam, self._there[i] = users_at(f.entered, f.moves, f.drops, s, t0, t1, self._there[i],
                                       per_week)
        return lam

    def close_day(self, day: int) -> None:
        """At midnight: the tickets whose patience (or complaint deadline) ran out by now."""
        if not self.sources:  # no ticket ever: nothing can be late
            return
        e = self.engine
        t = day * HOURS_PER_DAY
        e.draw_to(t)  # every ticket up to now; lost users leave from the state at t
        due = self.queue.overdue(t)
        late = due.late.tolist()
        if any(late):
            rng = e.streams.get("lost", day)
            lost = 0
            for i, n_late in enumerate(late):
                n = int(rng.binomial(n_late, self.spec.lost_if_late)) if n_late else 0
                if n:
                    lost += e.funnel.remove(self.source_stage[i], n, t, rng)
            self.late += sum(late)
            self.lost += lost
            e.log(TicketsLate(t, sum(late), lost))
        count = sum(due.complaints.tolist())
        if count:
            self.complaints += count
            e.state.complaints(t, count, self.spec.reputation_per_complaint)


def users_at(entered: np.ndarray, moves: np.ndarray, drops: np.ndarray, s: int, t0: int,
             t1: int, there: int, per_week: float) -> tuple[np.ndarray, int]:
    """Tickets per hour of ``[t0, t1)`` at ``per_week`` per user-week for the users at stage
    ``s`` at the start of each hour (``there`` at ``t0``; never below 0), and the users there
    at ``t1`` — the numpy reference of :func:`opssim.sim.kernel.users_at`."""
    # Users at the stage change by those entering, less those moving on or dropping.
    change = (entered[s, :, t0:t1] - moves[s, :, t0:t1] - drops[s, :, t0:t1]).sum(axis=0)
    at = change.cumsum()
    after = there + int(at[-1])
    at -= change  # those there before each hour's change
    at += there
    lam = at * per_week / HOURS_PER_WEEK
    return np.maximum(lam, 0.0, out=lam), after
