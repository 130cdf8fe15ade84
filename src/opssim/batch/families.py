"""Three strategy families side by side: the best constant allocation, the best phased schedule
and the best adaptive policy, each searched on the same seeds, then compared on fresh seeds.

A week-by-week game should reward week-by-week decisions: the best phased or adaptive policy
should beat the best constant allocation by a margin that is not luck. The comparison is
paired (the same fresh seeds under each policy: common random numbers), so the interval on
the difference is far narrower than the intervals on the two win rates.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

from opssim.scenario import Scenario

from .adaptive_search import AdaptiveResult, adaptive_search, rounds_for
from .optimize import Candidate, SearchResult, search
from .policy import FixedHours
from .runner import Lab
from .stats import Estimate, paired_difference
from .tasks import Job

#: Phases of the phased search when the caller gives none.
DEFAULT_PHASES = 3


@dataclass
class Families:
    """The three searches and their best policies re-run on fresh seeds."""

    constant: SearchResult
    phased: SearchResult
    adaptive: AdaptiveResult
    #: name ("constant", "phased", "adaptive", "plan") -> the policy on the fresh seeds.
    fresh: dict[str, Candidate]
    fresh_seeds: list[int]
    #: The best of the constant allocations (a plan by week is no constant).
    best_constant: Candidate
    phases: int = DEFAULT_PHASES

    def gain(self, name: str) -> Estimate:
        """Win rate of ``name`` minus the best constant's, paired on the fresh seeds."""
        return paired_difference(self.fresh[name].wins(), self.fresh["constant"].wins())

    @property
    def winner(self) -> str:
        """The phased or adaptive family, whichever gains more on the fresh seeds."""
        return max(("phased", "adaptive"), key=lambda n: self.gain(n).value)

    def lines(self) -> list[str]:
        """One line per family: its best policy's win rate on the fresh seeds and its paired
        gain over the best constant allocation."""
        n = len(self.fresh_seeds)
        out = [f"on {n} fresh seeds (the same for each; searched on "
               f"{len(self.constant.seeds)} others):"]
        for name in ("constant", "phased", "adaptive", "plan"):
            c = self.fresh[name]
            text = f"  {name:<9} wins {c.win.pct()}"
            if name != "constant":
                d = self.gain(name)
                interval = ("no interval" if math.isnan(d.low)
                            else f"[{100 * d.low:+.0f}, {100 * d.high:+.0f}]")
                text += f"; vs the best constant {100 * d.value:+.0f} pts {interval}"
            out.append(text)
        return out

    def specs(self) -> list[tuple[str, str]]:
        """(family, its best policy described) for the report."""
        table = self.adaptive.table
        return [("constant", self.best_constant.spec), ("phased", self.phased.best.spec),
                ("adaptive", table.describe()), ("plan", "plan")]


def compare_families(lab: Lab, scenario: Scenario, seeds: Sequence[int], budget: int,
                     phases: int = DEFAULT_PHASES, holdout: bool = True,
                     constant: SearchResult | None = None) -> Families:
    """Search each family with ``budget`` candidates on ``seeds`` (``constant``: a constant
    search already run), then run the three best and the plan on as many fresh seeds."""
    seeds = list(seeds)
    if constant is None:
        constant = search(lab, scenario, seeds, budget, 1, holdout=holdout)
    phased = search(lab, scenario, seeds, budget, max(2, phases), holdout=False)
    best_constant = max((c for c in constant.evaluated
                         if isinstance(c.policy.decide, FixedHours)), key=lambda c: c.score)
    adaptive = adaptive_search(lab, scenario, seeds, budget, best_constant,
                               rounds=rounds_for(budget))
    fresh_seeds = list(range(max(seeds) + 1, max(seeds) + 1 + len(seeds)))
    chosen = {"constant": best_constant, "phased": phased.best, "adaptive": adaptive.best,
              "plan": constant.plan}
    rows = lab.run([Job(scenario, c.policy) for c in chosen.values()], fresh_seeds,
                   label="families on fresh seeds")
    fresh = {name: Candidate(c.policy, tuple(r), "fresh")
             for (name, c), r in zip(chosen.items(), rows, strict=True)}
    return Families(constant, phased, adaptive, fresh, fresh_seeds, best_constant,
                    max(2, phases))
