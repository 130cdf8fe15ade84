"""One headless run, from scenario and seed to an immutable summary."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from opssim.model.records import BlameEvent, Dashboard, Flow, Review, WeekStarted
from opssim.scenario import Scenario, scenario_hash
from opssim.sim import HOURS_PER_WEEK, Engine
from opssim.sim.record import versions

from .policy import Policy, decide_week, incident_chooser, parse_policy


@dataclass(frozen=True)
class RunSummary:
    """The result of one run: everything ``opssim run --json`` prints (picklable, JSON-ready)."""

    data: dict[str, Any]

    @property
    def outcome(self) -> str:
        """``promoted``, ``kept`` or ``fired``."""
        return self.data["outcome"]


def run_one(scenario: Scenario, seed: int, policy: str | Policy = "plan", *,
            contested_only: bool = False) -> RunSummary:
    """Run ``scenario`` from ``seed`` to the end under ``policy`` (a SPEC or a Policy);
    ``contested_only``: attribute misses only when they can be contested (the same outcome,
    blame events without a split otherwise: ``Engine``)."""
    policy = parse_policy(policy, scenario) if isinstance(policy, str) else policy
    engine = run_engine(scenario, seed, policy, contested_only=contested_only)
    return RunSummary(summarize(engine, policy.spec))


def run_engine(
    scenario: Scenario,
    seed: int,
    policy: Policy,
    on_week: Callable[[Engine], None] | None = None,
    on_start: Callable[[Engine], None] | None = None,
    *,
    contested_only: bool = False,
) -> Engine:
    """Play ``scenario`` headless under ``policy``, week by week; return the finished engine.

    ``on_start(engine)`` is called once before the first hour (to hook a trace on, say).

    ``on_week(engine)`` is called after each week played (after its review). A policy that
    raises or returns hours the week cannot hold stops the run with a :class:`PolicyError`;
    so does one whose ``choose`` fails on an incident card.
    """
    engine = Engine(scenario, seed=seed, contested_only=contested_only)
    if on_start is not None:
        on_start(engine)
    decide = policy.start(seed)  # a bot this process cannot import or create: PolicyError
    engine.incidents.chooser = incident_chooser(decide, policy.spec, seed, policy.time_limit)
    for week in range(scenario.weeks):
        if engine.finished:
            break
        hours = decide_week(decide, engine.snapshot(), scenario, policy.spec, seed,
                            policy.time_limit)
        engine.set_allocation(hours)
        engine.advance_to((week + 1) * HOURS_PER_WEEK)
        if on_week is not None:
            on_week(engine)
    return engine


def summarize(engine: Engine, policy: str) -> dict[str, Any]:
    """The JSON-friendly summary of a finished (or fired) run."""
    sc = engine.scenario
    snap = engine.truth()
    allocations = {r.week: dict(r.allocation) for r in engine.events if isinstance(r, WeekStarted)}
    reviews = {r.week: r for r in engine.events if isinstance(r, Review)}
    dashboards = {r.week: r for r in engine.events if isinstance(r, Dashboard)}
    weeks_run = len(allocations)
    weekly = []
    for w in range(weeks_run):
        review = reviews.get(w + 1)
        checked = {r.kpi: r for r in review.results} if review else {}
        kpis = []
        for t, kpi in zip(sc.reviews.targets, sc.kpis, strict=True):
            result = checked.get(t.kpi)
            kpis.append({
                "kpi": t.kpi,
                "stage": t.stage,
                "per_week": kpi.weekly,
                "actual": kpi.value(engine.entered(t.stage, *kpi.week_span(w + 1))),
                "target": kpi.amount,
                "reviewed": result is not None,
                "hit": result.hit if result else None,
            })
        seen = dashboards.get(w + 1)
        weekly.append({
            "week": w + 1,
            "allocation": allocations[w],
            "kpis": kpis,
            "observed": dict(seen.observed) if seen else {},
            "noise": seen.noise if seen else None,
        })
    blame = [
        {"week": r.week, "kpi": r.kpi, "target": r.target, "actual": r.actual,
         "plan_counterfactual": r.plan_counterfactual,
         "execution_counterfactual": r.execution_counterfactual,
         "expected": r.expected,
         "split": dict(r.split) or None,
         "parts": {c: {"value": v, "interval": [lo, hi]} for c, v, lo, hi in r.parts} or None,
         "luck_runs": r.luck_runs,
         "evidence": r.evidence, "contested": r.contested,
         "verdict": r.verdict, "reputation_delta": r.reputation_delta}
        for r in engine.events if isinstance(r, BlameEvent)
    ]
    return {
        "scenario": sc.id,
        "scenario_hash": scenario_hash(sc),
        "seed": engine.seed,
        "policy": policy,
        "weeks": sc.weeks,
        "weeks_played": weeks_run,
        "funnel": [{"stage": s.id, "reached": s.reached, "now": s.now, "dropped": s.dropped}
                   for s in snap.stages],
        "weekly": weekly,
        "support": {"tickets": snap.support.arrived, "answered": snap.support.answered,
                    "late": snap.support.late, "waiting": snap.support.waiting,
                    "users_lost": snap.support.users_lost,
                    "complaints": snap.support.complaints},
        "specialist": {"fatigue": round(snap.fatigue, 6),
                       "skills": {d: round(v, 6) for d, v in snap.skills},
                       "evidence": round(snap.evidence, 6),
                       "research_points": round(snap.research_points, 6)},
        "budget_left": None if snap.budget is None else round(snap.budget, 6),
        "log": [r.to_dict() for r in engine.events
                if not isinstance(r, Flow | Review | Dashboard | BlameEvent | WeekStarted)],
        "blame_events": blame,
        "reputation": round(engine.reputation, 6),
        "outcome": engine.outcome,
        "versions": versions(),
    }
