"""The boss's review at the end of a week: KPIs against targets, blame, reputation, the end."""

from typing import TYPE_CHECKING

from opssim.model.records import BlameEvent, Dashboard, KpiResult, Review
from opssim.model.reputation import clamp
from opssim.sim.blame import attribute, verdict
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.observe import factors

if TYPE_CHECKING:
    from opssim.sim.engine import Engine


def review(engine: "Engine", week: int) -> None:
    """Review the period ending with ``week`` (1-based), if the schedule has one then."""
    sc = engine.scenario
    engine.weeks_closed = week
    if engine.finished or (week % sc.reviews.every_weeks and week != sc.weeks):
        return
    engine.draw_to(engine.hour)
    end = week * HOURS_PER_WEEK
    results = []
    for kpi in engine.derived.kpis:
        if not kpi.reviewed_at(week, engine.last_review // HOURS_PER_WEEK):
            continue
        actual = kpi.measure(engine.entered, engine.last_review, end)
        goal = kpi.goal(*kpi.counted(engine.last_review, end))
        results.append(KpiResult(kpi.name, kpi.stage, goal, actual))
    engine.last_review = end
    missed = [r for r in results if not r.hit]
    contestable = (not engine.contested_only
                   or engine.evidence >= sc.blame.evidence_to_contest)
    found = (attribute(engine, week, missed, engine.verify_attribution)
             if missed and engine.attribution and engine.period_start is not None
             and contestable else {})
    rule = engine.derived.rule
    blames = []
    for r in results:
        if r.hit:
            engine.reputation = rule.hit(engine.reputation)
            continue
        a = found.get(r.kpi)
        evidence = engine.evidence
        blamed, contested = verdict(engine, week, a)
        delta = rule.miss_delta(r.target, r.actual, blamed)
        engine.reputation = clamp(engine.reputation + delta)
        engine.blame_count += 1
        blames.append(BlameEvent(
            end, week, r.kpi, r.target, r.actual, blamed, round(delta, 6),
            plan_counterfactual=round(a.plan_counterfactual, 6) if a else None,
            execution_counterfactual=round(a.execution_counterfactual, 6) if a else None,
            expected=round(a.expected, 6) if a else None,
            split=a.split if a else (),
            evidence=round(evidence, 6),
            contested=contested,
            parts=tuple((c, round(p.value, 6), round(p.low, 6), round(p.high, 6))
                        for c, p in a.parts) if a else (),
            luck_runs=a.luck_runs if a else 0,
        ))
    engine.log(Review(end, week, tuple(results), round(engine.reputation, 6)))
    noise = engine.noise()
    seen = factors(noise, engine.streams, end // HOURS_PER_DAY, list(engine.stage_ids))
    observed = tuple((r.kpi, round(r.actual * seen[r.stage])) for r in results)
    engine.log(Dashboard(end, week, observed, round(noise, 6)))
    for b in blames:
        engine.log(b)
    if engine.rerun_reputation is not None:
        engine.rerun_reputation = rerun_judged(engine, week, results, engine.rerun_reputation)
    if engine.reputation <= 0:
        end_run(engine, "fired")
    elif week == sc.weeks:
        end_run(engine, "promoted" if promoted(engine) else "kept")
    elif engine.attribution:
        engine.period_start = engine.fork()  # the next period starts here


def rerun_judged(engine: "Engine", week: int, results: list[KpiResult],
                 reputation: float) -> float | None:
    """``reputation`` after this review as a re-run without attribution would judge the same
    results (each miss's verdict drawn from the day's blame stream), or None if fired."""
    rules = engine.scenario.blame
    rule = engine.derived.rule
    rng = None
    for r in results:
        if r.hit:
            reputation = rule.hit(reputation)
            continue
        if rng is None:  # the re-run's stream: fresh at this review, as in verdict()
            rng = engine.streams.fresh("blame", week * HOURS_PER_WEEK // HOURS_PER_DAY)
        blamed = "specialist" if rng.random() < rules.lean_on_specialist else "shared"
        reputation = clamp(reputation + rule.miss_delta(r.target, r.actual, blamed))
    return reputation if reputation > 0 else None


def promoted(engine: "Engine") -> bool:
    """Whether reputation and skills pass the scenario's promotion bar."""
    bar = engine.scenario.blame.promotion
    skills = engine.specialist.skills
    return engine.reputation >= bar.reputation and all(
        skills.get(d, 0.0) >= level for d, level in bar.skills.items()
    )


def end_run(engine: "Engine", outcome: str) -> None:
    """Finish the run with ``outcome``; the engine processes nothing after this."""
    engine.state.end(engine.hour, outcome)
