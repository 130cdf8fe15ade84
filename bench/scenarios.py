"""Scenarios for the benchmarks, derived in code from the starter scenario.

* :func:`core_scenario` — the starter's funnel (stages, conversions, delays) and its channel,
  with the four required duties present but without effects (no hours, no tickets, no reach),
  no optional duties, calendar, churn, departments or blame targets worth attributing.
* :func:`full_scenario` — the whole starter (every duty, ticket, department, calendar and
  review), with every user count scaled so the channel brings ``users`` over the run.
"""

from typing import Any

from opssim.scenario import Scenario, default_scenario_path, load_scenario
from opssim.sim import HOURS_PER_WEEK


def _starter() -> dict[str, Any]:
    return load_scenario(default_scenario_path()).model_dump(mode="json", by_alias=True)


def _per_week(users: float, weeks: int, n_channels: int) -> float:
    return users / weeks / n_channels


def core_scenario(users: float, weeks: int = 12) -> Scenario:
    """The starter's funnel and channel only; ``users`` arrive over ``weeks``."""
    d = _starter()
    d["weeks"] = weeks
    d["funnel"]["churn"] = None
    for ch in d["channels"]:
        ch["per_week"] = _per_week(users, weeks, len(d["channels"]))
    duties = d["duties"]
    for optional in ("research", "partners", "analysis", "coordination"):
        duties[optional] = None
    duties["copy"]["lifts"] = []
    duties["copy"]["reach"] = None
    duties["copy"]["needs"] = None
    duties["events"]["lifts"] = []
    duties["events"]["spike"] = None
    duties["events"]["needs"] = None
    duties["support"]["tickets"] = []
    duties["ground"]["users"] = {"curve": "saturating", "max": 0, "half_at": 1}
    d["calendar"] = []
    d["plan"] = {}
    d["expect"] = []
    _never_fired(d)
    return Scenario.model_validate(d)


def _never_fired(d: dict[str, Any]) -> None:
    # Misses still happen (and are attributed), but cost no reputation: every run lasts the
    # whole horizon, so the figures compare equal amounts of simulated time. Complaints too:
    # scaled to 1M users they used to get the full starter fired around week 8.
    d["blame"]["reputation"]["lose_per_shortfall_pct"] = 0.0
    d["duties"]["support"]["reputation_per_complaint"] = 0.0


def full_scenario(users: float, weeks: int = 12, luck_runs: int | None = None) -> Scenario:
    """The whole starter; channel, duty reach, storm tickets and KPI targets scaled alike
    (``luck_runs``: luck replications per attributed miss, the starter's when None)."""
    d = _starter()
    if luck_runs is not None:
        d["blame"]["luck_runs"] = luck_runs
    base = sum(ch["per_week"] for ch in d["channels"]) * d["weeks"]
    x = users / base
    d["weeks"] = weeks
    for ch in d["channels"]:
        ch["per_week"] *= x * 12 / weeks
    du = d["duties"]
    if du["copy"].get("reach"):
        du["copy"]["reach"]["users"]["max"] *= x
    if du["events"].get("spike"):
        du["events"]["spike"]["users"] *= x
    du["ground"]["users"]["max"] *= x
    if du.get("partners"):
        du["partners"]["deal"]["users_per_week"] *= x
    for h in d["calendar"]:
        h["tickets"] = h.get("tickets", 0) * x
    for t in d["reviews"]["targets"]:
        for key in ("per_week", "total_by_end"):
            if t.get(key) is not None:
                t[key] *= x
    d["expect"] = []
    _never_fired(d)
    return Scenario.model_validate(d)


def arrivals(engine) -> int:
    """Users who arrived from outside during the run (channels and duties), from the engine."""
    f = engine.funnel
    h = engine.horizon
    total = int(f.entered[0, :, :h].sum())
    for s in range(1, f.n_stages):
        total += int(f.entered[s, :, :h].sum() - f.moves[s - 1, :, :h].sum())
    return total


__all__ = ["HOURS_PER_WEEK", "arrivals", "core_scenario", "full_scenario"]
