"""Balance: one command that answers a designer's questions about a scenario.

It runs the standard policies (``plan``, ``even``, each ``heavy:DUTY``), searches for the best
constant allocation, the best phased schedule and the best adaptive policy (compared on fresh
seeds, :mod:`opssim.batch.families`), checks which scenario parameters move the plan's win
rate most (each ±20%, one at a time), and leaves in the output folder ``runs.csv`` and
``sensitivity.csv`` (one row per run), PNG charts and ``report.md`` that ties them together.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from opssim.scenario import Scenario, scenario_hash

from .executor import Pool
from .families import DEFAULT_PHASES, Families, compare_families
from .montecarlo import check_resumable
from .optimize import SearchResult, search
from .params import Param, ParamError, apply, parse_param, resolve
from .policy import parse_policy
from .rows import PARAM_PREFIX, Row, columns
from .runner import Lab, open_lab
from .sweep import Point, Sensitivity, base_values, design, sensitivity

#: Relative change of each parameter in the tornado.
TORNADO_STEP = 0.2


@dataclass
class BalanceResult:
    """Everything the report shows."""

    scenario: Scenario
    seeds: list[int]
    search: SearchResult
    params: list[Param]
    points: list[Point]
    point_rows: list[list[Row]]
    ranking: list[Sensitivity]
    dropped: list[str]
    families: Families | None = None


def default_tornado_paths(scenario: Scenario) -> list[str]:
    """The parameters a designer tunes most: arrivals, conversions, targets, reputation rules,
    contract hours and the budget."""
    paths = [f"channels.{c.id}.per_week" for c in scenario.channels]
    paths += [f"funnel.stages.{s.id}.convert" for s in scenario.funnel.stages[1:]]
    for t in scenario.reviews.targets:
        field = "per_week" if t.per_week is not None else "total_by_end"
        paths.append(f"reviews.targets.{t.kpi}.{field}")
    paths += ["blame.reputation.start", "blame.reputation.lose_per_shortfall_pct",
              "blame.reputation.gain_per_hit", "blame.promotion.reputation",
              "specialist.contract_hours"]
    if scenario.company.budget is not None:
        paths.append("company.budget")
    return paths


def tornado_params(scenario: Scenario, step: float = TORNADO_STEP,
                   chosen: Sequence[str] | None = None) -> tuple[list[Param], list[str]]:
    """The tornado's parameters, each at -step and +step of its value: ``chosen`` (``--param``
    PATH, or PATH=V1,V2,... for values of one's own), else :func:`default_tornado_paths`.

    Levels the schema refuses (a conversion above 1) are left out and listed in the second
    return value; a chosen path that names no number raises :class:`ParamError`.
    """
    params: list[Param] = []
    dropped: list[str] = []
    for spec in chosen if chosen else default_tornado_paths(scenario):
        if "=" in spec:
            param = parse_param(spec, scenario, scenario.plan_hours())
            apply_each(scenario, param)
            params.append(param)
            continue
        where, base, integer = resolve(scenario, spec)
        if not base:
            if chosen:
                raise ParamError(f"--param {spec}: its value is {base}: give values as "
                                 f"{spec}=V1,V2,...")
            continue
        values = []
        for factor in (1 - step, 1 + step):
            v = round(base * factor) if integer else round(base * factor, 6)
            if v == base or v in values:
                continue
            candidate = Param(spec, (v,), base, integer, where)
            try:
                apply(scenario, [candidate], [v])
            except ParamError:
                dropped.append(f"{spec}={v:g}")
                continue
            values.append(v)
        if values:
            params.append(Param(spec, tuple(values), base, integer, where))
    if chosen and not params:
        raise ParamError(f"--param: none of {', '.join(chosen)} can move ±{step:.0%}: "
                         f"{', '.join(dropped)} are refused")
    return params, dropped


def apply_each(scenario: Scenario, param: Param) -> None:
    """Check that the scenario takes each of ``param``'s values (raises ParamError)."""
    for v in param.values:
        apply(scenario, [param], [v])


def run_balance(
    scenario: Scenario,
    seeds: Sequence[int],
    out_dir: Path,
    *,
    budget: int = 16,
    phases: int = DEFAULT_PHASES,
    sensitivity_seeds: Sequence[int] | None = None,
    resume: bool = False,
    pool: Pool,
    chosen_params: Sequence[str] | None = None,
) -> BalanceResult:
    """Run everything the report needs on ``pool``, streaming rows into ``out_dir``; the
    tornado varies ``chosen_params`` (``--param`` specs) when given, else the usual ones."""
    seeds = list(seeds)
    sens_seeds = list(sensitivity_seeds if sensitivity_seeds is not None else seeds)
    params, dropped = tornado_params(scenario, chosen=chosen_params)
    plan = parse_policy("plan", scenario)
    points = design(scenario, plan, params, "oat")
    sens_columns = columns(scenario, [p.path for p in params])
    with open_lab(out_dir / "runs.csv", columns(scenario), resume=resume, pool=pool) as lab:
        # The search makes its own policies and hold-out seeds: the scenario is checked.
        check_resumable(lab.store, [scenario_hash(scenario)])
        found = search(lab, scenario, seeds, budget, 1, holdout=True)
        families = compare_families(lab, scenario, seeds, budget, phases, constant=found)
        with open_lab(out_dir / "sensitivity.csv", sens_columns, resume=resume,
                      pool=pool) as sens_lab:
            check_resumable(sens_lab.store, {pt.job.scenario_hash for pt in points},
                            [plan.spec], sens_seeds)
            _reuse_base(sens_lab, lab, params, sens_seeds)
            point_rows = sens_lab.run([pt.job for pt in points], sens_seeds,
                                      label="sensitivity")
    ranking = sensitivity(params, points, point_rows, "oat")
    return BalanceResult(scenario, seeds, found, params, points, point_rows, ranking, dropped,
                         families)


def _reuse_base(sens_lab: Lab, lab: Lab, params: Sequence[Param], seeds: Sequence[int]) -> None:
    """The tornado's base point is the plan itself: copy its runs instead of redoing them."""
    done = sens_lab.store.done()
    base = dict(zip((PARAM_PREFIX + p.path for p in params), base_values(params), strict=True))
    wanted = set(seeds)
    rows = [{**r, **base} for r in lab.store.rows
            if r["policy"] == "plan" and r["seed"] in wanted
            and (r["scenario_hash"], "plan", r["seed"]) not in done]
    if rows:
        sens_lab.store.add(rows)
