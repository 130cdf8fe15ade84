"""Look-ahead: quick copies of a run paused at a week boundary that play the coming week, to
show the player what a plan is likely to bring and what one more hour of a duty adds.

Every look-ahead run is a :meth:`Engine.fork` on random streams of its own (``run_index`` from
:data:`LOOKAHEAD_RUN_INDEX`), so the run being played is never touched and its own luck is
never peeked at. A run of the plan and a run with one more hour on a duty share their
``run_index``: common random numbers, so their difference is the hour's effect rather than
two different weeks' luck.

With ``long_runs``, more paired runs go on past the week to the next review and to the run's
end, with and without one extra hour this week (the same hours every week after): what this
week's hour still does by then, which is where durable levers (copy that stays live, research,
partners, analysis) show their worth and a one-week lever shows none.

The work is incremental: :meth:`Lookahead.work` advances the pending runs by a simulated day
per step, so a frame loop can spread a look-ahead over many frames. How many steps a frame
does never changes the numbers, only when they are ready.
"""

import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.engine import Engine

#: First stream index of look-ahead runs: far from the run's own (0) and blame's re-runs.
LOOKAHEAD_RUN_INDEX = 2_000_000

#: Runs of the plan behind the fan chart (its 10–90% band needs a dozen to mean anything).
FAN_RUNS = 12

#: Runs per duty behind "one more hour" (paired with the first plan runs).
EFFECT_RUNS = 6

#: Paired runs per duty behind "by the next review" and "by the end" (the planning panel's).
LONG_RUNS = 8

#: Simulated hours one step advances (the first step of a run also forks it).
STEP_HOURS = HOURS_PER_DAY

#: The quantiles the fan chart draws: its band's edges and the median.
LOW, MEDIAN, HIGH = 0.1, 0.5, 0.9

Samples = dict[str, list[int]]


@dataclass(frozen=True)
class Fan:
    """How the KPIs may go over the week on a plan: ``runs[kpi]`` is runs × samples, taken at
    ``hours`` since the week's start (0 first, the week's end last)."""

    hours: tuple[int, ...]
    runs: Mapping[str, np.ndarray]
    targets: Mapping[str, float]
    _quantiles: dict[tuple[str, float], np.ndarray] = field(
        default_factory=dict, repr=False, compare=False)  # a chart asks every frame

    def quantile(self, kpi: str, q: float) -> np.ndarray:
        """The ``q`` quantile of ``kpi`` at each sample hour."""
        key = kpi, q
        if key not in self._quantiles:
            self._quantiles[key] = np.quantile(self.runs[kpi], q, axis=0)
        return self._quantiles[key]

    def final(self, kpi: str) -> np.ndarray:
        """``kpi`` at the week's end, one value per run."""
        return self.runs[kpi][:, -1]

    def percentile(self, kpi: str, actual: float) -> float:
        """Where ``actual`` falls among the runs' week-end values, 0..100 (ties count half)."""
        end = self.final(kpi)
        below = float((end < actual).sum()) + 0.5 * float((end == actual).sum())
        return 100.0 * below / len(end)

    def hit_share(self, kpi: str) -> float:
        """Share of runs that reach the target by the week's end."""
        return float((self.final(kpi) >= self.targets[kpi]).mean())


@dataclass(frozen=True)
class Later:
    """One more hour on ``duty`` this week only, the same hours after: the change of each KPI's
    users (or revenue) counted from this week's start to ``mark`` ("review": the next review
    after this week, "end": the run's end), run by run (same luck in each pair)."""

    duty: str
    runs: Mapping[str, Mapping[str, tuple[float, ...]]]  # mark -> kpi -> changes

    def mean(self, mark: str, kpi: str) -> float:
        """The mean change of ``kpi`` by ``mark``."""
        return float(np.mean(self.runs[mark][kpi]))

    def interval(self, mark: str, kpi: str) -> tuple[float, float]:
        """A 95% t interval on that mean change (paired runs)."""
        a = np.asarray(self.runs[mark][kpi], dtype=float)
        if len(a) < 2:
            return (float(a.mean()), float(a.mean())) if len(a) else (0.0, 0.0)
        half = _T95.get(len(a) - 1, 2.0) * float(a.std(ddof=1)) / np.sqrt(len(a))
        return float(a.mean()) - half, float(a.mean()) + half


#: Two-sided 95% t quantiles by degrees of freedom (small samples).
_T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26,
        10: 2.23, 11: 2.20, 12: 2.18, 15: 2.13, 20: 2.09}


@dataclass(frozen=True)
class Effect:
    """One more hour on ``duty`` this week: the mean change of each KPI by the week's end,
    and the change run by run (same luck in each pair)."""

    duty: str
    mean: Mapping[str, float]
    runs: Mapping[str, tuple[int, ...]]


def kpi_starts(engine: Engine) -> dict[str, int]:
    """The hour each KPI of ``engine`` counts from now: its review period's start, or 0."""
    return {k.name: k.counted(engine.last_review, engine.last_review)[0]
            for k in engine.scenario.kpis}


def play_week(engine: Engine, hours: Mapping[str, float], run_index: int,
              ) -> Generator[None, None, Samples]:
    """Fork ``engine`` (paused at a week boundary), play the week on ``hours`` and return each
    KPI sampled every :data:`STEP_HOURS`; yields after each day (the first with the fork)."""
    twin = engine.fork(run_index)
    twin.attribution = False  # its review must not re-run the week again
    twin.set_allocation(hours)
    starts = kpi_starts(engine)
    kpis = {k.name: k for k in engine.scenario.kpis}
    t, end = int(engine.now), week_end(engine)

    def sample() -> None:
        for kpi in starts:
            out[kpi].append(kpis[kpi].measure(twin.entered, engine.last_review, t))

    out: Samples = {kpi: [] for kpi in starts}
    sample()
    while t < end:
        t = min(t + STEP_HOURS, end)
        twin.advance_to(t)
        sample()
        yield
    return out


def marks_of(engine: Engine) -> dict[str, int]:
    """The hours "by the next review" and "by the end" are measured at, from a week boundary:
    the first review after the week about to start (when it is later), and the horizon."""
    every = engine.scenario.reviews.every_weeks * HOURS_PER_WEEK
    end = week_end(engine)
    review = min(engine.horizon, -(-end // every) * every)
    marks = {"review": review} if review > end else {}
    if engine.horizon > max(end, review):
        marks["end"] = engine.horizon
    return marks


def play_on(engine: Engine, first: Mapping[str, float], hours: Mapping[str, float],
            run_index: int, marks: Mapping[str, int]
            ) -> Generator[None, None, dict[str, dict[str, float]]]:
    """Fork ``engine`` (at a week boundary), play the week on ``first`` and every later week on
    ``hours`` to the last of ``marks``, and return each KPI's value counted from now (within
    its window) at each mark; yields after each simulated day."""
    twin = engine.fork(run_index)
    twin.attribution = False
    start = int(engine.now)
    out: dict[str, dict[str, float]] = {}
    t = start
    for name, mark in sorted(marks.items(), key=lambda m: m[1]):
        while t < mark and not twin.finished:
            if t % HOURS_PER_WEEK == 0:
                twin.set_allocation(first if t == start else hours)
            t = min(t + STEP_HOURS, mark)
            twin.advance_to(t)
            yield
        out[name] = {}
        for k in engine.scenario.kpis:
            a = max(start, (k.from_week - 1) * HOURS_PER_WEEK)
            b = min(mark, k.to_week * HOURS_PER_WEEK)
            out[name][k.name] = float(k.value(twin.entered(k.stage, a, b))) if b > a else 0.0
    return out


def week_end(engine: Engine) -> int:
    """The hour the week that ``engine`` is about to play ends."""
    return min(engine.horizon, (int(engine.now) // HOURS_PER_WEEK + 1) * HOURS_PER_WEEK)


class Lookahead:
    """The fan of ``hours`` and the effect of one more hour on each of ``duties``, from
    ``engine`` paused at a week boundary; call :meth:`work` until :attr:`done`."""

    def __init__(self, engine: Engine, hours: Mapping[str, float], duties: tuple[str, ...], *,
                 fan_runs: int = FAN_RUNS, effect_runs: int = EFFECT_RUNS,
                 long_runs: int = 0) -> None:
        self.hours = dict(hours)
        self.week = int(engine.now) // HOURS_PER_WEEK
        span = week_end(engine) - int(engine.now)
        self.sample_hours = (*range(0, span, STEP_HOURS), span)
        self.targets = {k.kpi: k.target for k in engine.truth().kpis}
        #: The hour each KPI counts from, to compare the run's actual with the fan later.
        self.starts = kpi_starts(engine)
        self.effect_runs = min(effect_runs, fan_runs)
        cap = engine.scenario.specialist.max_hours
        room = sum(self.hours.values()) + 1 <= cap + 1e-9
        #: Duties whose extra hour is looked at (none when the week is full).
        self.duties = tuple(duties) if room else ()
        # One still copy to fork from: the run itself may move on before the work is done.
        anchor = engine.fork()
        anchor.attribution = False
        self._jobs: dict[tuple[str, int], Generator[None, None, Samples]] = {}
        for k in range(fan_runs):
            self._jobs["", k] = play_week(anchor, self.hours, LOOKAHEAD_RUN_INDEX + k)
        for duty in self.duties:
            more = dict(self.hours)
            more[duty] = more.get(duty, 0.0) + 1
            for k in range(self.effect_runs):
                self._jobs[duty, k] = play_week(anchor, more, LOOKAHEAD_RUN_INDEX + k)
        # Past the week: paired runs to the next review and the end, after the week's own.
        self.marks = marks_of(engine) if long_runs and self.duties else {}
        self.long_runs = long_runs if self.marks else 0
        for duty in ("", *self.duties) if self.marks else ():
            more = dict(self.hours)
            if duty:
                more[duty] = more.get(duty, 0.0) + 1
            for k in range(self.long_runs):
                self._jobs["~" + duty, k] = play_on(anchor, more, self.hours,
                                                     LOOKAHEAD_RUN_INDEX + k, self.marks)
        self.fan_runs = fan_runs
        self._done: dict[tuple[str, int], Any] = {}
        self._order = list(self._jobs)
        self.steps = 0  # steps worked so far
        self._fan: Fan | None = None

    # -- working --------------------------------------------------------------------------

    def prefer(self, duty: str | None) -> None:
        """Work on ``duty``'s extra hour next (after the plan's own runs)."""
        if duty is None or duty not in self.duties:
            return
        mine = [j for j in self._order if j[0] == duty]
        rest = [j for j in self._order if j[0] != duty]
        plan = [j for j in rest if j[0] == ""]
        short = plan + mine + [j for j in rest if j[0] not in ("", "~", "~" + duty)
                               and not j[0].startswith("~")]
        # Past the week: the plan's and this duty's long runs before the others'.
        long = ([j for j in rest if j[0] == "~"] + [j for j in rest if j[0] == "~" + duty]
                + [j for j in rest if j[0].startswith("~") and j[0] not in ("~", "~" + duty)])
        self._order = short + long

    def work(self, steps: int, budget: float | None = None) -> int:
        """Advance the pending runs by up to ``steps`` steps, and stop early once ``budget``
        seconds have gone (after one step at least); returns the steps done. The budget
        changes only when the numbers are ready, never the numbers."""
        done = 0
        t0 = time.perf_counter()
        while done < steps and self._order:
            if done and budget is not None and time.perf_counter() - t0 >= budget:
                break
            job = self._order[0]
            try:
                next(self._jobs[job])
            except StopIteration as stop:
                self._done[job] = stop.value
                del self._jobs[job]
                self._order.pop(0)
                continue  # finishing is not a step: the last day already was
            done += 1
        self.steps += done
        return done

    def fan_only(self) -> None:
        """Drop the extra-hour runs not yet finished: only the fan is wanted now."""
        for job in [j for j in self._order if j[0]]:
            self._jobs.pop(job).close()
        self._order = [j for j in self._order if not j[0]]

    def finish(self) -> "Lookahead":
        """Work until everything is ready (tests, and headless use)."""
        while self._order:
            self.work(1_000)
        return self

    @property
    def done(self) -> bool:
        """Whether every run of the week (the fan, this week's effects) has finished."""
        return not any(not j[0].startswith("~") for j in self._order)

    @property
    def later_done(self) -> bool:
        """Whether the runs past the week (by the next review, by the end) have finished too."""
        return not self._order

    @property
    def progress(self) -> float:
        """Share of the week's runs finished, 0..1."""
        done = sum(not j[0].startswith("~") for j in self._done)
        return done / (done + sum(not j[0].startswith("~") for j in self._order) or 1)

    @property
    def fan_progress(self) -> float:
        """Share of the fan's runs finished, 0..1."""
        return sum(("", k) in self._done for k in range(self.fan_runs)) / self.fan_runs

    # -- results --------------------------------------------------------------------------

    def fan(self) -> Fan | None:
        """The plan's fan, once all its runs are in."""
        if self._fan is not None:
            return self._fan
        runs = [self._done.get(("", k)) for k in range(self.fan_runs)]
        if any(r is None for r in runs):
            return None
        kpis = self.targets.keys()
        self._fan = Fan(self.sample_hours,
                        {kpi: np.array([r[kpi] for r in runs if r is not None]) for kpi in kpis},
                        dict(self.targets))
        return self._fan

    def effect(self, duty: str) -> Effect | None:
        """One more hour on ``duty``, once its runs and their paired plan runs are in."""
        if duty not in self.duties:
            return None
        pairs = [(self._done.get(("", k)), self._done.get((duty, k)))
                 for k in range(self.effect_runs)]
        if any(a is None or b is None for a, b in pairs):
            return None
        runs = {kpi: tuple(b[kpi][-1] - a[kpi][-1] for a, b in pairs if a and b)
                for kpi in self.targets}
        return Effect(duty, {kpi: float(np.mean(d)) for kpi, d in runs.items()}, runs)

    def later(self, duty: str) -> Later | None:
        """One more hour on ``duty`` by the next review and by the end, once its long runs
        and their paired runs are in (None without long runs)."""
        if duty not in self.duties or not self.long_runs:
            return None
        pairs = [(self._done.get(("~", k)), self._done.get(("~" + duty, k)))
                 for k in range(self.long_runs)]
        if any(a is None or b is None for a, b in pairs):
            return None
        runs = {mark: {kpi: tuple(b[mark][kpi] - a[mark][kpi] for a, b in pairs if a and b)
                       for kpi in self.targets} for mark in self.marks}
        return Later(duty, runs)
