"""Search for an adaptive policy: rule tables grown from a constant allocation, on common seeds.

The search starts from base hours (the best constant allocation found) and grows a rule table
one rule at a time. Each round samples candidate rules — a condition on an observed feature
(thresholds from the features seen in a few runs of the base) and what to do then (move hours
to a duty, take them from it, or work overtime on it) — adds each to the best table so far,
runs every candidate on the *same* seeds (common random numbers), and keeps the best (win
rate, then mean final reputation). Rows carry the policy ``adaptive:#KEY``; the best table is
written as a bot file (:func:`opssim.batch.adaptive.to_yaml`) to play with ``--policy``.
"""

import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from opssim.scenario import Scenario

from .adaptive import Hours, Rule, RuleTable, context_of, features
from .optimize import Candidate
from .policy import FixedHours, Policy
from .run import run_engine
from .runner import Lab
from .tasks import Job

#: Seeds of the base policy whose observations set the thresholds.
OBSERVE_SEEDS = 3
#: Hours a rule moves.
DELTAS = (4.0, 8.0, 12.0, 20.0)


@dataclass
class AdaptiveResult:
    """The best table found, the base it grew from and every candidate evaluated."""

    best: Candidate
    base: Candidate
    evaluated: list[Candidate]

    @property
    def table(self) -> RuleTable:
        """The best rule table (the base alone when no rule helped)."""
        rule = self.best.policy.decide
        assert isinstance(rule, RuleTable)
        return rule


def table_policy(table: RuleTable) -> Policy:
    """The policy of a table; its rows say ``adaptive:#KEY``."""
    return Policy(f"adaptive:#{table.key}", table, None)


def observed(scenario: Scenario, base: Hours, seeds: int = OBSERVE_SEEDS
             ) -> dict[str, list[float]]:
    """Features the player sees at each week's start over a few runs of the base hours."""
    calendar, totals = context_of(scenario)
    out: dict[str, list[float]] = {}
    policy = Policy("base", FixedHours(base), None)

    def look(engine) -> None:
        for k, v in features(engine.snapshot(), calendar, totals).items():
            out.setdefault(k, []).append(v)

    for seed in range(seeds):
        run_engine(scenario, 10_000 + seed, policy, on_week=look)
    return out


def conditions(scenario: Scenario, seen: dict[str, list[float]]) -> list[tuple[str, str, float]]:
    """Candidate conditions: phases, the calendar ahead, and thresholds at the quartiles of
    what the base runs saw."""
    out: list[tuple[str, str, float]] = [("week", ">=", float(w))
                                         for w in range(2, scenario.weeks + 1)]
    for feature in seen:
        if feature.startswith("ahead:"):
            out += [(feature, "<", 1.0), (feature, "<", 2.0)]
    for feature, op in (("backlog", ">="), ("reputation", "<"), ("fatigue", ">="),
                        ("pace", "<")):
        values = np.array(seen.get(feature, []))
        if values.size and values.max() - values.min() > 1e-6 * max(1.0, abs(values.max())):
            for q in sorted({float(np.round(np.quantile(values, p), 2))
                             for p in (0.25, 0.5, 0.75)}):
                out.append((feature, op, q))
    if any(seen.get("event_live", [])):
        out.append(("event_live", ">=", 1.0))
    return out


def action(base: Hours, duty: str, delta: float, mode: str, cap: float) -> Hours:
    """``base`` with ``delta`` hours moved onto ``duty`` (``shift``: from the others; ``more``:
    as overtime) or off it (``cut``: onto the others); whole hours within the week's cap."""
    hours = dict(base)
    others = [d for d in hours if d != duty]
    total_others = sum(hours[d] for d in others)
    if mode == "more":
        hours[duty] += min(delta, max(0.0, cap - sum(hours.values())))
    elif mode == "shift" and total_others > 0:
        moved = min(delta, total_others)
        for d in others:
            hours[d] -= moved * hours[d] / total_others
        hours[duty] += moved
    elif mode == "cut":
        moved = min(delta, hours[duty])
        hours[duty] -= moved
        for d in others:
            hours[d] += moved / max(1, len(others))
    rounded = {d: float(max(0.0, round(h))) for d, h in hours.items()}
    while sum(rounded.values()) > cap:
        top = max(rounded, key=lambda d: rounded[d])
        rounded[top] -= 1.0
    return tuple(rounded.items())


def adaptive_search(lab: Lab, scenario: Scenario, seeds: Sequence[int], budget: int,
                    base: Candidate, rounds: int = 2) -> AdaptiveResult:
    """Grow a rule table from ``base`` (a constant allocation already run on ``seeds``) with
    ``budget`` candidates over ``rounds`` rounds."""
    assert isinstance(base.policy.decide, FixedHours)
    seeds = list(seeds)
    base_hours = base.policy.decide.hours
    calendar, totals = context_of(scenario)
    seen = observed(scenario, base_hours)
    conds = conditions(scenario, seen)
    ahead = [c for c in conds if c[0].startswith("ahead:")]
    duties = [d for d, _ in base_hours]
    cap = scenario.specialist.max_hours
    rng = np.random.default_rng(zlib.crc32(f"{scenario.id}:adaptive:{budget}".encode()))
    start = RuleTable(base_hours, (), calendar, totals)
    best = Candidate(table_policy(start), base.rows, "adaptive")  # the same runs as the base
    evaluated = [best]
    seen_keys = {start.key}
    rounds = max(1, min(rounds, budget))
    for r in range(rounds):
        count = budget // rounds + (1 if r < budget % rounds else 0)
        current = best.policy.decide
        assert isinstance(current, RuleTable)
        batch: list[Policy] = []
        for _ in range(count * 20):
            if len(batch) >= count:
                break
            # Half the draws from the calendar ahead: the public, time-varying pressure a
            # constant allocation cannot meet (the rest from every condition).
            pool = ahead if ahead and rng.random() < 0.5 else conds
            feature, op, threshold = pool[int(rng.integers(len(pool)))]
            mode = ("shift", "more", "cut")[int(rng.integers(3))]
            hours = action(current.base, duties[int(rng.integers(len(duties)))],
                           DELTAS[int(rng.integers(len(DELTAS)))], mode, cap)
            if hours == current.base:
                continue
            rule = Rule(feature, op, threshold, hours)
            table = RuleTable(current.base, (*current.rules, rule), calendar, totals)
            if table.key not in seen_keys:
                seen_keys.add(table.key)
                batch.append(table_policy(table))
        if not batch:
            break
        rows = lab.run([Job(scenario, p) for p in batch], seeds,
                       label=f"adaptive round {r + 1}/{rounds}")
        found = [Candidate(p, tuple(x), "adaptive") for p, x in zip(batch, rows, strict=True)]
        evaluated += found
        best = max([best, *found], key=lambda c: c.score)
    return AdaptiveResult(best, base, evaluated)


def rounds_for(budget: int) -> int:
    """Rules to grow: one per eight candidates, two to four."""
    return max(2, min(4, math.ceil(budget / 8)))
