"""Customer service: tickets from users (and storms) into an exact FIFO queue on work time;
late answers lose users, very late ones become complaints."""

from typing import TYPE_CHECKING

import numpy as np

from opssim.model.records import Complaints, TicketsLate
from opssim.scenario.schema import SupportDuty
from opssim.sim.clock import HOURS_PER_WEEK
from opssim.sim.tickets import TicketQueue

if TYPE_CHECKING:
    from opssim.sim.engine import Engine

from .base import Work


class SupportWork(Work[SupportDuty]):
    """Tickets are drawn with the users of each interval; support hours set the queue's pace.

    Sources are the scenario's ticket sources, then one per calendar storm.
    """

    duty = "support"

    def __init__(self, engine: "Engine", spec: SupportDuty) -> None:
        super().__init__(engine, spec)
        self.storms = [h for h in engine.scenario.calendar if h.tickets > 0]
        self.queue = TicketQueue(
            len(spec.tickets) + len(self.storms), spec.patience_hours, spec.complaint_after_hours
        )
        self.source_stage = [engine.scenario.stage_index(s.from_) for s in spec.tickets] + [
            engine.scenario.stage_index(h.tickets_from or "") for h in self.storms
        ]
        self.late = 0
        self.lost = 0
        self.complaints = 0

    def work_day(self, day: int, hours: float) -> None:
        # Speed changes daily with skill and fatigue; the queue's work clock follows.
        speed = self.engine.specialist.speed("support")
        self.queue.set_rate(self.engine.hour, hours * 7 / HOURS_PER_WEEK * speed)

    def flow(self, t0: int, t1: int, day: int) -> None:
        """The tickets of hours ``[t0, t1)``, then what passed its deadline by ``t1``."""
        e = self.engine
        if not self.spec.tickets and not self.storms:  # nothing raises tickets
            self._overdue(t1, day)
            return
        rng = e.streams.get("tickets", day)
        per_source = []
        for i, src in enumerate(self.spec.tickets):
            s = self.source_stage[i]
            if src.per_user is not None:  # pre-sales: a share of the users entering the stage
                per_source.append(rng.binomial(e.funnel.entered[s, :, t0:t1].sum(axis=0),
                                               src.per_user))
            else:  # after-sales: a rate per user in the stage
                lam = e.funnel.current(s, t0).sum() * (src.per_user_per_week or 0.0)
                per_source.append(rng.poisson(lam / HOURS_PER_WEEK, t1 - t0))
        for storm, active in zip(self.storms, e.storms_active(t0), strict=True):
            rate = storm.tickets / storm.hours if active else 0.0
            per_source.append(rng.poisson(rate, t1 - t0))
        counts = np.array(per_source, dtype=np.int64).reshape(len(per_source), t1 - t0)
        n = int(counts.sum())
        if n:
            hours = np.tile(np.arange(t0, t1), len(per_source))
            times = np.repeat(hours, counts.ravel()) + rng.random(n)  # a Poisson process
            sources = np.repeat(np.arange(len(per_source)).repeat(t1 - t0), counts.ravel())
            order = np.argsort(times, kind="stable")
            mean = self.spec.minutes_per_ticket / 60
            work = e.streams.get("service", day).exponential(mean, n)
            self.queue.add(times[order], sources[order], work)
        self._overdue(t1, day)

    def _overdue(self, t1: int, day: int) -> None:
        e = self.engine
        due = self.queue.overdue(t1)
        if due.late.any():
            rng = e.streams.get("lost", day)
            lost = 0
            for i, late in enumerate(due.late):
                n = int(rng.binomial(late, self.spec.lost_if_late)) if late else 0
                if n:
                    lost += e.funnel.remove(self.source_stage[i], n, t1, rng)
            self.late += int(due.late.sum())
            self.lost += lost
            e.log(TicketsLate(t1, int(due.late.sum()), lost))
        count = int(due.complaints.sum())
        if count:
            self.complaints += count
            delta = -self.spec.reputation_per_complaint * count
            e.reputation = max(0.0, e.reputation + delta)
            if e.rerun_reputation is not None:
                e.rerun_reputation = max(0.0, e.rerun_reputation + delta)
            e.log(Complaints(t1, count, round(delta, 6)))
