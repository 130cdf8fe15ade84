"""Strategy search: the allocation (hours per duty, constant or per phase) that wins most.

The search is a cross-entropy method. Each candidate is, per phase of the scenario (its weeks
cut into equal parts), a total of hours and the shares of it per duty. A round samples
candidates around the current best ones (shares from a Dirichlet, totals from a normal), runs
each on the *same* seeds as every other candidate — common random numbers, so differences
between candidates are differences of strategy, not of luck — and narrows the sampling onto
the elite (the best fifth by win rate, then mean final reputation). The standard policies
(``plan``, ``even``, each ``heavy:DUTY``) are evaluated too and seed the first elite.

A policy that puts at least :data:`DOMINANT_SHARE` of its hours on one duty and wins within
the best policy's confidence interval is reported as a possibly dominant strategy: a design
smell, since one lever should not beat a balanced week.
"""

import json
import math
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from opssim.scenario import Scenario

from .policy import FixedHours, Policy, Schedule, parse_policy
from .rows import Row
from .runner import Lab
from .schedule import format_hours, format_schedule
from .stats import Estimate, mean_ci, paired_difference, wilson
from .tasks import Job

#: A policy this concentrated on one duty is checked for dominance.
DOMINANT_SHARE = 0.7

#: Hours are rounded to this step, so SPECs stay readable.
STEP = 1.0


@dataclass(frozen=True)
class Candidate:
    """A policy and how it did on the search seeds."""

    policy: Policy
    rows: tuple[Row, ...]
    origin: str  # "plan", "even", "heavy", "search"

    @property
    def spec(self) -> str:
        """The policy's reusable SPEC."""
        return self.policy.spec

    @property
    def win(self) -> Estimate:
        """Win rate (promoted) with its Wilson interval."""
        return wilson(sum(r["outcome"] == "promoted" for r in self.rows), len(self.rows))

    @property
    def reputation(self) -> Estimate:
        """Mean final reputation with its t interval."""
        return mean_ci(r["reputation"] for r in self.rows)

    @property
    def score(self) -> tuple[float, float]:
        """What the search maximizes: win rate, then mean final reputation."""
        return (self.win.value, self.reputation.value)

    def wins(self) -> list[float]:
        """1.0 per promoted run, 0.0 otherwise, in seed order."""
        return [1.0 if r["outcome"] == "promoted" else 0.0 for r in self.rows]

    @property
    def weeks(self) -> int:
        """The scenario's length in weeks (from the runs)."""
        return len(json.loads(self.rows[0]["weekly"])["reputation"]) if self.rows else 1

    @property
    def focus(self) -> tuple[str, float]:
        """The duty with the largest share of all hours worked, and that share."""
        return hours_focus(self.policy, self.weeks)


@dataclass
class SearchResult:
    """The best policy found, the standard policies, and everything evaluated."""

    best: Candidate
    plan: Candidate
    even: Candidate
    heavy: list[Candidate]
    evaluated: list[Candidate]
    seeds: list[int]
    dominant: list[Candidate] = field(default_factory=list)
    holdout: dict[str, Candidate] = field(default_factory=dict)

    def versus(self, other: Candidate) -> Estimate:
        """Best minus ``other`` in win rate, paired over the same seeds (95% t interval)."""
        return paired_difference(self.best.wins(), other.wins())


def mean_hours(policy: Policy, weeks: int) -> dict[str, float]:
    """Average weekly hours per duty of a constant or scheduled policy (empty for bots)."""
    rule = policy.decide
    if isinstance(rule, FixedHours):
        return dict(rule.hours)
    totals: dict[str, float] = {}
    if isinstance(rule, Schedule):
        weeks = max(weeks, 1)
        ends = [w for w, _ in rule.phases[1:]] + [weeks + 1]
        for (start, hours), end in zip(rule.phases, ends, strict=True):
            span = max(0, min(end, weeks + 1) - start)
            for d, h in hours:
                totals[d] = totals.get(d, 0.0) + h * span / weeks
    return totals


def hours_focus(policy: Policy, weeks: int) -> tuple[str, float]:
    """The duty that gets the largest share of a constant or scheduled policy's hours."""
    totals = mean_hours(policy, weeks)
    total = sum(totals.values())
    if total <= 0:
        return ("", 0.0)
    duty = max(totals, key=lambda d: totals[d])
    return duty, totals[duty] / total


def standard_policies(scenario: Scenario) -> list[Policy]:
    """``plan``, ``even`` and ``heavy:DUTY`` for each duty the player allocates."""
    specs = ["plan", "even", *(f"heavy:{d}" for d in scenario.duty_ids)]
    return [parse_policy(s, scenario) for s in specs]


def phase_starts(weeks: int, phases: int) -> list[int]:
    """First week (1-based) of each of ``phases`` equal parts of ``weeks``."""
    phases = max(1, min(phases, weeks))
    return sorted({1 + (i * weeks) // phases for i in range(phases)})


class Sampler:
    """The search distribution: per phase, Dirichlet shares over duties and a normal total."""

    def __init__(self, scenario: Scenario, starts: list[int], seed: int) -> None:
        self.duties = list(scenario.duty_ids)
        self.starts = starts
        self.contract = scenario.specialist.contract_hours
        self.cap = scenario.specialist.max_hours
        n, p = len(self.duties), len(starts)
        self.mean = np.full((p, n), 1.0 / n)
        self.concentration = float(n)  # Dirichlet alpha sum: 1 per duty, wide at first
        self.total_mean = np.full(p, self.contract)
        self.total_sd = np.full(p, max(1.0, (self.cap - self.contract) / 2))
        self.rng = np.random.default_rng(seed)

    def sample(self) -> list[dict[str, float]]:
        """Hours per duty for each phase."""
        phases = []
        for i in range(len(self.starts)):
            alpha = np.maximum(self.mean[i] * self.concentration, 0.05)
            shares = self.rng.dirichlet(alpha)
            total = float(np.clip(self.rng.normal(self.total_mean[i], self.total_sd[i]),
                                  self.contract / 2, self.cap))
            phases.append(self._round(shares * total))
        return phases

    def _round(self, hours: np.ndarray) -> dict[str, float]:
        h = np.round(hours / STEP) * STEP
        while h.sum() > self.cap + 1e-9:
            h[int(np.argmax(h))] -= STEP
        return {d: float(v) for d, v in zip(self.duties, h, strict=True)}

    def fit(self, elite: Sequence[list[dict[str, float]]], round_no: int) -> None:
        """Move the distribution onto ``elite`` and narrow it."""
        n = len(self.duties)
        for i in range(len(self.starts)):
            hours = np.array([[e[i].get(d, 0.0) for d in self.duties] for e in elite])
            totals = hours.sum(axis=1)
            shares = hours / np.maximum(totals[:, None], 1e-9)
            self.mean[i] = 0.9 * shares.mean(axis=0) + 0.1 / n
            self.total_mean[i] = float(totals.mean())
            self.total_sd[i] = max(1.0 if round_no else 4.0, float(totals.std()))
        self.concentration = float(n) * 4.0 * 2.0**round_no


def phases_of(policy: Policy, starts: list[int]) -> list[dict[str, float]]:
    """A constant or scheduled policy's hours in each search phase."""
    rule = policy.decide
    out = []
    for start in starts:
        if isinstance(rule, FixedHours):
            out.append(dict(rule.hours))
        elif isinstance(rule, Schedule):
            current = rule.phases[0][1]
            for w, hours in rule.phases:
                if w <= start:
                    current = hours
            out.append(dict(current))
    return out


def make_policy(phases: list[dict[str, float]], starts: list[int], scenario: Scenario
                ) -> Policy:
    """The policy of one candidate: ``fixed:...`` for one phase, ``schedule:...`` else."""
    merged: list[tuple[int, dict[str, float]]] = []
    for start, hours in zip(starts, phases, strict=True):
        if not merged or merged[-1][1] != hours:
            merged.append((start, hours))
    if len(merged) == 1:
        return parse_policy("fixed:" + format_hours(merged[0][1]), scenario)
    return parse_policy("schedule:" + format_schedule(merged), scenario)


def search(
    lab: Lab,
    scenario: Scenario,
    seeds: Sequence[int],
    budget: int,
    phases: int = 1,
    holdout: bool = True,
) -> SearchResult:
    """Search ``budget`` candidate allocations on ``seeds``; compare with the standard ones."""
    seeds = list(seeds)
    starts = phase_starts(scenario.weeks, phases)
    standard = standard_policies(scenario)
    rows = lab.run([Job(scenario, p) for p in standard], seeds, label="standard policies")
    evaluated = [
        Candidate(p, tuple(r), p.spec.partition(":")[0])
        for p, r in zip(standard, rows, strict=True)
    ]
    seen = {c.spec for c in evaluated}
    seed = zlib.crc32(f"{scenario.id}:{len(seeds)}:{seeds[0] if seeds else 0}:"
                      f"{budget}:{phases}".encode())
    sampler = Sampler(scenario, starts, seed)
    rounds = max(1, min(5, math.ceil(budget / 6)))
    per_round = [budget // rounds + (1 if i < budget % rounds else 0) for i in range(rounds)]
    for round_no, count in enumerate(per_round):
        elite = _elite(evaluated)
        sampler.fit([phases_of(c.policy, starts) for c in elite], round_no)
        batch: list[Policy] = []
        tries = 0
        while len(batch) < count and tries < count * 50:
            tries += 1
            policy = make_policy(sampler.sample(), starts, scenario)
            if policy.spec not in seen:
                seen.add(policy.spec)
                batch.append(policy)
        if not batch:
            break
        results = lab.run([Job(scenario, p) for p in batch], seeds,
                          label=f"search round {round_no + 1}/{rounds}")
        evaluated += [Candidate(p, tuple(r), "search")
                      for p, r in zip(batch, results, strict=True)]
    best = max(evaluated, key=lambda c: c.score)
    by_spec = {c.spec: c for c in evaluated}
    result = SearchResult(
        best=best, plan=by_spec["plan"], even=by_spec["even"],
        heavy=[c for c in evaluated if c.origin == "heavy"], evaluated=evaluated, seeds=seeds,
    )
    result.dominant = dominant(result)
    if holdout and seeds:
        fresh = list(range(max(seeds) + 1, max(seeds) + 1 + len(seeds)))
        chosen = _unique([best.policy, by_spec["plan"].policy, by_spec["even"].policy])
        held = lab.run([Job(scenario, p) for p in chosen], fresh, label="fresh seeds")
        result.holdout = {p.spec: Candidate(p, tuple(r), "holdout")
                          for p, r in zip(chosen, held, strict=True)}
    return result


def dominant(result: SearchResult) -> list[Candidate]:
    """Single-duty-heavy policies (≥ 70% of hours on one duty) within the best's interval."""
    best = result.best
    if best.win.value <= 0:
        return []
    out = [c for c in result.evaluated
           if c.focus[1] >= DOMINANT_SHARE - 1e-9 and c.win.value >= best.win.low]
    return sorted(out, key=lambda c: c.score, reverse=True)


def _elite(evaluated: Sequence[Candidate]) -> list[Candidate]:
    ranked = sorted(evaluated, key=lambda c: c.score, reverse=True)
    return ranked[: max(2, math.ceil(0.2 * len(ranked)))]


def _unique(policies: list[Policy]) -> list[Policy]:
    out: list[Policy] = []
    for p in policies:
        if all(p.spec != q.spec for q in out):
            out.append(p)
    return out
