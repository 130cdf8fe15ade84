"""The engine: one SimPy clock, the funnel as counts, and the specialist's work as events.

SimPy schedules everything that changes a rate — a day's work, a piece of copy going live, an
event launching or ending, a review — and between two such events the users' moves are drawn
in bulk with numpy (:class:`~opssim.sim.funnel.FunnelState`). Time is in whole hours.
"""

import math
from collections.abc import Iterator, Mapping

import numpy as np
import simpy
from simpy.core import StopSimulation

from opssim.model import Allocation, saturating
from opssim.model.records import (
    BlameEvent,
    EventEnded,
    EventLaunched,
    Flow,
    KpiResult,
    PiecePublished,
    PieceStale,
    Record,
    Review,
    RunEnded,
    TicketsLate,
    WeekStarted,
)
from opssim.scenario import Scenario
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK, Urgent
from opssim.sim.funnel import FunnelState
from opssim.sim.snapshot import KpiView, Snapshot, StageView, SupportView
from opssim.sim.streams import Streams
from opssim.sim.tickets import TicketQueue

#: Segments that duties add after the scenario's channels.
DUTY_SEGMENTS = ("copy", "events", "ground")


class Engine:
    """One run of ``scenario`` from ``seed``: a command interface over a SimPy simulation.

    Drive it with :meth:`set_allocation` and :meth:`advance_to`; read it with :meth:`snapshot`
    and :attr:`events`, the append-only log of :class:`~opssim.model.records.Record`.
    """

    def __init__(self, scenario: Scenario, seed: int = 0, run_index: int = 0) -> None:
        sc = self.scenario = scenario
        self.seed = seed
        self.horizon = sc.weeks * HOURS_PER_WEEK
        self.env = simpy.Environment()
        self.streams = Streams(seed, run_index)
        self.events: list[Record] = []

        stages = sc.funnel.stages
        self.stage_ids = tuple(s.id for s in stages)
        d = sc.duties
        self.segments = (*(c.id for c in sc.channels), *DUTY_SEGMENTS)
        n_seg = len(self.segments)
        idx = sc.stage_index
        self._entry = np.array(
            [idx(c.enters) for c in sc.channels]
            + [
                idx(d.copy_.reach.enters) if d.copy_.reach else 0,
                idx(d.events.spike.enters) if d.events.spike else 0,
                idx(d.ground.enters),
            ]
        )
        self._intent = np.array([c.intent for c in sc.channels] + [1.0, 1.0, d.ground.intent])
        self._rate = np.zeros(n_seg)  # users per hour arriving, per segment
        self._rate[: len(sc.channels)] = [c.per_week / HOURS_PER_WEEK for c in sc.channels]
        self._seg = {name: i for i, name in enumerate(self.segments)}
        self._base = np.array([s.convert or 0.0 for s in stages])
        self.funnel = FunnelState([s.delay_hours for s in stages], n_seg, self.horizon)
        self.tickets = TicketQueue(len(d.support.tickets), d.support.patience_hours, None)
        self.tickets_late = 0

        self.allocation = self._build_allocation(sc.plan.hours())
        self._pending: Allocation | None = None
        self._copy_progress = 0.0
        self._pieces_live = 0
        self._event_progress = 0.0
        self._event_live = False
        self._events_ready = 0
        self.users_lost = 0
        self.reputation = sc.blame.reputation.start
        self.blame_count = 0
        self.outcome: str | None = None
        self.finished = False
        self._drawn_to = 0
        self._last_review = 0

        self.env.process(self._days())
        for week in range(1, sc.weeks + 1):
            Urgent(self.env, week * HOURS_PER_WEEK).callbacks.append(
                lambda _ev, week=week: self._review(week)
            )

    # -- commands -------------------------------------------------------------------------

    def set_allocation(self, hours: Mapping[str, float]) -> Allocation:
        """Set the hours per duty for the next week to start (raises ``AllocationError``)."""
        self._pending = self._build_allocation(hours)
        return self._pending

    def advance_to(self, t: float) -> None:
        """Run the simulation until hour ``t`` (capped at the horizon), or until it ends."""
        if self.finished:
            return
        t = min(t, self.horizon)
        if t > self.env.now:
            self.env.run(until=t)
        if not self.finished and self._drawn_to < self.env.now:
            # Draw ahead to the next event so a snapshot between events can be read. No rate
            # changes before that event, so the chunks match a run that stops only at events.
            self._flow(self._drawn_to, int(min(self.env.peek(), self.horizon)))

    # -- reading --------------------------------------------------------------------------

    @property
    def now(self) -> float:
        """The clock, in simulated hours."""
        return self.env.now

    def snapshot(self) -> Snapshot:
        """A frozen view of the state at the current hour."""
        now = int(self.env.now)
        f = self.funnel
        stages = tuple(
            StageView(
                sid,
                int(f.entered[s, :, :now].sum()),
                int(f.current(s, now).sum()),
                int(f.drops[s, :, :now].sum()),
            )
            for s, sid in enumerate(self.stage_ids)
        )
        q = self.tickets
        return Snapshot(
            t=self.env.now,
            week=min(now // HOURS_PER_WEEK, self.scenario.weeks),
            weeks=self.scenario.weeks,
            stages=stages,
            allocation=tuple(self.allocation.hours.items()),
            kpis=tuple(self._kpis(now)),
            support=SupportView(
                waiting=q.waiting(now),
                arrived=int(np.searchsorted(q.arrival, now)),
                answered=q.answered(now),
                late=self.tickets_late,
                users_lost=self.users_lost,
            ),
            pieces_live=self._pieces_live,
            event_live=self._event_live,
            event_progress=self._event_progress / self.scenario.duties.events.planning_hours,
            reputation=self.reputation,
            blame_count=self.blame_count,
            finished=self.finished,
            outcome=self.outcome,
        )

    def entered(self, stage: str, start: int, end: int) -> int:
        """Users who reached ``stage`` during hours ``[start, end)``."""
        return int(self.funnel.entered[self.scenario.stage_index(stage), :, start:end].sum())

    # -- processes ------------------------------------------------------------------------

    def _days(self) -> Iterator[simpy.Event]:
        """The day's work, every day: the week's allocation, duty progress, churn, tickets."""
        for day in range(self.horizon // HOURS_PER_DAY):
            self._sync()
            if day % 7 == 0:
                self._start_week(day // 7)
            self._work_day(day)
            yield self.env.timeout(HOURS_PER_DAY)

    def _start_week(self, week: int) -> None:
        if self._pending is not None:
            self.allocation, self._pending = self._pending, None
        g = self.scenario.duties.ground
        users = saturating(self.allocation.get("ground"), g.users_per_week.max,
                           g.users_per_week.half_at_hours)
        self._rate[self._seg["ground"]] = users / HOURS_PER_WEEK
        self.tickets.set_rate(self._t(), self.allocation.get("support") / HOURS_PER_WEEK)
        self.events.append(WeekStarted(self._t(), week, tuple(self.allocation.hours.items())))

    def _work_day(self, day: int) -> None:
        d = self.scenario.duties
        t = self._t()
        for offset in self._finished_today("copy", d.copy_.hours_per_piece):
            self.env.process(self._piece(offset))
        for offset in self._finished_today("events", d.events.planning_hours):
            self.env.process(self._event(offset))
        churn = self.scenario.funnel.churn
        if churn is not None and churn.per_week > 0:
            s = self.scenario.stage_index(churn.stage)
            pop = int(self.funnel.current(s, t).sum())
            daily = 1.0 - (1.0 - churn.per_week) ** (1 / 7)
            rng = self.streams.get("churn", day)
            self.funnel.remove(s, int(rng.binomial(pop, daily)), t, rng)

    def _finished_today(self, duty: str, hours_each: float) -> list[int]:
        """Advance a duty's work by a day of its hours; the hour offsets at which units finish."""
        per_day = self.allocation.get(duty) / 7
        attr = "_copy_progress" if duty == "copy" else "_event_progress"
        progress = getattr(self, attr)
        offsets = []
        worked = 0.0
        while per_day > 0 and progress + (per_day - worked) >= hours_each:
            worked += hours_each - progress
            progress = 0.0
            offsets.append(min(HOURS_PER_DAY - 1, int(HOURS_PER_DAY * worked / per_day)))
        setattr(self, attr, progress + per_day - worked)
        return offsets

    def _piece(self, offset: int) -> Iterator[simpy.Event]:
        """A piece of copy: published after ``offset`` hours, live until it goes stale."""
        copy = self.scenario.duties.copy_
        yield self.env.timeout(offset)
        self._sync()
        self._set_pieces(+1)
        self.events.append(PiecePublished(self._t(), self._pieces_live))
        yield self.env.timeout(copy.stale_after_weeks * HOURS_PER_WEEK)
        self._sync()
        self._set_pieces(-1)
        self.events.append(PieceStale(self._t(), self._pieces_live))

    def _set_pieces(self, change: int) -> None:
        """Change the live pieces, and with them copy's organic reach."""
        self._pieces_live += change
        reach = self.scenario.duties.copy_.reach
        if reach is not None:
            users = saturating(self._pieces_live, reach.max_per_week, reach.half_at_pieces)
            self._rate[self._seg["copy"]] = users / HOURS_PER_WEEK

    def _event(self, offset: int) -> Iterator[simpy.Event]:
        """An event whose planning finished: launches (after any live one), runs, ends."""
        ev = self.scenario.duties.events
        yield self.env.timeout(offset)
        if self._event_live:
            self._events_ready += 1  # launches when the live one ends
            return
        while True:
            self._sync()
            live = max(1, math.ceil(ev.live_days * HOURS_PER_DAY))
            self._event_live = True
            if ev.spike is not None:
                self._rate[self._seg["events"]] = ev.spike.users / live
            self.events.append(EventLaunched(self._t(), self._t() + live))
            yield self.env.timeout(live)
            self._sync()
            self._event_live = False
            self._rate[self._seg["events"]] = 0.0
            self.events.append(EventEnded(self._t()))
            if not self._events_ready:
                return
            self._events_ready -= 1

    def _review(self, week: int) -> None:
        """The boss's review closing ``week`` (1-based): KPIs, blame, reputation, the end."""
        if self.finished:
            return
        sc = self.scenario
        if week % sc.reviews.every_weeks and week != sc.weeks:
            return
        self._sync()
        end = week * HOURS_PER_WEEK
        results = []
        for target in sc.reviews.targets:
            if week < target.from_week:
                continue
            if target.per_week is not None:
                goal = target.per_week * (end - self._last_review) / HOURS_PER_WEEK
                actual = self.entered(target.stage, self._last_review, end)
            elif week == sc.weeks:
                goal, actual = target.total_by_end or 0.0, self.entered(target.stage, 0, end)
            else:
                continue
            results.append(KpiResult(target.kpi, target.stage, goal, actual))
        self._last_review = end
        self.events.append(Review(end, week, tuple(results)))
        rep = sc.blame.reputation
        for r in results:
            if r.hit:
                self.reputation = min(100.0, self.reputation + rep.gain_per_hit)
                continue
            shortfall_pct = 100.0 * (r.target - r.actual) / r.target
            delta = -rep.lose_per_shortfall_pct * shortfall_pct
            self.reputation = max(0.0, self.reputation + delta)
            self.blame_count += 1
            self.events.append(
                BlameEvent(end, week, r.kpi, r.target, r.actual, "specialist", round(delta, 6))
            )
        if self.reputation <= 0:
            self._end("fired")
        elif week == sc.weeks:
            promoted = self.reputation >= sc.blame.promotion.reputation
            self._end("promoted" if promoted else "kept")

    def _end(self, outcome: str) -> None:
        self.outcome = outcome
        self.finished = True
        self.events.append(RunEnded(self._t(), outcome, self.reputation))
        raise StopSimulation(None)

    # -- the bulk draw --------------------------------------------------------------------

    def _sync(self) -> None:
        """Draw the users of every hour up to now (called before any rate changes)."""
        if self._drawn_to < self.env.now:
            self._flow(self._drawn_to, self._t())

    def _flow(self, t0: int, t1: int) -> None:
        """Draw hours ``[t0, t1)``, which lie within one day and see constant rates."""
        day = t0 // HOURS_PER_DAY
        f = self.funnel
        n_seg = len(self.segments)
        arrivals = np.zeros((f.n_stages, n_seg, t1 - t0), dtype=np.int64)
        draws = self.streams.get("arrivals", day).poisson(self._rate[:, None], (n_seg, t1 - t0))
        arrivals[self._entry, np.arange(n_seg)] = draws
        f.flow(t0, t1, arrivals, self._convert(),
               self.streams.get("conversions", day), self.streams.get("delays", day))
        self._support(t0, t1, day)
        self._drawn_to = t1
        self.events.append(Flow(
            t0, t1,
            tuple(int(x) for x in f.entered[:, :, t0:t1].sum(axis=(1, 2))),
            tuple(int(x) for x in f.drops[:, :, t0:t1].sum(axis=(1, 2))),
        ))

    def _convert(self) -> np.ndarray:
        """Chance per (stage, segment) that a user at the stage before moves on to it."""
        d = self.scenario.duties
        idx = self.scenario.stage_index
        lift = np.zeros_like(self._base)
        for cl in d.copy_.lifts:
            lift[idx(cl.stage)] += saturating(self._pieces_live, cl.max, cl.half_at_pieces)
        if self._event_live:
            for el in d.events.lifts:
                lift[idx(el.stage)] += el.lift
        return np.clip((self._base * (1.0 + lift))[:, None] * self._intent[None, :], 0.0, 1.0)

    def _support(self, t0: int, t1: int, day: int) -> None:
        """The tickets of hours ``[t0, t1)``, and the users lost to answers that came late."""
        sup = self.scenario.duties.support
        rng = self.streams.get("tickets", day)
        times, sources = [], []
        for i, src in enumerate(sup.tickets):
            s = self.scenario.stage_index(src.from_)
            if src.per_user is not None:  # pre-sales: a share of the users entering the stage
                per_hour = rng.binomial(self.funnel.entered[s, :, t0:t1].sum(axis=0), src.per_user)
            else:  # after-sales: a rate per user in the stage
                pop = int(self.funnel.current(s, t0).sum())
                lam = pop * (src.per_user_per_week or 0.0) / HOURS_PER_WEEK
                per_hour = rng.poisson(lam, t1 - t0)
            n = int(per_hour.sum())
            if n:
                hours = np.repeat(np.arange(t0, t1), per_hour)
                times.append(hours + rng.random(n))  # uniform within the hour: a Poisson process
                sources.append(np.full(n, i))
        if times:
            t = np.concatenate(times)
            order = np.argsort(t, kind="stable")
            work = self.streams.get("service", day).exponential(sup.minutes_per_ticket / 60, len(t))
            self.tickets.add(t[order], np.concatenate(sources)[order], work)
        late = self.tickets.overdue(t1).late
        if not late.any():
            return
        self.tickets_late += int(late.sum())
        rng = self.streams.get("lost", day)
        lost = 0
        for i, src in enumerate(sup.tickets):
            n = int(rng.binomial(late[i], sup.lost_if_late))
            if n:
                lost += self.funnel.remove(self.scenario.stage_index(src.from_), n, t1, rng)
        self.users_lost += lost
        self.events.append(TicketsLate(t1, int(late.sum()), lost))

    # -- helpers --------------------------------------------------------------------------

    def _t(self) -> int:
        return int(self.env.now)

    def _build_allocation(self, hours: Mapping[str, float]) -> Allocation:
        return Allocation.build(hours, self.scenario.duty_ids, self.scenario.specialist.max_hours)

    def _kpis(self, now: int) -> Iterator[KpiView]:
        for target in self.scenario.reviews.targets:
            if target.per_week is not None:
                start = self._last_review
                period = min(self.scenario.reviews.every_weeks * HOURS_PER_WEEK,
                             self.horizon - start)
                goal = target.per_week * period / HOURS_PER_WEEK
                yield KpiView(target.kpi, target.stage, goal,
                              self.entered(target.stage, start, now), True)
            else:
                yield KpiView(target.kpi, target.stage, target.total_by_end or 0.0,
                              self.entered(target.stage, 0, now), False)
