"""Executors: a spawn process pool gives the same rows as one process; workers never load
pygame; a dead worker or Ctrl-C keeps every finished row, and resuming completes the file."""

import csv
import sys
from pathlib import Path

import pytest

from opssim.batch.executor import ExecutorError, open_pool
from opssim.batch.policy import parse_policy
from opssim.batch.rows import columns, key_of
from opssim.batch.runner import LabError, open_lab
from opssim.batch.tasks import Job, Task, chunk_size, gui_modules, make_tasks, run_task
from opssim.scenario import Scenario

SPECS = ("plan", "heavy:copy")


def run_all(scenario: Scenario, seeds: range, **lab_args) -> list[dict]:
    policies = [parse_policy(s, scenario) for s in SPECS]
    with open_lab(None, columns(scenario), **lab_args) as lab:
        lab.run([Job(scenario, p) for p in policies], seeds)
    return lab.store.rows


def test_tasks_carry_batches_of_seeds(lab_scenario: Scenario) -> None:
    assert chunk_size(100, 2) == 7 and chunk_size(3, 2) == 1 and chunk_size(10_000, 2) == 8
    job = Job(lab_scenario, parse_policy("plan", lab_scenario))
    tasks = list(make_tasks([(job, list(range(10)))], 4))
    assert [t.seeds for t in tasks] == [(0, 1, 2, 3), (4, 5, 6, 7), (8, 9)]
    rows = run_task(Task(job, (5, 6)))
    assert [r["seed"] for r in rows] == [5, 6]


def test_a_process_pool_gives_the_same_rows_as_one_process(lab_scenario: Scenario,
                                                           inline_pool) -> None:
    here = run_all(lab_scenario, range(5), pool=inline_pool)
    with open_pool(jobs=2) as pool:
        assert pool.workers == 2 and "2 local processes" in pool.where
        assert pool.executor.submit(gui_modules).result() == [], "workers never load pygame"
        there = run_all(lab_scenario, range(5), pool=pool)
    assert there == here
    assert len({key_of(r) for r in here}) == 10


def test_no_dask_means_a_one_line_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ExecutorError, match=r"pip install 'opssim\[cluster\]'"), \
            open_pool(scheduler="tcp://127.0.0.1:8786"):
        pass


def seeds_in(path: Path) -> list[int]:
    return sorted(int(r["seed"]) for r in csv.DictReader(path.open()))


def test_a_dead_worker_keeps_finished_rows_and_resume_completes(
    lab_scenario: Scenario, tmp_path: Path, bot_module, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot_module("lab_bot_kill", '''
import os

def decide(snapshot):
    if snapshot.week == 1 and os.path.exists(os.environ["LAB_KILL_FLAG"]):
        os.remove(os.environ["LAB_KILL_FLAG"])   # only once: the resumed batch survives
        os._exit(9)
    return {"copy": 20, "support": 10}
''')
    flag = tmp_path / "kill-once"
    monkeypatch.setenv("LAB_KILL_FLAG", str(flag))
    out = tmp_path / "runs.csv"
    policy = parse_policy("lab_bot_kill:decide", lab_scenario)
    job = Job(lab_scenario, policy)
    with open_pool(jobs=1) as pool:
        with open_lab(out, columns(lab_scenario), pool=pool) as lab:
            lab.run([job], range(3))  # three runs finish first
        flag.write_text("x")
        with pytest.raises(LabError, match="worker process died"), \
                open_lab(out, columns(lab_scenario), resume=True, pool=pool) as lab:
            lab.run([job], range(8))
    kept = seeds_in(out)
    assert kept[:3] == [0, 1, 2] and len(kept) == len(set(kept)) < 8
    with open_pool(jobs=1) as pool, \
            open_lab(out, columns(lab_scenario), resume=True, pool=pool) as lab:
        lab.run([job], range(8))
    assert seeds_in(out) == list(range(8)), "complete, no duplicates"
    assert [int(r["seed"]) for r in csv.DictReader(out.open())] == list(range(8)), "sorted"
