"""The lab: runs jobs over seeds on a pool, streams rows to a store, shows a progress bar.

Every command of the balancing lab (batch, sweep, optimize, balance) goes through
:func:`open_lab`: a store opened first (so a bad ``--out`` fails before any work), then the
executor; on success the store is finished (sorted, written atomically), on any failure or
Ctrl-C the workers are stopped and every finished row is already on disk.
"""

from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from .executor import Pool, open_pool
from .rows import Kind, Row, key_of
from .store import RowStore
from .tasks import Job, Task, chunk_size, make_tasks, run_task


class LabError(RuntimeError):
    """The runs could not all be done (a worker died); the finished ones are saved."""


class Lab:
    """Runs :class:`Job` objects over seeds on ``pool``, keeping every row in ``store``."""

    def __init__(self, pool: Pool, store: RowStore, console: Console | None = None) -> None:
        self.pool = pool
        self.store = store
        self.console = console or Console(stderr=True)
        self._rank: dict[tuple[str, str], int] = {}
        self.ran = 0

    def run(self, jobs: Sequence[Job], seeds: Sequence[int], label: str = "runs"
            ) -> list[list[Row]]:
        """Run every job on every seed (skipping runs the store has); rows per job, by seed."""
        seeds = list(seeds)
        keyed = [(job, job.scenario_hash, job.policy.spec) for job in jobs]
        for _, h, spec in keyed:
            self._rank.setdefault((h, spec), len(self._rank))
        done = self.store.done()
        todo = []
        for job, h, spec in keyed:
            missing = [s for s in seeds if (h, spec, s) not in done]
            if missing:
                todo.append((job, missing))
                done.update((h, spec, s) for s in missing)  # the same job twice runs once
        total = sum(len(m) for _, m in todo)
        if total:
            size = chunk_size(total, self.pool.workers)
            self._execute(list(make_tasks(todo, size)), total, label)
        index = {key_of(r): r for r in self.store.rows}
        return [[index[(h, spec, s)] for s in seeds] for _, h, spec in keyed]

    def order(self, row: Row) -> tuple[int, int]:
        """Sort key of a row: jobs in the order first run, then seed."""
        rank = self._rank.get((row["scenario_hash"], row["policy"]), len(self._rank))
        return (rank, int(row["seed"]))

    def _execute(self, tasks: list[Task], total: int, label: str) -> None:
        submit = self.pool.executor.submit
        with _progress(self.console) as progress:
            bar = progress.add_task(label, total=total)
            pending: set[Future] = {submit(run_task, t) for t in tasks}
            collected: set[Future] = set()
            try:
                while pending:
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        rows = future.result()
                        collected.add(future)
                        self.store.add(rows)
                        self.ran += len(rows)
                        progress.advance(bar, len(rows))
            except BrokenProcessPool:
                self._salvage(pending, collected)
                raise LabError(
                    "a worker process died (killed, or out of memory?)"
                ) from None
            except BaseException:
                self._salvage(pending, collected)
                raise

    def _salvage(self, futures: set[Future], collected: set[Future]) -> None:
        """Keep the rows of tasks that finished but were not collected yet."""
        for future in futures:
            if future in collected or not future.done() or future.cancelled():
                continue
            if future.exception() is None:
                self.store.add(future.result())
        self.pool.stop_now()


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
    )


@contextmanager
def open_lab(
    out: Path | None,
    columns: dict[str, Kind],
    *,
    resume: bool = False,
    jobs: int | None = None,
    scheduler: str | None = None,
    console: Console | None = None,
    pool: Pool | None = None,
) -> Iterator[Lab]:
    """A :class:`Lab` writing to ``out`` (CSV or Parquet; ``None``: memory only).

    ``pool`` replaces the executor (tests pass an in-process one).
    """
    store = RowStore(out, columns, resume=resume)
    try:
        if pool is not None:
            lab = Lab(pool, store, console)
            try:
                yield lab
            except BaseException:
                pool.stop_now()
                raise
        else:
            with open_pool(jobs, scheduler) as opened:
                lab = Lab(opened, store, console)
                try:
                    yield lab
                except BaseException:
                    opened.stop_now()
                    raise
    except BaseException:
        store.close()
        raise
    store.finish(lab.order)


def saved_note(lab_or_store: Any) -> str:
    """``'12 runs are saved in out.csv'`` for an interruption message."""
    store = getattr(lab_or_store, "store", lab_or_store)
    if store.path is None:
        return "nothing was saved (no --out)"
    return f"{len(store.rows)} runs are saved in {store.path}: add --resume to go on"
