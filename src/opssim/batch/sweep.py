"""Sweeps: a grid (or one-at-a-time) design over scenario parameters and weekly hours, and
the sensitivity ranking — which parameter moves the win rate most.

* **grid**: every combination of the values; a parameter's effect is its *main effect*, the
  win rate at each of its values pooled over all the other parameters' values.
* **one at a time** (``oat``, a tornado): the base point (every parameter at the scenario's
  own value) plus each parameter's values with the others at base.

A parameter's *swing* is the spread (highest minus lowest) of the win rate over its values;
the ranking sorts by swing, then by the swing of the mean final reputation (which still moves
when no policy wins).
"""

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from opssim.scenario import Scenario

from .params import Param, ParamError, apply
from .policy import FixedHours, Policy, PolicyError, check_hours, parse_policy
from .rows import Row
from .schedule import format_hours
from .stats import Estimate, mean_ci, wilson
from .tasks import Job

Mode = Literal["grid", "oat"]

#: Most design points a sweep may have.
MAX_POINTS = 5000


@dataclass(frozen=True)
class Point:
    """One design point: a value per parameter, and the job that runs it."""

    values: tuple[float, ...]
    job: Job

    def label(self, params: Sequence[Param]) -> str:
        """``visit.convert=0.1 hours.copy=12``."""
        return " ".join(f"{p.path}={v:g}" for p, v in zip(params, self.values, strict=True))


@dataclass(frozen=True)
class Level:
    """A parameter at one value: the runs there and their win rate and mean reputation."""

    value: float
    win: Estimate
    reputation: Estimate


@dataclass(frozen=True)
class Sensitivity:
    """How much one parameter moves the outcome over its values."""

    path: str
    levels: tuple[Level, ...]

    @property
    def swing(self) -> float:
        """Highest minus lowest win rate over the parameter's values."""
        rates = [lv.win.value for lv in self.levels]
        return max(rates) - min(rates) if rates else 0.0

    @property
    def reputation_swing(self) -> float:
        """Highest minus lowest mean final reputation over the parameter's values."""
        reps = [lv.reputation.value for lv in self.levels]
        return max(reps) - min(reps) if reps else 0.0

    @property
    def lowest(self) -> Level:
        """The value with the lowest win rate (then reputation)."""
        return min(self.levels, key=lambda lv: (lv.win.value, lv.reputation.value))

    @property
    def highest(self) -> Level:
        """The value with the highest win rate (then reputation)."""
        return max(self.levels, key=lambda lv: (lv.win.value, lv.reputation.value))


def base_values(params: Sequence[Param]) -> tuple[float, ...]:
    """Each parameter's base: the scenario's value (an unset field: its first value)."""
    return tuple(p.base if p.base is not None else p.values[0] for p in params)


def design(scenario: Scenario, policy: Policy, params: Sequence[Param], mode: Mode = "grid"
           ) -> list[Point]:
    """The design points of a sweep, each validated (raises :class:`ParamError`)."""
    if not params:
        raise ParamError("give at least one --param PATH=V1,V2,...")
    paths = [p.path for p in params]
    for path in paths:
        if paths.count(path) > 1:
            raise ParamError(f"--param {path} given twice")
    if mode == "grid":
        combos = list(itertools.product(*(p.values for p in params)))
    else:
        base = base_values(params)
        combos = [base]
        for i, p in enumerate(params):
            combos += [(*base[:i], v, *base[i + 1:]) for v in p.values if v != base[i]]
    if len(combos) > MAX_POINTS:
        raise ParamError(f"the sweep has {len(combos):,} points; at most {MAX_POINTS:,}")
    return [Point(tuple(c), _job(scenario, policy, params, c)) for c in combos]


def _job(scenario: Scenario, policy: Policy, params: Sequence[Param], values: Sequence[float]
         ) -> Job:
    sc = apply(scenario, params, values)
    if sc is not scenario and isinstance(policy.decide, FixedHours):
        # plan, even and heavy depend on the scenario (its plan, its contract hours).
        policy = parse_policy(policy.spec, sc)
    overrides = {p.duty: v for p, v in zip(params, values, strict=True) if p.duty is not None}
    if overrides:
        hours = {**(policy.constant_hours or {}), **overrides}
        spec = "fixed:" + format_hours(hours)
        try:
            clean = check_hours(hours, sc, f"policy {spec!r}")
        except PolicyError as exc:
            shown = ", ".join(f"hours.{d}={v:g}" for d, v in overrides.items())
            raise ParamError(f"--param {shown}: {exc}") from None
        policy = Policy(spec, FixedHours(tuple(clean.items())))
    named = tuple((p.path, float(v)) for p, v in zip(params, values, strict=True))
    return Job(sc, policy, named)


def sensitivity(params: Sequence[Param], points: Sequence[Point],
                results: Sequence[Sequence[Row]], mode: Mode = "grid") -> list[Sensitivity]:
    """The sensitivity of the win rate to each parameter, largest swing first."""
    base = base_values(params)
    out = []
    for i, p in enumerate(params):
        levels = []
        for v in _levels(p, base[i], mode):
            rows: list[Row] = []
            for point, runs in zip(points, results, strict=True):
                if point.values[i] != v:
                    continue
                others_at_base = all(point.values[j] == base[j]
                                     for j in range(len(params)) if j != i)
                if mode == "grid" or others_at_base:
                    rows.extend(runs)
            if rows:
                wins = sum(r["outcome"] == "promoted" for r in rows)
                levels.append(Level(v, wilson(wins, len(rows)),
                                    mean_ci(r["reputation"] for r in rows)))
        out.append(Sensitivity(p.path, tuple(levels)))
    return sorted(out, key=lambda s: (-s.swing, -s.reputation_swing))


def _levels(p: Param, base: float, mode: Mode) -> list[float]:
    if mode == "grid":
        return list(p.values)
    return sorted({base, *p.values})
