"""Rows: one flat record per run, the unit that batches stream to CSV or Parquet.

A row holds who ran (scenario, its hash, policy, seed, swept parameters), how it ended
(outcome, reputation, blame count and the signed parts of the misses summed: ``blame_plan``,
``blame_luck``, ``blame_execution``), each target KPI (``kpi_<id>``: its figure as
:meth:`opssim.model.kpi.Kpi.figure` defines it; ``hits_<id>``: reviews hit), the users
who reached each stage, a few side figures, the ``weekly`` series as JSON (KPI actuals and
reputation per week, for fan charts) and the versions the numbers depend on.
"""

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from opssim.scenario import Scenario
from opssim.sim import Engine

from .policy import Policy
from .run import run_engine, summarize, versions

Kind = Literal["str", "int", "float"]
Row = dict[str, Any]

#: The key that identifies a run: no two rows of a file share it.
KEY = ("scenario_hash", "policy", "seed")

#: The signed parts of a miss (fair blame), each summed over a run's blame events in the row's
#: ``blame_<part>`` column: together they are the run's total shortfall.
BLAME_PARTS = ("plan", "luck", "execution")

#: Outcomes, best first.
OUTCOMES = ("promoted", "kept", "fired")

PARAM_PREFIX = "param."


def columns(scenario: Scenario, params: Sequence[str] = ()) -> dict[str, Kind]:
    """The row columns (name → kind) of runs of ``scenario``, in file order."""
    cols: dict[str, Kind] = {
        "scenario": "str", "scenario_hash": "str", "policy": "str", "seed": "int",
    }
    cols.update({PARAM_PREFIX + p: "float" for p in params})
    cols.update({"outcome": "str", "weeks_played": "int", "reputation": "float",
                 "blame_count": "int"})
    cols.update({f"blame_{c}": "float" for c in BLAME_PARTS})
    for t in scenario.reviews.targets:
        cols[f"kpi_{t.kpi}"] = "float"
        cols[f"hits_{t.kpi}"] = "int"
    for s in scenario.funnel.stages:
        cols[f"reached_{s.id}"] = "int"
    cols.update({"complaints": "int", "tickets_late": "int", "users_lost": "int",
                 "budget_left": "float", "fatigue": "float", "evidence": "float",
                 "weekly": "str"})
    cols.update({f"{name}_version": "str" for name in versions()})
    return cols


def kpi_columns(scenario: Scenario) -> list[str]:
    """The ``kpi_<id>`` columns, in the scenario's target order."""
    return [f"kpi_{t.kpi}" for t in scenario.reviews.targets]


def run_row(
    scenario: Scenario, seed: int, policy: Policy, params: Mapping[str, float] | None = None
) -> Row:
    """Run ``scenario`` from ``seed`` under ``policy`` and flatten the result into a row."""
    reputation: list[float] = []

    def record(engine: Engine) -> None:
        reputation.append(round(engine.reputation, 6))

    engine = run_engine(scenario, seed, policy, on_week=record)
    data = summarize(engine, policy.spec)
    return row_from_summary(scenario, data, reputation, params or {})


def row_from_summary(
    scenario: Scenario, data: Mapping[str, Any], reputation: Sequence[float],
    params: Mapping[str, float],
) -> Row:
    """The row of one run from its :func:`~opssim.batch.run.summarize` data."""
    row: Row = {
        "scenario": data["scenario"],
        "scenario_hash": data["scenario_hash"],
        "policy": data["policy"],
        "seed": data["seed"],
    }
    row.update({PARAM_PREFIX + p: float(v) for p, v in params.items()})
    row.update({
        "outcome": data["outcome"],
        "weeks_played": data["weeks_played"],
        "reputation": data["reputation"],
        "blame_count": len(data["blame_events"]),
    })
    for part in BLAME_PARTS:
        row[f"blame_{part}"] = round(sum(b["parts"][part]["value"] for b in data["blame_events"]
                                         if b.get("parts")), 6)
    weekly: dict[str, list[float | None]] = {}
    for i, kpi in enumerate(scenario.kpis):
        series = [w["kpis"][i] for w in data["weekly"]]
        weekly[kpi.name] = [k["actual"] for k in series]
        value = kpi.figure(weekly[kpi.name])
        row[f"kpi_{kpi.name}"] = None if value is None else float(value)
        row[f"hits_{kpi.name}"] = sum(1 for k in series if k["hit"])
    for stage in data["funnel"]:
        row[f"reached_{stage['stage']}"] = stage["reached"]
    support = data["support"]
    row.update({
        "complaints": support["complaints"],
        "tickets_late": support["late"],
        "users_lost": support["users_lost"],
        "budget_left": data["budget_left"],
        "fatigue": data["specialist"]["fatigue"],
        "evidence": data["specialist"]["evidence"],
    })
    weekly["reputation"] = list(reputation)
    row["weekly"] = json.dumps(weekly, separators=(",", ":"))
    row.update({f"{name}_version": v for name, v in data["versions"].items()})
    return row


def key_of(row: Mapping[str, Any]) -> tuple[str, str, int]:
    """The run's identity: scenario hash, policy SPEC and seed."""
    return (str(row["scenario_hash"]), str(row["policy"]), int(row["seed"]))


def weekly_series(row: Mapping[str, Any], name: str, weeks: int) -> list[float]:
    """Week-by-week values of ``name`` (a KPI id or ``reputation``), padded to ``weeks``.

    A fired run's KPIs stop (NaN) after its last week; its reputation stays at the last value.
    """
    series = json.loads(row["weekly"]).get(name, [])
    values = [math.nan if v is None else float(v) for v in series][:weeks]
    pad = values[-1] if (name == "reputation" and values) else math.nan
    return values + [pad] * (weeks - len(values))
