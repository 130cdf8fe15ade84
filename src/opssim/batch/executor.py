"""Executors: where the runs happen — a local process pool or a Dask cluster.

Both are plain :class:`concurrent.futures.Executor` objects, so the rest of the lab does not
care which it has. The local pool uses the *spawn* start method (no forked state, the same on
every OS) and its workers ignore Ctrl-C: the parent decides what to keep and stops them.
A Dask cluster is reached through ``Client(address).get_executor()``; Dask is an optional
extra (``pip install 'opssim[cluster]'``).
"""

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

#: prctl option: the signal a process gets when its parent dies (linux/prctl.h).
PR_SET_PDEATHSIG = 1

#: Seconds to wait for a Dask scheduler to answer, and for a first worker to join it.
DASK_TIMEOUT = 20.0


class ExecutorError(RuntimeError):
    """The executor cannot be had: Dask missing, the scheduler unreachable, no workers."""


@dataclass
class Pool:
    """An executor with what the lab needs to know about it."""

    executor: Executor
    workers: int
    where: str
    stop_now: Callable[[], None] = field(default=lambda: None)


class InlineExecutor(Executor):
    """Runs each call at once in this process (for tests and debugging; no parallelism)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        """Call ``fn`` now; the future is already done."""
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            future.set_exception(exc)
        return future


def default_jobs() -> int:
    """The number of local workers by default: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def open_pool(jobs: int | None = None, scheduler: str | None = None) -> Iterator[Pool]:
    """A pool of ``jobs`` local worker processes, or the Dask cluster at ``scheduler``."""
    if scheduler:
        with _dask_pool(scheduler) as pool:
            yield pool
        return
    workers = jobs or default_jobs()
    executor = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
    )

    def stop_now() -> None:
        # Python 3.11 has no public way to stop running workers; terminate them directly.
        processes = dict(getattr(executor, "_processes", None) or {})
        executor.shutdown(wait=False, cancel_futures=True)
        for process in processes.values():
            if process.is_alive():
                process.terminate()
        for process in processes.values():
            process.join(timeout=5)

    noun = "process" if workers == 1 else "processes"
    try:
        yield Pool(executor, workers, f"{workers} local {noun}", stop_now)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _worker_init() -> None:
    """In each local worker: leave Ctrl-C to the parent, which stops the pool itself, and
    end when the parent dies (``kill -9`` of a batch leaves no worker running)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()


def die_with_parent(poll: float = 0.5) -> None:
    """End this process when its parent dies: at once on Linux (``PR_SET_PDEATHSIG``), and
    everywhere within ``poll`` seconds (a daemon thread watching the parent's pid)."""
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if parent == 1:  # orphaned already, before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(poll)
        os._exit(1)

    threading.Thread(target=watch, name="opssim-parent-watch", daemon=True).start()


@contextmanager
def _dask_pool(address: str) -> Iterator[Pool]:
    try:
        from distributed import Client
    except ImportError:
        raise ExecutorError(
            "--scheduler needs Dask, which is not installed: pip install 'opssim[cluster]'"
        ) from None
    try:
        client = Client(address, timeout=DASK_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        message = " ".join(str(exc).split())[:200]
        raise ExecutorError(
            f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}: {message})"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=DASK_TIMEOUT)
        except (TimeoutError, OSError):
            raise ExecutorError(
                f"no Dask worker joined the scheduler at {address} within {DASK_TIMEOUT:g} s "
                f"(start one with: dask worker {address})"
            ) from None
        workers = sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values())
        executor = client.get_executor(pure=False)

        def stop_now() -> None:
            executor.shutdown(wait=False)

        yield Pool(executor, max(1, workers), f"Dask at {address} ({workers} threads)", stop_now)
        executor.shutdown(wait=True)
    finally:
        client.close()
