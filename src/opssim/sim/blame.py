"""Fair blame: split a missed KPI into signed parts by re-running its review period, then the
boss's verdict.

The period is re-run from the state at its start (a fork of the run) under the manager's plan:
once with the run's own random streams (``p``, the plan under the same luck) and ``luck_runs``
times (K) with other streams. The mean of those K luck replications — and of nothing else — is
the plan's expected value ``E``. The shortfall ``target - actual`` then splits into three
signed parts that add up to it exactly:

* ``plan``      = ``target - E``: what the plan falls short on average (negative: the plan
  beats the target on average);
* ``luck``      = ``E - p``: what this period's random numbers cost (negative: luck helped);
* ``execution`` = ``p - actual``: what the specialist's hours cost against the plan with the
  same luck (negative: the hours beat the plan).

``E`` is estimated, so ``plan`` and ``luck`` carry a 90% interval from the replications'
spread (Student's t with K - 1 degrees of freedom on their standard error); ``execution`` is
measured with the same luck, so it is exact and its interval is the point itself.

A total (counted from the first hour) is re-run from the first hour. Every run of a scenario
starts there in the same state, so the luck replications of a total are made once, with
streams of their own (:data:`LUCK_ROOT`), and shared by every seed and policy that misses it:
``E`` is then the same estimate for all of them (its error is shared too, and shown by the
interval), and a batch of runs pays for the replications once.
"""

import math
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from opssim.model import AllocationError
from opssim.model.records import KpiResult
from opssim.scenario import scenario_hash
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.replicas import replicate

if TYPE_CHECKING:
    from opssim.sim.engine import Engine

#: Stream index offset for the re-runs that estimate an expected value.
LUCK_RUN_INDEX = 1_000_000

#: The causes of a shortfall, in the order they are reported.
CAUSES = ("plan", "luck", "execution")

#: Student's t 0.95 quantiles (two-sided 90% intervals) by degrees of freedom, 1 to 30.
_T95 = (6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782,
        1.771, 1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711,
        1.708, 1.706, 1.703, 1.701, 1.699, 1.697)


def t95(df: int) -> float:
    """The 0.95 quantile of Student's t with ``df`` degrees of freedom (a table to 30, then
    the Cornish–Fisher expansion, within 0.001)."""
    if df < 1:
        return math.inf
    if df <= len(_T95):
        return _T95[df - 1]
    z = 1.6448536
    return z + (z**3 + z) / (4 * df) + (5 * z**5 + 16 * z**3 + 3 * z) / (96 * df * df)


@dataclass(frozen=True, slots=True)
class Part:
    """One signed part of a shortfall and its 90% interval ``[low, high]``."""

    value: float
    low: float
    high: float

    @property
    def decided(self) -> bool:
        """Whether the interval keeps to one side of zero (the sign of the part is known)."""
        return self.low > 0 or self.high < 0


@dataclass(frozen=True, slots=True)
class Attribution:
    """The counterfactual values of one missed KPI and its shortfall's signed parts."""

    target: float
    actual: float
    plan_counterfactual: float
    execution_counterfactual: float
    expected: float
    parts: tuple[tuple[str, Part], ...]
    luck_runs: int

    def part(self, cause: str) -> Part:
        """The part of the shortfall due to ``cause`` (plan, luck or execution)."""
        return dict(self.parts)[cause]

    @property
    def shortfall(self) -> float:
        """``target - actual``: what the parts add up to."""
        return self.target - self.actual

    @property
    def split(self) -> tuple[tuple[str, float], ...]:
        """Each part as a signed share of the shortfall (summing to 1; a share may be
        negative, or above 1)."""
        short = self.shortfall
        return tuple((c, round(p.value / short, 6) if short else 0.0) for c, p in self.parts)

    def deciding(self, decisive_share: float) -> str | None:
        """The cause with the largest share when it reaches ``decisive_share``, else None."""
        share = dict(self.split)
        top = max(CAUSES, key=lambda c: share[c])
        return top if share[top] >= decisive_share else None


def split_shortfall(target: float, actual: float, same_luck: float,
                    luck: Sequence[float]) -> tuple[float, tuple[tuple[str, Part], ...]]:
    """The plan's expected value (the mean of the ``luck`` replications) and the signed parts
    of ``target - actual`` given the plan's value with the same luck, ``same_luck``."""
    k = len(luck)
    expected = math.fsum(luck) / k
    sd = math.sqrt(math.fsum((v - expected) ** 2 for v in luck) / (k - 1)) if k > 1 else math.inf
    half = t95(k - 1) * sd / math.sqrt(k)
    plan = target - expected
    execution = same_luck - actual
    # luck is what is left, so the three add up to the shortfall to the last bit
    luck_part = (target - actual) - plan - execution
    parts = (
        ("plan", Part(plan, plan - half, plan + half)),
        ("luck", Part(luck_part, luck_part - half, luck_part + half)),
        ("execution", Part(execution, execution, execution)),
    )
    return expected, parts


def rerun(start: "Engine", allocations: Sequence[Mapping[str, float]],
          run_index: int | None = None) -> "Engine":
    """The period from ``start`` (a fork taken at its first hour) re-run with one allocation
    per week; returns the finished copy. ``run_index`` switches to other random numbers."""
    return replicate(start, allocations, [run_index])[0]


def attribute(engine: "Engine", week: int, missed: Sequence[KpiResult],
              verify: bool = False) -> dict[str, Attribution]:
    """Attribute each missed KPI of the review closing ``week``: a weekly KPI over its review
    period, a total over the whole run (what the plan would have built up from the start)."""
    weekly = {k.name for k in engine.scenario.kpis if k.weekly}
    out: dict[str, Attribution] = {}
    for start, group in ((engine.period_start, [r for r in missed if r.kpi in weekly]),
                         (engine.run_start, [r for r in missed if r.kpi not in weekly])):
        if group and start is not None:
            out |= _attribute_from(engine, start, week, group, verify)
    return out


def plan_weeks(engine: "Engine", first: int, week: int) -> list[dict[str, float]]:
    """The manager's plan for weeks ``first`` .. ``week - 1`` (0-based), one entry a week
    (a plan may change by week)."""
    return [engine.scenario.plan_hours(w + 1) for w in range(first, week)]


def _attribute_from(engine: "Engine", start: "Engine", week: int, missed: Sequence[KpiResult],
                    verify: bool) -> dict[str, Attribution]:
    first = int(start.now) // HOURS_PER_WEEK
    mine = [engine.allocations[w] for w in range(first, week)]
    plan = plan_weeks(engine, first, week)
    # Played to the plan, the same-luck re-run is the run itself: skip it (half the re-runs
    # under the plan policy). A re-run's reviews judge without attribution, so over a period
    # with reviews inside it (a total, from the first hour) the re-run could be fired where
    # the run went on: the engine follows that re-run's reputation to know it was not.
    runs = engine.scenario.blame.luck_runs
    indices: list[int | None] = [LUCK_RUN_INDEX + k for k in range(runs)]
    same = not _played_the_plan(engine, first, week, mine)
    wanted = [None, *indices] if same else indices
    if start is engine.run_start:  # from the first hour: runs of this seed share them
        twins: Sequence[_Reads] = _from_first(engine, start, plan, wanted)
    else:  # one call for every re-run under the plan, so that they are stepped together
        twins = replicate(start, plan, wanted)
    with_plan: _Reads = twins[0] if same else engine
    luck = twins[1:] if same else twins
    # The re-run under the player's own hours reproduces the run exactly (the tests check
    # it), so it is only re-run on request.
    as_played = rerun(start, mine) if verify else None
    out = {}
    for r in missed:
        found = engine.scenario.kpi(r.kpi)

        def value(e: "_Reads", found=found) -> float:
            return float(found.measure(e.entered, int(start.now), week * HOURS_PER_WEEK))

        p = value(with_plan)
        expected, parts = split_shortfall(r.target, r.actual, p, [value(e) for e in luck])
        played = value(as_played) if as_played is not None else float(r.actual)
        out[r.kpi] = Attribution(r.target, r.actual, p, played, expected, parts, len(luck))
    return out


class _Reads(Protocol):
    """What a KPI's value reads of a run: users reaching a stage in hours ``[start, end)``."""

    def entered(self, stage: str, start: int, end: int) -> int: ...


class _Reached:
    """What a re-run's KPIs read, kept after it: users reaching each stage by hour, summed
    (:meth:`Engine.entered` of the re-run, for any hours up to where it was played)."""

    def __init__(self, twin: "Engine") -> None:
        sc = twin.scenario
        twin.draw_to(int(twin.now))  # as its own reads would
        by_hour = twin.funnel.entered.sum(axis=1, dtype=np.int64)
        self._cum = np.concatenate([np.zeros((len(by_hour), 1), np.int64),
                                    np.cumsum(by_hour, axis=1)], axis=1)
        self._stage = sc.stage_index

    def entered(self, stage: str, start: int, end: int) -> int:
        row = self._cum[self._stage(stage)]
        return int(row[min(end, len(row) - 1)] - row[min(start, len(row) - 1)])


#: Re-runs of the plan from the first hour. At the first hour nothing random has happened
#: and nothing the player did either, so every run of a scenario starts from the same state:
#: the luck replications from there are made with streams of a seed of their own
#: (:data:`LUCK_ROOT`) and serve every seed and policy (lint, the lab and Monte Carlo play
#: many); the plan under a run's own luck serves every policy played on its seed. Keyed by
#: (what the scenario simulates, plan, luck) and, for the same luck, the seed and run index.
_FIRST: "OrderedDict[tuple, _Reached]" = OrderedDict()
_FIRST_SIZE = 256  # re-runs kept (each its stages × hours of counts: 0.1–0.2 MB)

#: The seed of the luck replications from the first hour: beyond any run's seed (seeds are
#: below 2**64), so their streams are no run's own.
LUCK_ROOT = 2**64 + 1


def forget_first_hour_reruns() -> None:
    """Drop the first-hour re-runs this process keeps: the next run makes its own (what a
    lone run costs, as the benchmark measures it)."""
    _FIRST.clear()


def _from_first(engine: "Engine", start: "Engine", plan: Sequence[Mapping[str, float]],
                wanted: Sequence[int | None]) -> list[_Reads]:
    """The re-runs of ``plan`` from ``start`` (the run's first hour) with each of the
    ``wanted`` luck (None: the run's own), played to the end of the plan's last week: those
    made for an earlier run are reused, the others made (together) and kept."""
    sc, end = engine.scenario, len(plan) * HOURS_PER_WEEK
    hours = tuple(tuple(sorted(h.items())) for h in plan)
    simulated = scenario_hash(sc)  # a lab task's own scenario object hashes alike (~1 ms)
    keys = [(simulated, hours, k) if k is not None
            else (simulated, hours, k, engine.seed, engine.streams.run_index) for k in wanted]
    found: dict[int, _Reached] = {}
    for i, key in enumerate(keys):
        hit = _FIRST.get(key)
        if hit is not None:
            found[i] = hit
            _FIRST.move_to_end(key)
    missing = [i for i in range(len(keys)) if i not in found]
    if missing:
        twins = replicate(start, plan, [wanted[i] for i in missing], root=LUCK_ROOT)
        for i, twin in zip(missing, twins, strict=True):
            assert int(twin.now) >= end or twin.finished
            found[i] = _FIRST[keys[i]] = _Reached(twin)
        while len(_FIRST) > _FIRST_SIZE:
            _FIRST.popitem(last=False)
    return [found[i] for i in range(len(keys))]


def _played_the_plan(engine: "Engine", first: int, week: int,
                     mine: Sequence[Mapping[str, float]]) -> bool:
    """Whether weeks ``first`` .. ``week - 1`` were played with the plan's hours and a re-run
    under the plan would not have been fired before ``week`` (so it repeats the run)."""
    sc = engine.scenario
    inside = any(w % sc.reviews.every_weeks == 0 for w in range(first + 1, week))
    if inside and (first != 0 or engine.rerun_reputation is None):
        return False
    # A re-run answers incident cards with their defaults: any other answer made it differ.
    if engine.incidents.deviated_since(first * HOURS_PER_WEEK):
        return False
    try:
        return all(hours == engine.plan_allocation(w + 1)
                   for w, hours in enumerate(mine, start=first))
    except AllocationError:  # a plan the run cannot take: the re-run will say so
        return False


def verdict(engine: "Engine", week: int, found: Attribution | None) -> tuple[str, bool]:
    """The boss's verdict on one miss, and whether the specialist contested it with evidence.

    With evidence enough to contest, the split decides (and the contest uses the evidence
    up): the cause whose share reaches ``decisive_share`` names the verdict (``plan``, or
    ``cleared`` for luck), none gives ``shared``, and a deciding part whose interval crosses
    zero gives ``inconclusive`` (its cost is the scenario's ``inconclusive_as``). The
    specialist does not contest a miss the split puts on their hours. Without evidence, the
    boss blames the specialist with chance ``lean_on_specialist``, else shares the blame.
    """
    rules = engine.scenario.blame
    if found is not None and engine.evidence >= rules.evidence_to_contest:
        cause = found.deciding(rules.decisive_share)
        if cause == "execution" and found.part(cause).decided:
            return "specialist", False
        engine.evidence -= rules.evidence_to_contest
        if cause is None:
            return "shared", True
        if not found.part(cause).decided:
            return "inconclusive", True
        return ("plan" if cause == "plan" else "cleared"), True
    rng = engine.streams.get("blame", week * HOURS_PER_WEEK // HOURS_PER_DAY)
    return ("specialist" if rng.random() < rules.lean_on_specialist else "shared"), False
