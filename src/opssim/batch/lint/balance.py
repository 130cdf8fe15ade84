"""The balance lint: a few dozen short runs that catch a broken or degenerate scenario.

* **difficulty** — the plan's win rate (share of runs ending promoted) over ``seeds`` seeds
  should fall in the band of the declared difficulty (:data:`BANDS`); the lint warns only when
  a 90% Wilson interval around it misses the band, so a few seeds do not cry wolf;
* **reachable targets** — some allocation tried (the plan, even, each single duty, the plan
  without or with more of each duty, and a small random search) hits each target in at least
  half its reviews;
* **duties that never pay off** — with common random numbers, the plan does no better on any
  KPI, reputation or promotion than the plan without the duty (its hours left idle); a duty the
  plan leaves out gets 8 hours cut from the others, against the same cut left idle;
* **a dominant single duty** — all contract hours on one duty beat the plan, even and every
  searched allocation on both win rate and reputation;
* **solved by one allocation** — the best constant allocation tried (by the probes) runs on
  every seed and wins more than 80% of runs: the week-by-week decisions do not matter.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from opssim.batch.lint.runs import Runner, RunStats
from opssim.model.difficulty import BANDS
from opssim.scenario.positions import Path

#: Share of a target's reviews that some allocation must hit for it to count as reachable.
REACHABLE = 0.5

Level = Literal["warning", "error", "note"]


@dataclass(frozen=True)
class Finding:
    """One line of a lint report, pointing at the part of the file it is about."""

    level: Level
    path: Path
    message: str


@dataclass(frozen=True)
class Tried:
    """A policy and its runs."""

    spec: str
    runs: list[RunStats]

    @property
    def win_rate(self) -> float:
        """Share of runs promoted."""
        return sum(r.won for r in self.runs) / len(self.runs)

    @property
    def reputation(self) -> float:
        """Mean reputation at the end."""
        return sum(r.reputation for r in self.runs) / len(self.runs)

    def hit_share(self, kpi: str) -> float:
        """Share of ``kpi``'s reviews that were hit."""
        hit = sum(r.hits[kpi][0] for r in self.runs)
        held = sum(r.hits[kpi][1] for r in self.runs)
        return hit / held if held else 0.0


def fixed_spec(hours: dict[str, float]) -> str:
    """The ``fixed:`` policy SPEC for ``hours`` (duties with zero hours left out)."""
    # Rounded down, so that a full week stays within the cap.
    parts = [f"{d}={math.floor(h * 100) / 100:g}" for d, h in hours.items() if h >= 0.01]
    return "fixed:" + ",".join(parts) if parts else "fixed:copy=0"


def phases_spec(phases: list[tuple[int, dict[str, float]]]) -> str:
    """``fixed:`` for one phase, else the inline ``schedule:`` SPEC of hours by week."""
    if len(phases) == 1:
        return fixed_spec(phases[0][1])
    return "schedule:" + ";".join(f"{w}:{fixed_spec(h).removeprefix('fixed:')}"
                                  for w, h in phases)


def wilson(wins: int, n: int, z: float = 1.645) -> tuple[float, float]:
    """A 90% Wilson score interval for a share of ``wins`` in ``n``."""
    if n == 0:
        return (0.0, 1.0)
    p = wins / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return (max(0.0, centre - half), min(1.0, centre + half))


#: The plan's runs whose every miss is attributed, for the blame split note (each miss costs
#: the scenario's luck runs in re-runs).
SPLIT_SEEDS = 4


def balance_checks(
    runner: Runner, *, seeds: int = 12, probe_seeds: int = 1, search: int = 6
) -> Iterator[Finding]:
    """Yield the balance findings (warnings and the figures behind them) of the scenario."""
    sc = runner.scenario
    duties = sc.duty_ids
    plan = sc.plan_hours()
    phases = sc.plan_phases if sc.plan_changes else ((1, plan),)
    probes = range(probe_seeds)
    singles = {d: fixed_spec({d: sc.specialist.contract_hours}) for d in duties}
    # A plan by week: with and without the duty in every phase of it.
    pairs = {d: tuple(phases_spec([(w, _with_without(h, d)[i]) for w, h in phases])
                      for i in (0, 1)) for d in duties}
    searched = _search(duties, plan, sc.specialist.contract_hours, sc.specialist.max_hours,
                       search)
    specs = ["even", *singles.values(), *(s for p in pairs.values() for s in p), *searched]
    # Runs attribute a miss only where it can be contested, which is all a verdict reads of
    # a split; the blame split note reads the plan's first few runs with every miss split.
    runner.run([*(("plan", s) for s in range(seeds)), *((p, s) for p in specs for s in probes)])
    split_runs = Tried("plan", runner.run((("plan", s) for s in range(min(seeds, SPLIT_SEEDS))),
                                          full=True))

    def tried(spec: str, seed_range: range = probes) -> Tried:
        return Tried(spec, runner.run((spec, s) for s in seed_range))

    plan_all = tried("plan", range(seeds))
    yield from _difficulty(sc.difficulty, plan_all)
    everything = [plan_all, *(tried(p) for p in dict.fromkeys(specs))]
    yield from _reachable(sc, plan_all, everything, split_runs)
    plan_probe = tried("plan")
    yield from _payoffs(_mean_plan(phases, sc.weeks),
                        {d: (tried(w), tried(wo)) for d, (w, wo) in pairs.items()})
    rivals = [plan_probe, tried("even"), *(tried(p) for p in searched)]
    yield from _dominance({d: tried(p) for d, p in singles.items()}, rivals)
    # The best constant allocations of the probes, on every seed: one that wins nearly
    # always makes the week-by-week decisions pointless.
    constants = [t for t in rivals[1:] if t.spec.startswith(("fixed:", "even"))]
    if not sc.plan_changes:
        constants.append(plan_probe)
    top = sorted(constants, key=lambda t: (t.win_rate, t.reputation), reverse=True)[:TOP_CONSTANTS]
    runner.run((t.spec, s) for t in top for s in range(seeds))
    yield from _solved([tried(t.spec, range(seeds)) for t in top])


def _difficulty(difficulty: str, plan: Tried) -> Iterator[Finding]:
    low, high = BANDS[difficulty]
    n = len(plan.runs)
    wins = sum(r.won for r in plan.runs)
    fired = sum(r.outcome == "fired" for r in plan.runs)
    figures = (f"the plan wins {wins} of {n} runs ({wins / n:.0%}), {fired} fired, mean "
               f"reputation {plan.reputation:.1f}; {difficulty} wants {low:.0%}..{high:.0%}")
    lo, hi = wilson(wins, n)
    if hi < low or lo > high:
        yield Finding("warning", ("difficulty",), f"{figures}: outside the band")
    elif wins == 0 and low > 0:
        # Too few runs for the interval to leave the band, but a plan that never wins is no
        # scenario of this difficulty: say so, and how many runs would settle it.
        yield Finding("warning", ("difficulty",),
                      f"{figures}: the plan never wins{_to_be_sure(wins, n, low, high)}")
    elif not low <= wins / n <= high:
        yield Finding("note", ("difficulty",),
                      f"{figures}: outside the band on these runs{_to_be_sure(wins, n, low, high)}")
    else:
        yield Finding("note", ("difficulty",), figures)
    if 2 * fired > n:
        yield Finding("warning", ("plan",),
                      f"the plan is fired in {fired} of {n} runs: the manager's plan should "
                      f"keep the specialist in the job in most runs{_to_be_sure(fired, n, 0, 0.5)}")


def seeds_to_tell(hits: int, n: int, low: float, high: float, cap: int = 500) -> int | None:
    """The fewest runs at which the share ``hits / n``, if it held, would put the 90% Wilson
    interval outside ``[low, high]``; None when even ``cap`` runs would not."""
    p = hits / n
    for m in range(n + 1, cap + 1):
        lo, hi = wilson(round(p * m), m)
        if hi < low or lo > high:
            return m
    return None


def _to_be_sure(hits: int, n: int, low: float, high: float) -> str:
    lo, hi = wilson(hits, n)
    if hi < low or lo > high:
        return ""  # these runs already tell it from luck
    m = seeds_to_tell(hits, n, low, high)
    if m is None:
        return " (too close to the band to tell within 500 runs)"
    return f"; to be sure, run `opssim lint --seeds {m}` ({m} runs would tell it from luck)"


def _reachable(sc, plan: Tried, everything: list[Tried], split_runs: Tried) -> Iterator[Finding]:
    for i, (target, kpi) in enumerate(zip(sc.reviews.targets, sc.kpis, strict=True)):
        kind = "per_week" if kpi.weekly else "total_by_end"
        goal = f"{target.kpi} ({getattr(target, kind):,.0f} {kind.replace('_', ' ')})"
        best = max(everything, key=lambda t, k=target.kpi: t.hit_share(k))
        figures = (f"{goal}: the plan hits {plan.hit_share(target.kpi):.0%} of reviews, the "
                   f"best of {len(everything)} allocations tried {best.hit_share(target.kpi):.0%}"
                   f" ({best.spec})")
        if best.hit_share(target.kpi) < REACHABLE:
            yield Finding("warning", ("reviews", "targets", i, kind),
                          f"target looks out of reach: {figures}")
        else:
            yield Finding("note", ("reviews", "targets", i, kind), figures)
        split = blame_split(split_runs, target.kpi)
        if split:
            yield Finding("note", ("reviews", "targets", i, kind), split)


def blame_split(plan: Tried, kpi: str) -> str:
    """How fair blame splits the plan's misses of ``kpi``: the signed parts summed over its
    runs, as a share of the shortfall ('' when it never missed)."""
    parts = [r.blame[kpi] for r in plan.runs if kpi in r.blame]
    if not parts:
        return ""
    sums = [sum(p[i] for p in parts) for i in range(3)]
    short = sum(sums)
    if short <= 0:
        return ""
    runs = len(plan.runs)
    causes = ("plan", "luck", "your hours")
    if max(abs(v) for v in sums) > 2 * short:
        # Parts that nearly cancel: shares of the small net shortfall would read -2438%.
        named = ", ".join(f"{name} {v / runs:+,.0f}" for name, v in zip(causes, sums,
                                                                       strict=True))
        return (f"{kpi}: the plan's misses ({short / runs:,.0f} short a run) split into "
                f"{named} a run: parts that nearly cancel, so no cause stands out")
    named = ", ".join(f"{name} {100 * v / short:+.0f}%" for name, v in
                      zip(causes, sums, strict=True))
    return (f"{kpi}: the plan's misses ({short / runs:,.0f} short a run) split into "
            f"{named}" + (" — where it misses, the plan itself falls short on average: "
                          "not luck" if sums[0] > 0.5 * short else ""))


def _better(a: RunStats, b: RunStats) -> bool:
    """Whether run ``a`` clearly beats run ``b`` on something that matters: a promotion, half
    a point of reputation, or 1% more on a KPI or a stage (less is noise: allocations that
    differ draw different random numbers)."""
    counts = zip([*(v or 0.0 for v in a.kpi.values()), *a.reached.values()],
                 [*(v or 0.0 for v in b.kpi.values()), *b.reached.values()], strict=True)
    return (a.won > b.won or a.reputation > b.reputation + 0.5
            or any(x > y * 1.01 + 0.5 for x, y in counts))


def _payoffs(plan: dict[str, float], pairs: dict[str, tuple[Tried, Tried]]
             ) -> Iterator[Finding]:
    gains = []
    for duty, (with_, without) in pairs.items():
        pays = any(_better(w, wo) for w, wo in zip(with_.runs, without.runs, strict=True))
        gains.append(f"{duty} {with_.reputation - without.reputation:+.1f}")
        if not pays:
            hours = plan.get(duty, 0) or _EXTRA
            yield Finding("warning", ("duties", duty),
                          f"duty {duty!r} never pays off: {hours:g} hours on it do no better on "
                          f"any KPI, reputation or promotion than leaving them idle "
                          f"({with_.spec} vs {without.spec})")
    yield Finding("note", ("plan",),
                  "reputation each duty is worth to the plan (its hours vs idle): "
                  + ", ".join(gains))


def _dominance(singles: dict[str, Tried], rivals: list[Tried]) -> Iterator[Finding]:
    best_rival = max(rivals, key=lambda t: (t.win_rate, t.reputation))
    listing = ", ".join(f"{d} {t.reputation:.0f}" for d, t in singles.items())
    yield Finding("note", ("plan",),
                  f"reputation with all contract hours on one duty: {listing}; plan "
                  f"{rivals[0].reputation:.0f}, even {rivals[1].reputation:.0f}")
    for duty, t in singles.items():
        if (t.win_rate >= max(r.win_rate for r in rivals)
                and t.reputation > max(r.reputation for r in rivals)):
            yield Finding("warning", ("duties", duty),
                          f"single-duty policy {t.spec} dominates: win rate {t.win_rate:.0%}, "
                          f"reputation {t.reputation:.1f} vs the best balanced allocation "
                          f"tried ({best_rival.spec}) {best_rival.win_rate:.0%}, "
                          f"{best_rival.reputation:.1f}")


def _mean_plan(phases: tuple[tuple[int, dict[str, float]], ...], weeks: int
               ) -> dict[str, float]:
    """The plan's mean hours per week over the run (its only hours when it never changes)."""
    ends = [w for w, _ in phases[1:]] + [weeks + 1]
    out: dict[str, float] = {}
    for (start, hours), end in zip(phases, ends, strict=True):
        span = max(0, min(end, weeks + 1) - start) / max(1, weeks)
        for d, h in hours.items():
            out[d] = out.get(d, 0.0) + h * span
    return out


#: Constant allocations the "solved by one allocation" check runs on every seed (the best of
#: the probes; more would cost the lint its seconds).
TOP_CONSTANTS = 1
#: A constant allocation winning more than this share of runs solves the scenario.
SOLVED = 0.8


def _solved(best: list[Tried]) -> Iterator[Finding]:
    for t in best:
        if t.win_rate > SOLVED:
            yield Finding("warning", ("plan",),
                          f"solved by one allocation: {t.spec} wins {t.win_rate:.0%} of "
                          f"{len(t.runs)} runs with the same hours every week, so the week-by-"
                          f"week decisions hardly matter (add time-varying pressure: calendar "
                          f"happenings, targets for a window of weeks, levers to invest in "
                          f"early)")
            return


#: Hours given to a duty the plan leaves out, to see whether it pays.
_EXTRA = 8.0


def _with_without(plan: dict[str, float], duty: str) -> tuple[dict[str, float], dict[str, float]]:
    """Two allocations that differ only in ``duty``'s hours, the other left idle: the plan and
    the plan without it when it has hours; else the plan with 8 hours cut from the other duties
    in proportion, with and without those 8 hours on ``duty``."""
    if plan.get(duty, 0) > 0:
        return dict(plan), {**plan, duty: 0.0}
    total = sum(plan.values())
    keep = max(0.0, 1 - _EXTRA / total) if total else 0.0
    cut = {d: h * keep for d, h in plan.items()}
    return {**cut, duty: _EXTRA}, cut


def _search(duties: tuple[str, ...], plan: dict[str, float], contract: float, max_hours: float,
            n: int) -> list[str]:
    """A quick, deterministic search: the plan stretched to the full week, and ``n`` random
    allocations of the contract hours."""
    rng = np.random.default_rng(20240607)
    total = sum(plan.values())
    specs = [fixed_spec({d: h * max_hours / total for d, h in plan.items()})] if total else []
    for _ in range(n):
        shares = rng.dirichlet(np.full(len(duties), 0.7))
        specs.append(fixed_spec({d: float(s) * contract for d, s in zip(duties, shares,
                                                                          strict=True)}))
    return specs
