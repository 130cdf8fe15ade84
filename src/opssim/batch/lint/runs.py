"""Runs for the lint: many (policy, seed) pairs boiled down to the few numbers the checks read.

Runs go through :func:`opssim.batch.run_one`; with ``workers > 1`` they are spread over a
process pool (spawn context) in batches, one batch per task, and only the small
:class:`RunStats` come back. The same scenario, policy and seed always give the same stats.
"""

import os
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

from opssim.batch.run import run_one
from opssim.scenario import Scenario

Job = tuple[str, int]


@dataclass(frozen=True)
class RunStats:
    """What one run says about balance.

    ``hits`` maps each KPI to (reviews hit, reviews held); ``kpi`` to its figure (as
    :meth:`opssim.model.kpi.Kpi.figure` defines it: the batch rows' ``kpi_<id>``; None for a
    run fired before the window); ``reached`` each stage to the users who reached it;
    ``blame`` each missed KPI to the signed parts of its misses (plan, luck, execution),
    summed over the run's blame events.
    """

    outcome: str
    reputation: float
    hits: dict[str, tuple[int, int]]
    kpi: dict[str, float | None]
    reached: dict[str, int]
    blame: dict[str, tuple[float, float, float]] = field(default_factory=dict)

    @property
    def won(self) -> bool:
        """Whether the run ended in a promotion."""
        return self.outcome == "promoted"


def stats_of(data: dict[str, Any], scenario: Scenario) -> RunStats:
    """Boil a run summary (``RunSummary.data``) of ``scenario`` down to :class:`RunStats`."""
    hits: dict[str, list[int]] = {}
    values: dict[str, list[float]] = {}
    for week in data["weekly"]:
        for k in week["kpis"]:
            tally = hits.setdefault(k["kpi"], [0, 0])
            if k["reviewed"]:
                tally[0] += bool(k["hit"])
                tally[1] += 1
            values.setdefault(k["kpi"], []).append(float(k["actual"]))
    kpi = {one.name: one.figure(values.get(one.name, [])) for one in scenario.kpis}
    blame: dict[str, tuple[float, float, float]] = {}
    for b in data["blame_events"]:
        if b.get("parts"):
            old = blame.get(b["kpi"], (0.0, 0.0, 0.0))
            new = tuple(b["parts"][c]["value"] for c in ("plan", "luck", "execution"))
            blame[b["kpi"]] = (old[0] + new[0], old[1] + new[1], old[2] + new[2])
    return RunStats(
        outcome=data["outcome"],
        reputation=float(data["reputation"]),
        hits={k: (v[0], v[1]) for k, v in hits.items()},
        kpi=kpi,
        reached={f["stage"]: int(f["reached"]) for f in data["funnel"]},
        blame=blame,
    )


def _run_batch(scenario: Scenario, jobs: list[Job], full: bool = False) -> list[RunStats]:
    return [stats_of(run_one(scenario, seed, spec, contested_only=not full).data, scenario)
            for spec, seed in jobs]


def default_workers() -> int:
    """Worker processes to use: the machine's cores, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


class Runner:
    """Runs (policy, seed) jobs of one scenario, remembering every result.

    Use it as a context manager: the process pool (when ``workers > 1``) starts on the first
    batch that needs it and ends with the ``with`` block.
    """

    def __init__(self, scenario: Scenario, workers: int = 1) -> None:
        self.scenario = scenario
        self.workers = max(1, workers)
        self.done: dict[Job, RunStats] = {}
        self._full: set[Job] = set()  # jobs run with every miss attributed
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> "Runner":
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def run(self, jobs: Iterable[Job], full: bool = False) -> list[RunStats]:
        """Stats of ``jobs`` in order, running those not run before. Runs attribute blame
        only where a miss can be contested (outcomes are the same) unless ``full``: then
        every miss's split is in the stats (``blame``), at many re-runs a miss."""
        jobs = list(jobs)
        todo = list(dict.fromkeys(j for j in jobs
                                  if j not in self.done or (full and j not in self._full)))
        # Seed by seed, so a batch's runs of one seed share their re-runs from the first
        # hour (opssim.sim.blame keeps them per process): the same stats, fewer re-runs.
        todo.sort(key=lambda job: job[1])
        if len(todo) > 1 and self.workers > 1:
            size = -(-len(todo) // (self.workers * 3))
            batches = [todo[i:i + size] for i in range(0, len(todo), size)]
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.workers, mp_context=get_context("spawn"))
            results = self._pool.map(_run_batch, [self.scenario] * len(batches), batches,
                                     [full] * len(batches))
            for batch, stats in zip(batches, results, strict=True):
                self.done.update(zip(batch, stats, strict=True))
        else:
            self.done.update(zip(todo, _run_batch(self.scenario, todo, full), strict=True))
        if full:
            self._full.update(todo)
        return [self.done[j] for j in jobs]
