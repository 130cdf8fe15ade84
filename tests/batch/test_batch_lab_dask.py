"""The same runs on a real Dask cluster (separate worker processes) give the same rows."""

import pytest

from opssim.batch.executor import open_pool
from opssim.batch.policy import parse_policy
from opssim.batch.rows import columns
from opssim.batch.runner import open_lab
from opssim.batch.tasks import Job, gui_modules
from opssim.scenario import Scenario

distributed = pytest.importorskip("distributed")


def rows_on(scenario: Scenario, **lab_args) -> list[dict]:
    policies = [parse_policy(s, scenario) for s in ("plan", "even")]
    with open_lab(None, columns(scenario), **lab_args) as lab:
        lab.run([Job(scenario, p) for p in policies], range(4))
    return lab.store.rows


def test_a_dask_cluster_gives_the_same_rows(lab_scenario: Scenario, inline_pool) -> None:
    here = rows_on(lab_scenario, pool=inline_pool)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 dashboard_address=None, silence_logs=40) as cluster,
        open_pool(scheduler=cluster.scheduler_address) as pool,
    ):
        assert pool.workers == 2 and "Dask at tcp://" in pool.where
        assert pool.executor.submit(gui_modules).result() == []
        there = rows_on(lab_scenario, pool=pool)
    assert there == here
