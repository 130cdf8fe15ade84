"""Tasks: the picklable unit of work sent to a worker — one scenario, one policy, many seeds.

Seeds travel in batches (a task runs several seeds) so a worker's start-up and the pickling
of the scenario are paid once per batch, not once per run.
"""

import math
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import zip_longest

from opssim.scenario import Scenario, scenario_hash

from .policy import Policy
from .rows import Row, run_row

#: Most seeds in one task: a lost task (a killed worker) never costs more than this.
MAX_CHUNK = 8


@dataclass(frozen=True)
class Job:
    """One design point: a scenario (maybe with swept parameters) under one policy."""

    scenario: Scenario
    policy: Policy
    params: tuple[tuple[str, float], ...] = ()

    @property
    def scenario_hash(self) -> str:
        """The hash of this job's scenario, as its rows record it."""
        return scenario_hash(self.scenario)


@dataclass(frozen=True)
class Task:
    """Seeds to run for one job: what a worker receives."""

    job: Job
    seeds: tuple[int, ...]


def run_task(task: Task) -> list[Row]:
    """Run every seed of ``task``; a pure, top-level function, so any executor can call it."""
    job = task.job
    params = dict(job.params)
    return [run_row(job.scenario, seed, job.policy, params) for seed in task.seeds]


def chunk_size(runs: int, workers: int) -> int:
    """Seeds per task: about eight tasks per worker, at most :data:`MAX_CHUNK` seeds each."""
    return max(1, min(MAX_CHUNK, math.ceil(runs / max(1, workers * 8))))


def make_tasks(work: Iterable[tuple[Job, list[int]]], size: int) -> Iterator[Task]:
    """Cut each job's seeds into tasks of at most ``size`` seeds, in rounds: every job's
    first seeds, then every job's next ones. So the policies of one seed run close together,
    and a worker reuses the blame re-runs they share (``opssim.sim.blame``)."""
    cut = [[Task(job, tuple(seeds[i:i + size])) for i in range(0, len(seeds), size)]
           for job, seeds in work]
    for tasks in zip_longest(*cut):
        yield from (t for t in tasks if t is not None)


def gui_modules() -> list[str]:
    """GUI modules loaded in this process (a worker should have none)."""
    return sorted(m for m in sys.modules if m.split(".")[0] in ("pygame", "pygame_gui")
                  or m.startswith("opssim.render"))
