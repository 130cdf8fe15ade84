"""Benchmark: runs per second of the starter scenario at 1 and 2 local workers.

    python bench/bench_batch.py            # 40 runs per measurement
    python bench/bench_batch.py --quick    # 8 runs (or QUICK=1 in the environment)
    python bench/bench_batch.py --runs 100 --workers 1 2 4

Each measurement starts a fresh spawn pool, warms every worker up with one run (imports,
first allocations), then times the batch alone; parallel efficiency is the speed-up over one
worker divided by the number of workers. Not part of the test suite.
"""

import argparse
import os
import time

from rich.console import Console
from rich.progress import Progress

from opssim.batch.executor import open_pool
from opssim.batch.policy import parse_policy
from opssim.batch.rows import columns
from opssim.batch.runner import Lab
from opssim.batch.store import RowStore
from opssim.batch.tasks import Job, Task, run_task
from opssim.scenario import default_scenario_path, load_scenario

QUIET = Console(quiet=True)


def measure(workers: int, runs: int) -> float:
    """Runs per second with ``workers`` warm local processes."""
    scenario = load_scenario(default_scenario_path())
    job = Job(scenario, parse_policy("plan", scenario))
    with open_pool(jobs=workers) as pool:
        warm = [pool.executor.submit(run_task, Task(job, (10_000 + i,)))
                for i in range(workers)]
        for future in warm:
            future.result()
        lab = Lab(pool, RowStore(None, columns(scenario)), QUIET)
        start = time.perf_counter()
        lab.run([job], range(runs))
        elapsed = time.perf_counter() - start
    return runs / elapsed


def main() -> None:
    """Measure and print runs/s per worker count and the parallel efficiency."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="8 runs per measurement")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    quick = args.quick or os.environ.get("QUICK", "") not in ("", "0")
    runs = args.runs or (8 if quick else 40)
    print(f"starter scenario, policy plan, {runs} runs per measurement, "
          f"{os.cpu_count()} cores{' (quick)' if quick else ''}")
    rates: dict[int, float] = {}
    with Progress(transient=True) as progress:
        task = progress.add_task("measuring", total=len(args.workers))
        for w in args.workers:
            rates[w] = measure(w, runs)
            progress.advance(task)
    base = rates[min(rates)] / min(rates)
    for w, rate in rates.items():
        efficiency = rate / (base * w)
        print(f"{w} worker{'s' if w > 1 else ' '}: {rate:6.2f} runs/s "
              f"({1 / rate * w:5.3f} s per run per worker), parallel efficiency "
              f"{100 * efficiency:5.1f}%")


if __name__ == "__main__":
    main()
