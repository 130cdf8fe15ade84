"""The engine: one SimPy clock, the funnel as counts, and the specialist's work as events.

SimPy schedules everything that changes a rate — a day's work, a piece of copy going live, an
event launching, a department answering, a partner signing, a calendar happening, a review —
and between two such events the users' moves are drawn in bulk with numpy
(:class:`~opssim.sim.funnel.FunnelState`). Time is in whole hours.
"""

import copy
import math
from collections.abc import Iterator, Mapping
from typing import cast

import numpy as np
import simpy

from opssim.model import Allocation, AllocationError
from opssim.model.records import Flow, Happening, Record, SpecialistWeek, WeekStarted
from opssim.scenario import Scenario
from opssim.sim.agenda import Agenda
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.departments import Departments
from opssim.sim.funnel import FunnelState
from opssim.sim.observe import observe
from opssim.sim.review import review
from opssim.sim.snapshot import KpiView, Snapshot, StageView, SupportView
from opssim.sim.specialist import SpecialistState
from opssim.sim.streams import Streams
from opssim.sim.work import WORKS, Work
from opssim.sim.work.analysis import AnalysisWork
from opssim.sim.work.coordination import CoordinationWork
from opssim.sim.work.copy import CopyWork
from opssim.sim.work.events import EventsWork
from opssim.sim.work.partners import PartnersWork
from opssim.sim.work.research import ResearchWork
from opssim.sim.work.support import SupportWork
from opssim.sim.workweek import Block, layout, on_day, worked

#: The engine's version, carried by recordings: a run's numbers depend on it. 2: decisions at
#: the moment of transition, delays inside the hour, work in working blocks, churn in time.
ENGINE_VERSION = 2

#: Segments (sources of users) that duties add after the scenario's channels.
DUTY_SEGMENTS = ("copy", "events", "ground", "partners")


def churn_hours(sc: Scenario) -> list[float | None]:
    """Per stage, the mean hours a user stays before churn takes them (None: no churn)."""
    out: list[float | None] = [None] * len(sc.funnel.stages)
    churn = sc.funnel.churn
    if churn is not None and churn.per_week > 0:
        rate = -math.log1p(-churn.per_week) if churn.per_week < 1 else math.inf
        out[sc.stage_index(churn.stage)] = HOURS_PER_WEEK / rate
    return out


class Engine:
    """One run of ``scenario`` from ``seed``: a command interface over a SimPy simulation.

    Drive it with :meth:`set_allocation` and :meth:`advance_to`; read it with :meth:`snapshot`
    (what the player sees), :meth:`truth` (the exact state) and :attr:`events`, the
    append-only log of :class:`~opssim.model.records.Record`.
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        run_index: int = 0,
        *,
        attribution: bool = True,
        verify_attribution: bool = False,
    ) -> None:
        sc = self.scenario = scenario
        self.seed = seed
        self.horizon = sc.weeks * HOURS_PER_WEEK
        self.env = simpy.Environment()
        self.streams = Streams(seed, run_index)
        self.events: list[Record] = []
        self.stage_ids = tuple(s.id for s in sc.funnel.stages)
        self._duty_ids = sc.duty_ids  # the scenario is frozen: looked up once, not daily

        d = sc.duties
        partners = d.partners
        self.segments = (*(c.id for c in sc.channels), *DUTY_SEGMENTS)
        self._seg = {name: i for i, name in enumerate(self.segments)}
        idx = sc.stage_index
        self._entry = np.array(
            [idx(c.enters) for c in sc.channels]
            + [
                idx(d.copy_.reach.enters) if d.copy_.reach else 0,
                idx(d.events.spike.enters) if d.events.spike else 0,
                idx(d.ground.enters),
                idx(partners.deal.enters) if partners else 0,
            ]
        )
        self._intent = np.array(
            [c.intent for c in sc.channels]
            + [1.0, 1.0, d.ground.intent, partners.deal.intent if partners else 1.0]
        )
        self._rate = np.zeros(len(self.segments))  # users per hour, per segment
        self._rate[: len(sc.channels)] = [c.per_week / HOURS_PER_WEEK for c in sc.channels]
        # Calendar happenings scale these segments' arrivals.
        self._scaled = np.zeros(len(self.segments), dtype=bool)
        self._scaled[: len(sc.channels)] = True
        self._scaled[self._seg["partners"]] = True
        self._base = np.array([s.convert or 0.0 for s in sc.funnel.stages])
        stages = sc.funnel.stages
        self.funnel = FunnelState(
            [*(s.delay_hours for s in stages[1:]), None], len(self.segments), self.horizon,
            churn_hours(sc), self.streams.key,
        )
        #: Share of each hour that ground promotion is worked (its users arrive then).
        self._ground_cover = np.zeros(self.horizon + 1)
        self.blocks: tuple[Block, ...] = ()  # this week's working blocks

        self.specialist = SpecialistState(sc.specialist, sc.duties.present())
        self.allocation = self._build_allocation(sc.plan_hours())
        self._pending: Allocation | None = None
        self._plan: dict[int, dict[str, float]] = {}  # the plan's hours, by 1-based week
        self.reputation = sc.blame.reputation.start
        #: The reputation a re-run of the plan from the first hour would have now (its
        #: reviews judge without attribution); None once such a re-run could have been
        #: fired. While it lives, a run played to the plan is its own re-run (blame.py).
        self.rerun_reputation: float | None = self.reputation
        self.evidence = 0.0
        self.research_points = 0.0
        self.budget = sc.company.budget
        self.blame_count = 0
        self.outcome: str | None = None
        self.finished = False
        self._drawn_to = 0
        self._clock = 0.0
        self.last_review = 0
        self.weeks_closed = 0
        self._active: list[int] = []  # indices of calendar happenings under way
        self.allocations: list[dict[str, float]] = []  # hours per duty, week by week
        #: Re-run missed review periods to attribute them (the main run is never disturbed).
        self.attribution = attribution
        self.verify_attribution = verify_attribution
        #: A copy of the run at the start of the current review period.
        self.period_start: Engine | None = None

        self.agenda = Agenda(self.env, self._resolve, self._after_event)
        self.works: dict[str, Work] = {
            duty: WORKS[duty](self, d.get(duty)) for duty in d.present()
        }
        self.departments = Departments(
            dict(sc.departments), self.agenda, self.streams, self.log, self._speedup
        )

        #: Rates from each hour on: ``(hour, users per hour per segment, chance to move on per
        #: stage and segment)``, appended whenever an event changes them; the draw reads them.
        self._changes: list[tuple[int, np.ndarray, np.ndarray]] = []
        self._dirty = False
        self._refresh()

        # Scheduled first, each review precedes every other event at its hour (SimPy breaks
        # ties by creation order), so a week is closed before the next one starts.
        for week in range(1, sc.weeks + 1):
            self.agenda.schedule(week * HOURS_PER_WEEK, "engine", "_review", week)
        for i, h in enumerate(sc.calendar):
            start = (h.week - 1) * HOURS_PER_WEEK + (h.day - 1) * HOURS_PER_DAY
            self.agenda.schedule(start, "engine", "_happening", i, True)
        self.agenda.schedule(0, "engine", "_day", 0)
        #: A copy of the run at its first hour: cumulative KPIs are re-run from there.
        self.run_start: Engine | None = None
        if attribution:
            self.period_start = self.run_start = self.fork()

    # -- commands -------------------------------------------------------------------------

    def set_allocation(self, hours: Mapping[str, float]) -> Allocation:
        """Set the hours per duty for the next week to start (raises ``AllocationError``)."""
        self._pending = self._build_allocation(hours)
        return self._pending

    def plan_allocation(self, week: int = 1) -> dict[str, float]:
        """The manager's plan for 1-based ``week`` (a plan may change by week), as
        :attr:`allocations` records a week's hours."""
        if week not in self._plan:
            self._plan[week] = self._build_allocation(self.scenario.plan_hours(week)).as_dict()
        return self._plan[week]

    def advance_to(self, t: float) -> None:
        """Run the simulation until hour ``t`` (capped at the horizon), or until it ends.

        Every event before ``t`` is processed, and so is the review closing a week at ``t``:
        stopped at a week boundary, the week is reviewed and the next not yet begun, which is
        the moment to plan it. Users are drawn lazily, when something reads the funnel or is
        about to change a rate; the funnel's draws do not depend on how the hours are cut
        (funnel.py), so any way of stepping the clock gives the same run.
        """
        t = min(t, self.horizon)
        env = self.env
        while not self.finished:
            nxt = env.peek()
            if not (nxt < t or (nxt == t and t == (self.weeks_closed + 1) * HOURS_PER_WEEK)):
                break
            env.step()
        self._clock = max(self._clock, t)

    def fork(self, run_index: int | None = None) -> "Engine":
        """An independent copy of this run at this moment, on a clock of its own.

        Driving the copy never touches this run. With ``run_index`` the copy draws from other
        random streams from now on (for an expected value rather than the same luck).
        """
        env = simpy.Environment(initial_time=self.env.now)
        # The scenario is frozen and shared; the log starts empty; everything else is copied.
        streams = (Streams(self.seed, run_index) if run_index is not None
                   else self.streams.copy())
        memo: dict[int, object] = {id(self.env): env, id(self.scenario): self.scenario,
                                   id(self.events): [], id(self.period_start): None,
                                   id(self.run_start): None,
                                   id(self.streams): streams,
                                   # weeks gone by are never changed: their hours are shared
                                   id(self.allocations): list(self.allocations)}
        twin = copy.deepcopy(self, memo)
        twin.agenda.rearm(env)
        twin.funnel.rekey(streams.key)  # other streams: other keyed luck too
        return twin

    # -- what works use -------------------------------------------------------------------

    @property
    def hour(self) -> int:
        """The clock, in whole simulated hours."""
        return int(self.env.now)

    @property
    def now(self) -> float:
        """The clock as the driver last set it, in simulated hours (events may lag behind)."""
        return float(max(self._clock, self.env.now))  # one type however the clock was set

    def _resolve(self, owner: str) -> object:
        """The object an agenda action names: the engine, the departments or a duty's work."""
        if owner == "engine":
            return self
        if owner == "departments":
            return self.departments
        return self.works[owner]

    def _speedup(self) -> float:
        coordination = self.works.get("coordination")
        return cast(CoordinationWork, coordination).speedup() if coordination else 0.0

    def log(self, record: Record) -> None:
        """Append ``record`` to the event log."""
        self.events.append(record)

    def sync(self) -> None:
        """Say that rates change at this hour: once the event under way is done, the rates
        in force from now on are read again. Users already drawn are never redrawn, and no
        draw is needed here: the draw reads each hour's rates from the changes."""
        self._dirty = True

    def _after_event(self) -> None:
        if self._dirty:
            self._refresh()

    def _refresh(self) -> None:
        self._dirty = False
        rate = self._rate.copy()
        for i in self._active:
            rate[self._scaled] *= self.scenario.calendar[i].arrivals_x
        change = (self.hour, rate, self._convert())
        if self._changes and self._changes[-1][0] == self.hour:
            self._changes[-1] = change
        else:
            self._changes.append(change)

    def draw_to(self, t: int) -> None:
        """Draw the users of every hour before ``t``, a week at most at a time (the funnel's
        streams are keyed by week)."""
        while self._drawn_to < t:
            end = min(t, (self._drawn_to // HOURS_PER_WEEK + 1) * HOURS_PER_WEEK)
            self._flow(self._drawn_to, end)

    def set_rate(self, segment: str, users_per_hour: float) -> None:
        """Users per hour arriving through a duty's ``segment``."""
        self._rate[self._seg[segment]] = max(0.0, users_per_hour)

    def set_cover(self, segment: str, shares: list[tuple[int, float]]) -> None:
        """Which hours a worked segment's users arrive in: ``(hour, share worked)`` pairs;
        only ground promotion is worked so (its rate is per hour worked)."""
        assert segment == "ground"
        for h, share in shares:
            self._ground_cover[h] = share

    def hours(self, duty: str) -> float:
        """This week's hours on ``duty``: the colleagues' fixed hours if it is locked."""
        locked = self.scenario.company.locked
        return locked[duty] if duty in locked else self.allocation.get(duty)

    def spend(self, amount: float) -> bool:
        """Pay ``amount`` from the budget; False (and nothing paid) when it is short."""
        if self.budget is None or amount <= 0:
            return True
        if amount > self.budget + 1e-9:
            return False
        self.budget = max(0.0, self.budget - amount)
        return True

    def affordable(self, cost_per_hour: float) -> float:
        """Hours the budget can still pay for at ``cost_per_hour``."""
        return math.inf if self.budget is None else self.budget / cost_per_hour

    def targeting(self) -> float:
        """Research's relative boost to copy and events, now."""
        research = self.works.get("research")
        if research is None:
            return 0.0
        return cast(ResearchWork, research).targeting(self.research_points)

    # -- reading --------------------------------------------------------------------------

    def entered(self, stage: str, start: int, end: int) -> int:
        """Users who reached ``stage`` during hours ``[start, end)`` (up to now at most)."""
        self.draw_to(min(end, int(self.now)))
        return int(self.funnel.entered[self.scenario.stage_index(stage), :, start:end].sum())

    def noise(self) -> float:
        """The dashboard's noise now (log-scale sd): zero when the scenario has no analysis."""
        analysis = self.works.get("analysis")
        return cast(AnalysisWork, analysis).noise if analysis else 0.0

    def truth(self) -> Snapshot:
        """The exact state at the current hour."""
        now = int(self.now)
        self.draw_to(now)
        f = self.funnel
        reached, moved, dropped = (a[:, :, :now].sum(axis=(1, 2)).tolist()
                                   for a in (f.entered, f.moves, f.drops))
        stages = tuple(
            StageView(sid, reached[s], reached[s] - moved[s] - dropped[s], dropped[s])
            for s, sid in enumerate(self.stage_ids)
        )
        support = cast(SupportWork, self.works["support"])
        q = support.queue
        copy = cast(CopyWork, self.works["copy"])
        events = cast(EventsWork, self.works["events"])
        partners = self.works.get("partners")
        return Snapshot(
            t=self.now,
            week=min(now // HOURS_PER_WEEK, self.scenario.weeks),
            weeks=self.scenario.weeks,
            stages=stages,
            allocation=tuple(self.allocation.hours.items()),
            kpis=tuple(self._kpis(now)),
            support=SupportView(
                waiting=q.waiting(now),
                arrived=int(np.searchsorted(q.arrival, now)),
                answered=q.answered(now),
                late=support.late,
                users_lost=support.lost,
                complaints=support.complaints,
            ),
            pieces_live=len(copy.live_quality),
            event_live=events.live,
            event_progress=events.planning_share,
            partners_active=cast(PartnersWork, partners).active if partners else 0,
            departments=tuple(
                (name, self.departments.queue_length(name)) for name in self.departments.specs
            ),
            fatigue=self.specialist.fatigue,
            skills=tuple(self.specialist.skills.items()),
            evidence=self.evidence,
            research_points=self.research_points,
            budget=self.budget,
            reputation=self.reputation,
            blame_count=self.blame_count,
            finished=self.finished,
            outcome=self.outcome,
            observed=False,
            noise=0.0,
        )

    def snapshot(self) -> Snapshot:
        """What the player sees now: :meth:`truth` with the dashboard's noise applied."""
        return observe(self.truth(), self.noise(), self.streams, int(self.now) // HOURS_PER_DAY)

    # -- processes ------------------------------------------------------------------------

    def _day(self, day: int) -> None:
        """A day: the week's start (allocation), each duty's blocks of work, fatigue, and the
        support tickets whose deadlines passed."""
        if day % 7 == 0:
            self._start_week(day // 7)
        today = on_day(self.blocks, day)
        for duty, work in self.works.items():
            work.work_day(day, today.get(duty, []))
        locked = self.scenario.company.locked
        mine = {d: worked(b) for d, b in today.items() if d not in locked}
        if day % 7 < self.scenario.specialist.workweek.days:
            tiring = {"ground": self.scenario.duties.ground.fatigue_per_hour}
            self.specialist.work_day(mine, tiring)
        cast(SupportWork, self.works["support"]).close_day(day)
        if day + 1 < self.horizon // HOURS_PER_DAY:
            self.agenda.schedule(HOURS_PER_DAY, "engine", "_day", day + 1)

    def _review(self, week: int) -> None:
        self.draw_to(self.hour)
        f, t0 = self.funnel, (week - 1) * HOURS_PER_WEEK
        self.log(Flow(t0, self.hour,
                      tuple(f.entered[:, :, t0:self.hour].sum(axis=(1, 2)).tolist()),
                      tuple(f.drops[:, :, t0:self.hour].sum(axis=(1, 2)).tolist())))
        review(self, week)

    def _start_week(self, week: int) -> None:
        if week > 0:
            self.specialist.weekend()
            skills = tuple((d, round(s, 6)) for d, s in self.specialist.skills.items())
            self.log(SpecialistWeek(self.hour, week, round(self.specialist.fatigue, 6), skills))
        if self._pending is not None:
            self.allocation, self._pending = self._pending, None
        self.allocations.append(self.allocation.as_dict())
        hours = {d: self.hours(d) for d in self._duty_ids}
        self.blocks = layout(hours, week, self.scenario.specialist.workweek)
        for duty, work in self.works.items():
            work.start_week(week, self.hours(duty))
        self.log(WeekStarted(self.hour, week, tuple(self.allocation.hours.items())))

    def _happening(self, i: int, starts: bool) -> None:
        """A calendar happening begins (and schedules its end) or ends."""
        h = self.scenario.calendar[i]
        self.sync()
        if starts:
            self._active.append(i)
            self.agenda.schedule(max(1, math.ceil(h.hours)), "engine", "_happening", i, False)
        else:
            self._active.remove(i)
        self.log(Happening(self.hour, h.kind, starts))

    # -- the bulk draw --------------------------------------------------------------------

    def _flow(self, t0: int, t1: int) -> None:
        """Draw hours ``[t0, t1)``, which lie within one week."""
        week = t0 // HOURS_PER_WEEK
        f, get = self.funnel, self.streams.get
        changes = self._changes
        while len(changes) > 1 and changes[1][0] <= t0:  # no longer in force
            changes.pop(0)
        now = [c for c in changes if c[0] < t1]
        lengths = np.diff([*(max(c[0], t0) - t0 for c in now), t1 - t0])
        rate = np.repeat(np.stack([c[1] for c in now], axis=1), lengths, axis=1)
        convert = np.repeat(np.stack([c[2] for c in now], axis=2), lengths, axis=2)
        rate[self._seg["ground"]] *= self._ground_cover[t0:t1]
        arrivals = np.zeros((f.n_stages, len(self.segments), t1 - t0), dtype=np.int64)
        # One stream per source, so a change in one source's rate (more copy reach, say)
        # leaves every other source's arrivals as they were: common random numbers.
        for g in np.flatnonzero(rate.any(axis=1)):
            name = self.segments[g]
            arrivals[self._entry[g], g] = get(f"arrivals:{name}", week).poisson(rate[g])
        f.flow(t0, t1, arrivals, convert)
        self._drawn_to = t1
        cast(SupportWork, self.works["support"]).flow(t0, t1, week)

    def _convert(self) -> np.ndarray:
        """Chance per (stage, segment) that a user deciding at the stage moves on."""
        lift = sum((w.lift for w in self.works.values()), np.zeros_like(self._base))
        p = self._base * (1.0 + lift)
        for i in self._active:
            for stage, x in self.scenario.calendar[i].convert_x.items():
                p[self.scenario.stage_index(stage)] *= x
        # Row s: the chance of moving on from stage s (to s + 1); none from the last.
        p = np.append(p[1:], 0.0)
        return np.clip(p[:, None] * self._intent[None, :], 0.0, 1.0)

    # -- helpers --------------------------------------------------------------------------

    def _build_allocation(self, hours: Mapping[str, float]) -> Allocation:
        locked = [d for d in hours if d in self.scenario.company.locked and hours[d]]
        if locked:
            raise AllocationError(f"duty {locked[0]!r} is locked: colleagues do it")
        hours = {d: h for d, h in hours.items() if d not in self.scenario.company.locked}
        return Allocation.build(hours, self.scenario.duty_ids, self.scenario.specialist.max_hours)

    def _kpis(self, now: int) -> Iterator[KpiView]:
        for kpi in self.scenario.kpis:
            start, stop = kpi.counted(self.last_review, now)
            period_end = min(self.last_review + self.scenario.reviews.every_weeks
                             * HOURS_PER_WEEK, self.horizon)
            yield KpiView(kpi.name, kpi.stage, kpi.goal(start, period_end),
                          kpi.value(self.entered(kpi.stage, start, stop)), kpi.weekly)
