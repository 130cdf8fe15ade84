"""Customer service: tickets from users (and storms) into an exact FIFO queue, answered in
support's working blocks; late answers lose users, very late ones become complaints."""

import math
from collections.abc import Sequence

import numpy as np

from opssim.model.records import TicketsLate
from opssim.scenario.schema import SupportDuty
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
        # Users at each source's stage at the hour drawn up to: the hours are drawn once
        # each, in order, and a removal only ever changes the hour the draw has reached.
        self._there = [0] * len(spec.tickets)
        #: Whether any tickets come at all (a source or a storm).
        self.sources = bool(spec.tickets or self.storms)
        self.late = 0
        self.lost = 0
        self.complaints = 0

    def view(self, now: int) -> dict[str, SupportView]:
        q = self.queue
        return {"support": SupportView(
            waiting=q.waiting(now),
            arrived=int(np.searchsorted(q.arrival, now)),
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
        counts: list[tuple[int, np.ndarray]] = []  # (source, tickets per hour)
        for i, src in enumerate(self.spec.tickets):
            s = self.source_stage[i]
            rng = get(self._names[i][0], week)
            if src.per_user is not None:  # pre-sales: a share of the users entering the stage
                counts.append((i, rng.binomial(f.entered[s, :, t0:t1].sum(axis=0),
                                               src.per_user)))
            else:  # after-sales: a rate per user in the stage, hour by hour
                change = (f.entered[s, :, t0:t1] - f.moves[s, :, t0:t1]
                          - f.drops[s, :, t0:t1]).sum(axis=0)
                there = self._there[i] + np.concatenate([[0], np.cumsum(change)[:-1]])
                self._there[i] += int(change.sum())
                lam = there * (src.per_user_per_week or 0.0) / HOURS_PER_WEEK
                counts.append((i, rng.poisson(np.maximum(lam, 0.0))))
        for j, rate in enumerate(self.storm_rate):
            i = len(self.spec.tickets) + j
            hourly = rate[t0:t1]
            # No storm in these hours: a Poisson draw of rate 0 takes nothing from its stream.
            if hourly.any():
                counts.append((i, get(self._names[i][0], week).poisson(hourly)))
        places = []
        for i, row in counts:
            n = int(row.sum())
            if n:  # a Poisson process inside each hour
                places.append(get(self._names[i][1], week).random(n))
        if not places:
            return
        mean = self.spec.minutes_per_ticket / 60
        at = np.concatenate(places)
        work = get("service", week).exponential(mean, len(at))
        self.queue.arrive(t0, np.array([row for _, row in counts]),
                          np.array([i for i, _ in counts]), at, work)

    def close_day(self, day: int) -> None:
        """At midnight: the tickets whose patience (or complaint deadline) ran out by now."""
        if not self.sources:  # no ticket ever: nothing can be late
            return
        e = self.engine
        t = day * HOURS_PER_DAY
        e.draw_to(t)  # every ticket up to now; lost users leave from the state at t
        due = self.queue.overdue(t)
        if due.late.any():
            rng = e.streams.get("lost", day)
            lost = 0
            for i, late in enumerate(due.late):
                n = int(rng.binomial(late, self.spec.lost_if_late)) if late else 0
                if n:
                    lost += e.funnel.remove(self.source_stage[i], n, t, rng)
            self.late += int(due.late.sum())
            self.lost += lost
            e.log(TicketsLate(t, int(due.late.sum()), lost))
        count = int(due.complaints.sum())
        if count:
            self.complaints += count
            e.state.complaints(t, count, self.spec.reputation_per_complaint)
