"""Headless runs and the balancing lab: policies, many runs at once, statistics and reports.

``run_one`` plays one run; the lab (``runner.open_lab``) runs jobs over seeds on a local
process pool or a Dask cluster, streaming one row per run to CSV or Parquet; ``sweep``,
``optimize`` and ``balance`` build on it.
"""

from opssim.batch.policy import Policy, PolicyError, parse_policy
from opssim.batch.run import RunSummary, run_engine, run_one, summarize, versions

__all__ = [
    "Policy",
    "PolicyError",
    "RunSummary",
    "parse_policy",
    "run_engine",
    "run_one",
    "summarize",
    "versions",
]
