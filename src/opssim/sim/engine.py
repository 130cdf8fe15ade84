"""The engine: one SimPy clock, the funnel as counts, and the specialist's work as events.

SimPy schedules everything that changes a rate — a day's work, a piece of copy going live, an
event launching, a department answering, a partner signing, a calendar happening, a review —
and between two such events the users' moves are drawn in bulk with numpy
(:class:`~opssim.sim.funnel.FunnelState`). Time is in whole hours.
"""

import math
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import simpy

from opssim.model import Allocation, AllocationError
from opssim.model.kpi import Kpi
from opssim.model.records import Flow, Happening, Record, SpecialistWeek, WeekStarted
from opssim.model.reputation import ReputationRule
from opssim.scenario import Scenario
from opssim.scenario.schema.base import Model
from opssim.sim.agenda import Action, Agenda
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.clone import clone, shared
from opssim.sim.departments import Departments, Request
from opssim.sim.funnel import FunnelState
from opssim.sim.incidents import Incidents
from opssim.sim.observe import observe
from opssim.sim.rates import Rates
from opssim.sim.review import review
from opssim.sim.runstate import RunState
from opssim.sim.snapshot import KpiView, Snapshot, StageView, SupportView
from opssim.sim.specialist import SpecialistState
from opssim.sim.streams import Streams
from opssim.sim.tally import DROPPED, MOVED, REACHED, Tally
from opssim.sim.work import WORKS, Work
from opssim.sim.workweek import Block, layout, on_day, worked

#: The engine's version, carried by recordings: a run's numbers depend on it. 2: decisions at
#: the moment of transition, delays inside the hour, work in working blocks, churn in time.
#: 3: fair blame v2 (the plan's expected value from luck runs only, signed parts, inconclusive
#: verdicts), so verdicts and the log change. 4: a total's luck replications from the first
#: hour are shared by every run of the scenario (streams of a seed of their own), so a total's
#: expected value, and the verdicts that read it, change.
ENGINE_VERSION = 4

# Immutable records (frozen: their ``__deepcopy__`` returns them) that forks share.
shared(Action, Allocation, Block, Model, Request)


def churn_hours(sc: Scenario) -> list[float | None]:
    """Per stage, the mean hours a user stays before churn takes them (None: no churn)."""
    out: list[float | None] = [None] * len(sc.funnel.stages)
    churn = sc.funnel.churn
    if churn is not None and churn.per_week > 0:
        rate = -math.log1p(-churn.per_week) if churn.per_week < 1 else math.inf
        out[sc.stage_index(churn.stage)] = HOURS_PER_WEEK / rate
    return out


#: A snapshot's fields of the duties a scenario may lack, as shown without them.
NOT_SHOWN: Mapping[str, Any] = MappingProxyType({
    "support": SupportView(0, 0, 0, 0, 0, 0), "pieces_live": 0, "event_live": False,
    "event_progress": 0.0, "partners_active": 0})


class Derived:
    """What a run reads of its frozen scenario again and again, made once; copies of the run
    share it (the scenario's properties build these anew at each call)."""

    def __init__(self, sc: Scenario) -> None:
        #: The reviewed KPIs.
        self.kpis: tuple[Kpi, ...] = sc.kpis
        #: The reputation rule of the scenario's blame.
        self.rule: ReputationRule = sc.blame.rule()
        #: Each stage's position, by id.
        self.stage_at = {st.id: s for s, st in enumerate(sc.funnel.stages)}
        #: The duties whose work does something at midnight (the others' is the base's no-op).
        self.closing = tuple(d for d in sc.duties.present()
                             if WORKS[d].close_day is not Work.close_day)
        #: Fatigue per hour of a duty on top of the day's (read only).
        self.tiring = {"ground": sc.duties.ground.fatigue_per_hour}

    def __deepcopy__(self, memo: dict) -> "Derived":
        return self  # made of the frozen scenario: never changed


class _OfState:
    """An engine attribute that is its :class:`RunState`'s, for the engine's readers."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, engine: "Engine | None", owner: type | None = None) -> Any:
        return self if engine is None else getattr(engine.state, self.name)

    def __set__(self, engine: "Engine", value: Any) -> None:
        setattr(engine.state, self.name, value)


class Engine:
    """One run of ``scenario`` from ``seed``: a command interface over a SimPy simulation.

    Drive it with :meth:`set_allocation` and :meth:`advance_to`; read it with :meth:`snapshot`
    (what the player sees), :meth:`truth` (the exact state) and :attr:`events`, the
    append-only log of :class:`~opssim.model.records.Record`.
    """

    # The run's standing lives in ``state``; these read and write it there.
    reputation = _OfState()
    rerun_reputation = _OfState()
    evidence = _OfState()
    research_points = _OfState()
    budget = _OfState()
    blame_count = _OfState()
    outcome = _OfState()
    finished = _OfState()

    def __init__(
        self,
        scenario: Scenario,
        seed: int = 0,
        run_index: int = 0,
        *,
        attribution: bool = True,
        verify_attribution: bool = False,
        contested_only: bool = False,
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
        #: The rates the funnel's draw reads, hour by hour (:class:`Rates`).
        self.rates = Rates(sc, self.horizon)
        self.segments = self.rates.segments
        stages = sc.funnel.stages
        self.funnel = FunnelState(
            [*(s.delay_hours for s in stages[1:]), None], len(self.segments), self.horizon,
            churn_hours(sc), self.streams.key,
        )
        #: Users per stage and hour as far as read (:class:`Tally`): the KPIs' counts.
        self.tally = Tally(len(stages), self.horizon)
        #: The KPIs, the reputation rule and the stages' positions, made once.
        self.derived = Derived(sc)
        self.blocks: tuple[Block, ...] = ()  # this week's working blocks

        self.specialist = SpecialistState(sc.specialist, sc.duties.present())
        self.allocation = self._build_allocation(sc.plan_hours())
        self._pending: Allocation | None = None
        self._plan: dict[int, dict[str, float]] = {}  # the plan's hours, by 1-based week
        #: Reputation, evidence, research, budget and outcome (:class:`RunState`).
        self.state = RunState(sc.blame.reputation.start, sc.company.budget, self.log)
        self._drawn_to = 0
        self._clock = 0.0
        self.last_review = 0
        self.weeks_closed = 0
        self.allocations: list[dict[str, float]] = []  # hours per duty, week by week
        #: Re-run missed review periods to attribute them (the main run is never disturbed).
        self.attribution = attribution
        self.verify_attribution = verify_attribution
        #: Attribute a review's misses only when the specialist holds the evidence to contest
        #: one: the only time the split changes a verdict. The same outcomes, far fewer
        #: re-runs; the other blame events carry no split (for runs nobody reads them of).
        self.contested_only = contested_only
        #: A copy of the run at the start of the current review period.
        self.period_start: Engine | None = None

        self.agenda = Agenda(self.env, self._resolve, self._after_event)
        self.works: dict[str, Work] = {
            duty: WORKS[duty](self, d.get(duty)) for duty in d.present()
        }
        #: The duties that draw with the funnel (support's tickets), found once.
        self._drawing = [w for w in self.works.values() if type(w).flow is not Work.flow]
        self.departments = Departments(
            dict(sc.departments), self.agenda, self.streams, self.log, self._speedup
        )
        self.incidents = Incidents(self)  # its checks precede each day's work (created first)

        self._dirty = False  # rates changed during the event under way
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
        env, state, inc = self.env, self.state, self.incidents
        peek, step = env.peek, env.step
        while not state.finished and (inc.waiting is None or inc.ready()):
            nxt = peek()
            if not (nxt < t or (nxt == t and t == (self.weeks_closed + 1) * HOURS_PER_WEEK)):
                break
            step()
        if inc.waiting is None:  # stopped at a card: the clock stays at its hour
            self._clock = max(self._clock, t)

    def fork(self, run_index: int | None = None,
             arrays: Mapping[int, np.ndarray] | None = None,
             root: int | None = None) -> "Engine":
        """An independent copy of this run at this moment, on a clock of its own.

        Driving the copy never touches this run. With ``run_index`` the copy draws from other
        random streams from now on (for an expected value rather than the same luck), those
        of seed ``root`` if given (else this run's seed).
        ``arrays`` maps ``id`` of arrays of this run to the copies to use (already filled):
        how replicas get their funnels as views of one block (``FunnelGroup.blocks``).
        """
        env = simpy.Environment(initial_time=self.env.now)
        # The scenario is frozen and shared; the log starts empty; everything else is copied.
        streams = (Streams(self.seed if root is None else root, run_index)
                   if run_index is not None else self.streams.copy())
        memo: dict[int, object] = {id(self.env): env, id(self.scenario): self.scenario,
                                   id(self.events): [], id(self.period_start): None,
                                   id(self.run_start): None,
                                   id(self.streams): streams,
                                   # weeks gone by are never changed: their hours are shared
                                   id(self.allocations): list(self.allocations)}
        memo |= arrays or {}
        memo |= self.funnel.spent_on_rekey(streams.key)
        twin = clone(self, memo)
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
        if owner == "incidents":
            return self.incidents
        return self.works[owner]

    def _speedup(self) -> float:
        return sum((w.speedup() for w in self.works.values()), 0.0)

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
        lift = sum((w.lift for w in self.works.values()), np.zeros(len(self.stage_ids)))
        inc = self.incidents  # an incident's effect on the funnel, while it lasts
        self.rates.change(self.hour, lift, inc.arrivals_x() if inc.funnel else 1.0,
                          tuple((self.scenario.stage_index(st), x) for st, x in inc.convert_x()))

    def draw_to(self, t: int) -> None:
        """Draw the users of every hour before ``t``, a week at most at a time (the funnel's
        streams are keyed by week)."""
        while self._drawn_to < t:
            end = min(t, (self._drawn_to // HOURS_PER_WEEK + 1) * HOURS_PER_WEEK)
            self._flow(self._drawn_to, end)

    def set_rate(self, segment: str, users_per_hour: float) -> None:
        """Users per hour arriving through a duty's ``segment``."""
        self.rates.set_rate(segment, users_per_hour)

    def set_cover(self, segment: str, shares: list[tuple[int, float]]) -> None:
        """Which hours a worked segment's users arrive in: ``(hour, share worked)`` pairs;
        only ground promotion is worked so (its rate is per hour worked)."""
        assert segment == "ground"
        self.rates.set_cover(shares)

    def hours(self, duty: str) -> float:
        """This week's hours on ``duty``: the colleagues' fixed hours if it is locked."""
        locked = self.scenario.company.locked
        return locked[duty] if duty in locked else self.allocation.get(duty)

    def targeting(self) -> float:
        """Research's relative boost to copy and events, now."""
        return sum((w.targeting(self.state.research_points) for w in self.works.values()), 0.0)

    # -- reading --------------------------------------------------------------------------

    def entered(self, stage: str, start: int, end: int) -> int:
        """Users who reached ``stage`` during hours ``[start, end)`` (up to now at most)."""
        self.draw_to(min(end, int(self.now)))
        s = self.derived.stage_at.get(stage)
        if s is None:
            s = self.scenario.stage_index(stage)  # raises, as it always did
        if start < 0 or end < 0:  # hours counted from the end: as numpy slices them
            return int(self.funnel.entered[s, :, start:end].sum())
        # Hours not drawn hold nobody yet.
        drawn = self._drawn_to
        lo, hi = min(start, drawn), min(end, drawn)
        if hi <= lo:
            return 0
        sums = self.tally.upto(REACHED, self.funnel.entered, drawn)
        return int(sums[s, hi] - sums[s, lo])

    def counts(self, start: int, end: int) -> tuple[list[int], list[int], list[int]]:
        """Per stage, users who reached it, moved on from it and dropped at it during hours
        ``[start, end)``, hours that must be drawn (``0 <= start <= end``)."""
        drawn = self._drawn_to
        assert 0 <= start <= end <= drawn, (start, end, drawn)
        f, tally = self.funnel, self.tally
        return tuple(  # type: ignore[return-value]
            (sums[:, end] - sums[:, start]).tolist()
            for sums in (tally.upto(k, a, drawn) for k, a in
                         ((REACHED, f.entered), (MOVED, f.moves), (DROPPED, f.drops))))

    def noise(self) -> float:
        """The dashboard's noise now (log-scale sd): zero when the scenario has no analysis."""
        return sum((w.noise() for w in self.works.values()), 0.0)

    def truth(self) -> Snapshot:
        """The exact state at the current hour."""
        return self._state(observed=False)

    def _state(self, observed: bool) -> Snapshot:
        """The exact state at the current hour, said to be ``observed`` (as the player sees
        it when the dashboard has no noise)."""
        now = int(self.now)
        self.draw_to(now)
        reached, moved, dropped = self.counts(0, now)
        stages = tuple(
            StageView(sid, reached[s], reached[s] - moved[s] - dropped[s], dropped[s])
            for s, sid in enumerate(self.stage_ids)
        )
        # What the duties show: each declares its own fields; absent duties show nothing.
        shown = dict(NOT_SHOWN)
        for work in self.works.values():
            shown |= work.view(now)
        return Snapshot(
            t=self.now,
            week=min(now // HOURS_PER_WEEK, self.scenario.weeks),
            weeks=self.scenario.weeks,
            stages=stages,
            allocation=tuple(self.allocation.hours.items()),
            kpis=tuple(self._kpis(now)),
            **shown,
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
            observed=observed,
            noise=0.0,
        )

    def snapshot(self) -> Snapshot:
        """What the player sees now: :meth:`truth` with the dashboard's noise applied."""
        noise = self.noise()
        if noise <= 0:  # the true figures, as observe() would return them
            return self._state(observed=True)
        return observe(self.truth(), noise, self.streams, int(self.now) // HOURS_PER_DAY)

    # -- processes ------------------------------------------------------------------------

    def _day(self, day: int) -> None:
        """A day: the week's start (allocation), each duty's blocks of work, fatigue, and the
        support tickets whose deadlines passed."""
        if day % 7 == 0:
            self._start_week(day // 7)
        sc, works = self.scenario, self.works
        today = on_day(self.blocks, day) if self.blocks else {}
        for duty, work in works.items():
            work.work_day(day, today.get(duty, []))
        if day % 7 < sc.specialist.workweek.days:
            locked = sc.company.locked
            mine = {d: worked(b) for d, b in today.items() if d not in locked}
            self.specialist.work_day(mine, self.derived.tiring)
        for duty in self.derived.closing:
            works[duty].close_day(day)
        if day + 1 < self.horizon // HOURS_PER_DAY:
            self.agenda.schedule(HOURS_PER_DAY, "engine", "_day", day + 1)

    def _review(self, week: int) -> None:
        now = self.hour
        self.draw_to(now)
        reached, _, dropped = self.counts((week - 1) * HOURS_PER_WEEK, now)
        self.log(Flow((week - 1) * HOURS_PER_WEEK, now, tuple(reached), tuple(dropped)))
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
            self.rates.active.append(i)
            self.agenda.schedule(max(1, math.ceil(h.hours)), "engine", "_happening", i, False)
        else:
            self.rates.active.remove(i)
        self.log(Happening(self.hour, h.kind, starts))

    # -- the bulk draw --------------------------------------------------------------------

    def _flow(self, t0: int, t1: int) -> None:
        """Draw hours ``[t0, t1)``, which lie within one week."""
        arrivals, convert = self.inputs(t0, t1)
        self.funnel.flow(t0, t1, arrivals, convert)
        self.drawn(t0, t1)

    def inputs(self, t0: int, t1: int) -> tuple[np.ndarray, np.ndarray]:
        """What the funnel's draw of hours ``[t0, t1)`` (within one week) takes: arrivals
        from outside per (stage, segment, hour), and each hour's chance to move on."""
        return self.rates.inputs(t0, t1, self.funnel.n_stages, self.streams)

    def drawn(self, t0: int, t1: int) -> None:
        """The funnel has drawn hours ``[t0, t1)``: the tickets of those hours follow."""
        self._drawn_to = t1
        for work in self._drawing:
            work.flow(t0, t1, t0 // HOURS_PER_WEEK)

    def run_before(self, t: float) -> None:
        """Process every event before hour ``t`` (none at ``t``; the clock stays put)."""
        env = self.env
        while not self.finished and self.incidents.ready() and env.peek() < t:
            env.step()

    # -- helpers --------------------------------------------------------------------------

    def _build_allocation(self, hours: Mapping[str, float]) -> Allocation:
        company = self.scenario.company
        locked = [d for d in hours if d in company.locked and hours[d]]
        if locked:
            raise AllocationError(f"duty {locked[0]!r} is locked: colleagues do it")
        hours = {d: h for d, h in hours.items() if d not in company.locked}
        return Allocation.build(hours, self._duty_ids, self.scenario.specialist.max_hours)

    def _kpis(self, now: int) -> Iterator[KpiView]:
        for kpi in self.derived.kpis:
            start, stop = kpi.counted(self.last_review, now)
            period_end = min(self.last_review + self.scenario.reviews.every_weeks
                             * HOURS_PER_WEEK, self.horizon)
            yield KpiView(kpi.name, kpi.stage, kpi.goal(start, period_end),
                          kpi.value(self.entered(kpi.stage, start, stop)), kpi.weekly)
