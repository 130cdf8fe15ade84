"""The planning model: the week's hours per duty (whole hours, total clamped to the week's
maximum), the manager's plan, the fatigue those hours lead to, and the look-ahead runs of the
hours shown (started after the sliders rest, cached per plan, stepped a few per frame).

The planning panel (:mod:`opssim.render.planning_panel`) draws this and sends it the player's
actions; nothing here draws or imports pygame.
"""

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from opssim.model import AllocationError
from opssim.model.records import Review
from opssim.scenario import Scenario
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.lookahead import LONG_RUNS, LOW, MEDIAN, Fan, Lookahead
from opssim.sim.specialist import DEFAULT_SKILL, SpecialistState

#: Look-ahead steps (a simulated day of a fork, about a millisecond each) per frame while
#: planning, and the wall-clock budget a played frame gives them: 5 ms keeps a planning frame
#: within a 60 fps frame (p95 14.8 ms at 1280×720; 7 ms gave 17.6). A slow machine gets its
#: numbers later, never different ones; a scripted run takes a fixed number of steps, so its
#: frames are reproducible.
STEPS_PER_FRAME = 4
FRAME_BUDGET = 0.005
AUTO_STEPS_PER_FRAME = 3
#: Frames the sliders must rest before a new look-ahead starts (dragging is not planning).
DEBOUNCE_FRAMES = 12
#: Look-aheads kept per week, so going back to an earlier plan is instant.
CACHE_SIZE = 8


@dataclass(frozen=True)
class Note:
    """A message for the player: a string key, its ``tone`` (``bad``, ``warn``, ``good`` or
    ``info``) and the values it is formatted with."""

    key: str
    tone: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """Where an actual landed in its fan: ``kind`` is ``hit``, ``luck`` (inside the band,
    the median of the hours played would have hit), ``rare`` (below the band, the median
    would have hit) or ``plan`` (even the median misses the target: the hours, not luck)."""

    kind: str
    percentile: float
    median: float
    actual: float
    target: float


def verdict(fan: Fan, kpi: str, actual: float, target: float) -> Verdict:
    """Judge ``actual`` against ``target`` and the fan's runs of ``kpi`` at the week's end."""
    pct = fan.percentile(kpi, actual)
    median = float(np.quantile(fan.final(kpi), MEDIAN))
    if actual >= target:
        kind = "hit"
    elif median < target:
        kind = "plan"
    elif pct < 100 * LOW:
        kind = "rare"
    else:
        kind = "luck"
    return Verdict(kind, pct, median, actual, target)


def project_fatigue(sc: Scenario, fatigue: float, alloc: dict[str, float], *,
                    weekend: bool) -> float:
    """Fatigue at the end of a week worked on ``alloc``, starting from ``fatigue``.

    A throwaway :class:`SpecialistState` runs the engine's own rule (the weekend first when
    ``weekend``), so the projection cannot drift from the simulation; the engine is not touched.
    """
    st = SpecialistState(sc.specialist, sc.duties.present())
    st.fatigue = fatigue
    if weekend:
        st.weekend()
    mine = {d: alloc.get(d, 0.0) for d in sc.duty_ids}
    tiring = {"ground": sc.duties.ground.fatigue_per_hour}
    st.work_week(mine, tiring)
    return st.fatigue


class PlanningModel:
    """The hours being planned for a week of ``scenario``.

    With ``engine`` (the run, paused at the week boundary while planning) it looks ahead on
    forks of it; without, it only plans. ``on_start(hours)`` commits a week (it may raise
    ``AllocationError``, which becomes :attr:`note`).
    """

    def __init__(self, scenario: Scenario, on_start: Callable[[dict[str, float]], None],
                 engine: Engine | None = None) -> None:
        self.sc = scenario
        self.on_start = on_start
        self.engine = engine
        self.max = scenario.specialist.max_hours
        self.plan = scenario.plan_hours()
        self.values: dict[str, float] = {d: float(self.plan.get(d, 0.0)) for d in scenario.duty_ids}
        self.locked = dict(scenario.company.locked)
        self.rows = list(scenario.duties.present())  # the game's order, locked included
        self.week = 0
        self.fatigue = 0.0
        self.skills: dict[str, float] = {}
        self.open_now = False
        self.auto = False
        self.note: Note | None = None
        self._projection: tuple[tuple[float, ...], float] | None = None
        self._cache: OrderedDict[tuple[float, ...], Lookahead] = OrderedDict()
        self._shown: Lookahead | None = None  # the look-ahead shown (maybe of older values)
        self._started: Lookahead | None = None  # the plan the week was started on
        self._frames = 0
        self._changed_at = -DEBOUNCE_FRAMES
        self.last_verdict: Verdict | None = None

    # -- commands -------------------------------------------------------------------------

    def open(self, week: int, *, auto: bool = False, fatigue: float = 0.0,
             skills: dict[str, float] | None = None) -> None:
        """Plan 0-based ``week``, starting from the last values (the plan when ``auto``);
        ``fatigue`` and ``skills`` are the specialist's now."""
        self.week, self.auto, self.open_now = week, auto, True
        before, self.plan = self.plan, self.sc.plan_hours(week + 1)  # it may change by week
        if self.values == {d: float(before.get(d, 0.0)) for d in self.values}:
            self.values = {d: float(self.plan.get(d, 0.0)) for d in self.values}  # kept to it
        self.fatigue, self.skills = fatigue, dict(skills or {})
        if auto:
            self.values = {d: float(self.plan.get(d, 0.0)) for d in self.values}
        self.note = None
        self._projection = None
        self._cache.clear()  # last week's look-aheads start from another state
        self._shown = None
        self._changed_at = self._frames - DEBOUNCE_FRAMES  # the first look-ahead starts now
        self.last_verdict = self._judge_last_week(week)

    def close(self) -> None:
        """Planning is over; the week starts on the values shown (keep its fan to judge the
        week by when it is over)."""
        if self.open_now and self.engine is not None and not self.engine.finished:
            started = self._cache.get(self.key()) or self._lookahead()
            started.fan_only()
            self._started = started
        self.open_now = False

    def move(self, duty: str, value: float) -> float:
        """Set ``duty``'s hours: whole hours, the total clamped to the week's maximum.
        Returns the value kept."""
        value = float(round(min(self.max, max(0.0, value))))
        others = sum(v for d, v in self.values.items() if d != duty)
        if others + value > self.max:
            value = max(0.0, self.max - others)
            self.note = Note("plan_capped", "bad", {"max": self.max})
        else:
            self.note = None
        if value != self.values[duty]:
            self._changed_at = self._frames
        self.values[duty] = value
        return value

    def nudge(self, duty: str, step: float) -> float:
        """Move ``duty``'s hours by ``step`` (clamped like :meth:`move`)."""
        return self.move(duty, self.values[duty] + step)

    def use_plan(self) -> None:
        """Every duty back to the manager's plan."""
        for duty in self.values:
            if self.values[duty] != float(self.plan.get(duty, 0.0)):
                self._changed_at = self._frames
            self.values[duty] = float(self.plan.get(duty, 0.0))
        self.note = None

    def start(self) -> None:
        """Commit the values (an engine error becomes the note, never an exception)."""
        if not self.open_now:
            return
        try:
            self.on_start(dict(self.values))
        except AllocationError as exc:
            self.note = Note("bad_plan", "bad", {"error": str(exc)})

    # -- reading --------------------------------------------------------------------------

    @property
    def total(self) -> float:
        """The hours planned."""
        return sum(self.values.values())

    def default_note(self) -> Note:
        """What the footer says when nothing went wrong: overtime, the auto plan, or fine."""
        spec = self.sc.specialist
        over = self.total - spec.contract_hours
        if over > 0:
            return Note("plan_overtime", "warn", {"h": over, "contract": spec.contract_hours})
        if self.auto:
            return Note("auto_plan", "info")
        return Note("plan_ok", "good")

    def skill(self, duty: str) -> float:
        """The specialist's skill at ``duty`` now."""
        return self.skills.get(duty, self.sc.specialist.skills.get(duty, DEFAULT_SKILL))

    def projected_fatigue(self) -> float:
        """Fatigue at the end of the week on the current values (cached per values)."""
        key = tuple(self.values.values())
        if self._projection is None or self._projection[0] != key:
            end = project_fatigue(self.sc, self.fatigue, self.values, weekend=self.week > 0)
            self._projection = key, end
        return self._projection[1]

    def extra_hour_fatigue(self, duty: str) -> float:
        """How much more fatigue one more hour on ``duty`` leaves at the week's end."""
        more = {**self.values, duty: self.values.get(duty, 0.0) + 1}
        end = project_fatigue(self.sc, self.fatigue, more, weekend=self.week > 0)
        return end - self.projected_fatigue()

    def headline(self, week: int) -> str:
        """The KPI the fan shows in ``week``: the first weekly one reviewed then, else the
        first weekly one, else the first."""
        kpis = self.sc.kpis
        weekly = [k for k in kpis if k.weekly]
        due = [k for k in weekly if k.from_week <= week + 1 <= k.to_week]
        return (due or weekly or list(kpis))[0].name

    def chart_target(self, la: Lookahead, kpi: str) -> float:
        """The line to beat by the week's end: the weekly goal for the hours since the review
        period began (one week's unless reviews are further apart), or for a total its pace."""
        target = self.sc.kpi(kpi)
        end = min((la.week + 1) * HOURS_PER_WEEK, self.sc.weeks * HOURS_PER_WEEK)
        if target.weekly:
            return target.goal(la.starts[kpi], end)
        start, stop = target.counted(0, target.to_week * HOURS_PER_WEEK)
        return la.targets[kpi] * max(0, min(end, stop) - start) / max(1, stop - start)

    # -- look-ahead -----------------------------------------------------------------------

    def key(self) -> tuple[float, ...]:
        """The values shown, in the scenario's duty order (the look-ahead cache's key)."""
        return tuple(self.values[d] for d in self.sc.duty_ids)

    def _lookahead(self) -> Lookahead:
        """A new look-ahead of the values shown, from the run as it is (at the boundary)."""
        assert self.engine is not None
        la = Lookahead(self.engine, self.values, self.sc.duty_ids, long_runs=LONG_RUNS)
        self._cache[self.key()] = la
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return la

    def tick(self, prefer: str | None = None) -> None:
        """A frame: a few steps of look-ahead (the plan shown first, ``prefer``'s effect
        before the other duties'; else the fan of the week under way, to judge it by)."""
        self._frames += 1
        eng = self.engine
        if eng is None:
            return
        if self.open_now and not eng.finished:
            key = self.key()
            la = self._cache.get(key)
            if la is None and self._frames - self._changed_at >= DEBOUNCE_FRAMES:
                la = self._lookahead()
            if la is not None:
                self._cache.move_to_end(key)
                self._shown = la
                la.prefer(prefer)
                if not la.later_done:  # the week's runs first, then those past it
                    self._work(la)
                    return
        if self._started is not None and not self._started.done:
            self._work(self._started)

    def _work(self, la: Lookahead) -> None:
        if self.auto:
            la.work(AUTO_STEPS_PER_FRAME)
        else:
            la.work(STEPS_PER_FRAME, FRAME_BUDGET)

    @property
    def shown_lookahead(self) -> Lookahead | None:
        """The look-ahead to show: of the values shown, or of older ones until theirs is ready."""
        return self._shown

    @property
    def current(self) -> Lookahead | None:
        """The look-ahead of exactly the values shown, if one has started."""
        return self._cache.get(self.key())

    def _judge_last_week(self, week: int) -> Verdict | None:
        """Where the week just played landed in the fan of the hours it was played on."""
        la, eng = self._started, self.engine
        self._started = None
        if la is None or eng is None or week == 0 or la.week != week - 1:
            return None
        played = eng.allocations[week - 1] if len(eng.allocations) >= week else None
        if played is None or any(played.get(d, 0.0) != h for d, h in la.hours.items()):
            return None
        fan = la.finish().fan()  # normally done while the week ran
        if fan is None:
            return None
        kpi = self.headline(week - 1)
        target = self.sc.kpi(kpi)
        reviewed = [x.actual for r in eng.events if isinstance(r, Review) and r.week == week
                    for x in r.results if x.kpi == kpi]
        # the review's own figure when it checked the KPI; else the KPI's one measure
        actual = (reviewed[0] if reviewed
                  else target.measure(eng.entered, la.starts[kpi], week * HOURS_PER_WEEK))
        return verdict(fan, kpi, actual, self.chart_target(la, kpi))
