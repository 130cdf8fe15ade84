"""Fair blame: attribute a missed KPI by re-running its review period, then the boss's verdict.

The period is re-run from the state at its start (a fork of the run) with the same named random
streams, under the manager's plan; that re-run and ``luck_runs`` more with other random numbers
average to what the plan could be expected to reach. The shortfall ``target - actual`` then
splits into

* ``plan``      — ``target - expected``: the plan itself falls short on average;
* ``luck``      — ``expected - plan_counterfactual``: this period's random numbers were bad;
* ``execution`` — ``plan_counterfactual - actual``: the plan, with the same luck, did better,

each clipped at zero and given as a share of their sum.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from opssim.model import AllocationError
from opssim.model.records import KpiResult
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.replicas import replicate

if TYPE_CHECKING:
    from opssim.sim.engine import Engine

#: Stream index offset for the re-runs that estimate an expected value.
LUCK_RUN_INDEX = 1_000_000


@dataclass(frozen=True, slots=True)
class Attribution:
    """Counterfactual values of one missed KPI and the shares of its shortfall."""

    plan_counterfactual: float
    execution_counterfactual: float
    expected: float
    split: tuple[tuple[str, float], ...]

    def share(self, cause: str) -> float:
        """The share of the shortfall due to ``cause`` (plan, execution or luck)."""
        return dict(self.split)[cause]


def rerun(start: "Engine", allocations: Sequence[Mapping[str, float]],
          run_index: int | None = None) -> "Engine":
    """The period from ``start`` (a fork taken at its first hour) re-run with one allocation
    per week; returns the finished copy. ``run_index`` switches to other random numbers."""
    return replicate(start, allocations, [run_index])[0]


def attribute(engine: "Engine", week: int, missed: Sequence[KpiResult],
              verify: bool = False) -> dict[str, Attribution]:
    """Attribute each missed KPI of the review closing ``week``: a weekly KPI over its review
    period, a total over the whole run (what the plan would have built up from the start)."""
    weekly = {t.kpi for t in engine.scenario.reviews.targets if t.per_week is not None}
    out: dict[str, Attribution] = {}
    for start, group in ((engine.period_start, [r for r in missed if r.kpi in weekly]),
                         (engine.run_start, [r for r in missed if r.kpi not in weekly])):
        if group and start is not None:
            out |= _attribute_from(engine, start, week, group, verify)
    return out


def _attribute_from(engine: "Engine", start: "Engine", week: int, missed: Sequence[KpiResult],
                    verify: bool) -> dict[str, Attribution]:
    first = int(start.now) // HOURS_PER_WEEK
    mine = [engine.allocations[w] for w in range(first, week)]
    plan = [engine.scenario.plan_hours(w + 1) for w in range(first, week)]  # each week's plan
    # Played to the plan, the same-luck re-run is the run itself: skip it (half the re-runs
    # under the plan policy). A re-run's reviews judge without attribution, so over a period
    # with reviews inside it (a total, from the first hour) the re-run could be fired where
    # the run went on: the engine follows that re-run's reputation to know it was not.
    with_plan = engine if _played_the_plan(engine, first, week, mine) else rerun(start, plan)
    runs = engine.scenario.blame.luck_runs
    luck = replicate(start, plan, [LUCK_RUN_INDEX + k for k in range(runs)])
    # The re-run under the player's own hours reproduces the run exactly (the tests check
    # it), so it is only re-run on request.
    as_played = rerun(start, mine) if verify else None
    out = {}
    for r in missed:
        def value(e: "Engine", r: KpiResult = r) -> float:
            return float(kpi_value(e, r.kpi, int(start.now), week))

        p = value(with_plan)
        expected = (p + sum(value(e) for e in luck)) / (1 + len(luck))
        played = value(as_played) if as_played is not None else float(r.actual)
        parts = {
            "plan": max(0.0, r.target - expected),
            "execution": max(0.0, p - r.actual),
            "luck": max(0.0, expected - p),
        }
        total = sum(parts.values()) or 1.0
        split = tuple((k, round(v / total, 6)) for k, v in parts.items())
        out[r.kpi] = Attribution(round(p, 6), round(played, 6), round(expected, 6), split)
    return out


def _played_the_plan(engine: "Engine", first: int, week: int,
                     mine: Sequence[Mapping[str, float]]) -> bool:
    """Whether weeks ``first`` .. ``week - 1`` were played with the plan's hours and a re-run
    under the plan would not have been fired before ``week`` (so it repeats the run)."""
    sc = engine.scenario
    inside = any(w % sc.reviews.every_weeks == 0 for w in range(first + 1, week))
    if inside and (first != 0 or engine.rerun_reputation is None):
        return False
    try:
        return all(hours == engine.plan_allocation(w + 1)
                   for w, hours in enumerate(mine, start=first))
    except AllocationError:  # a plan the run cannot take: the re-run will say so
        return False


def kpi_value(engine: "Engine", kpi: str, first_hour: int, week: int) -> float:
    """The value ``kpi`` had at the review closing ``week`` (its period began at
    ``first_hour``) in ``engine``."""
    found = next(k for k in engine.scenario.kpis if k.name == kpi)
    start, stop = found.counted(first_hour, week * HOURS_PER_WEEK)
    return found.value(engine.entered(found.stage, start, stop))


def verdict(engine: "Engine", week: int, found: Attribution | None) -> tuple[str, bool]:
    """The boss's verdict on one miss, and whether the specialist contested it with evidence.

    With evidence enough to contest, the true split decides (and the contest uses the
    evidence up); the specialist does not contest a miss the split puts on them. Without it,
    the boss blames the specialist with chance ``lean_on_specialist``, else shares the blame.
    """
    rules = engine.scenario.blame
    if found is not None and engine.evidence >= rules.evidence_to_contest:
        share = dict(found.split)
        if share["execution"] >= rules.decisive_share:
            return "specialist", False
        engine.evidence -= rules.evidence_to_contest
        for cause, name in (("plan", "plan"), ("luck", "cleared")):
            if share[cause] >= rules.decisive_share:
                return name, True
        return "shared", True
    rng = engine.streams.get("blame", week * HOURS_PER_WEEK // HOURS_PER_DAY)
    return ("specialist" if rng.random() < rules.lean_on_specialist else "shared"), False
