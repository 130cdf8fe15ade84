"""Following users one by one through a funnel drawn as counts (only when asked: a slow path).

The funnel keeps users as counts, but each user's numbers are drawn one by one, so it can
report them. A :class:`Tracer` holds every user who is waiting for a decision, by (stage,
segment, decision hour), first in first out, and hands the ``sink`` one call per batch of users
whose fate at a stage is settled::

    sink(stage, segment, entered_at, decided_at, moved)

``entered_at`` and ``decided_at`` are clock hours (floats: a user's place inside the hour is
kept); ``moved`` says who moved on to ``stage + 1``, arriving there at ``decided_at``. Users
whose fate is settled when they enter (churned first, or at the last stage: they stay) are
reported at once, with ``moved`` False; removed users (late tickets) are reported when taken.
Users of one (stage, segment, decision hour) are exchangeable in the engine, so which of them
moved is a fair draw.
"""

from collections import defaultdict, deque
from collections.abc import Callable

import numpy as np

Sink = Callable[[int, int, np.ndarray, np.ndarray, np.ndarray], None]


class Tracer:
    """Users waiting for their decision, and the sink their settled fates go to."""

    def __init__(self, sink: Sink) -> None:
        self.sink = sink
        self._waiting: dict[tuple[int, int, int], deque[tuple[float, float]]] = defaultdict(
            deque)

    def __deepcopy__(self, memo: dict) -> None:
        return None  # a copy of the run (a blame re-run, a look-ahead) is not traced

    def entered(self, stage: int, segment: np.ndarray, entered_at: np.ndarray,
                decides_at: np.ndarray, due_hour: np.ndarray, settled: np.ndarray) -> None:
        """Users entering ``stage``: those ``settled`` already (churn first, or staying at the
        last stage) are reported; the others wait for their decision in ``due_hour``."""
        for g in np.unique(segment):
            mine = segment == g
            done = mine & settled
            if done.any():
                self.sink(stage, int(g), entered_at[done], decides_at[done],
                          np.zeros(int(done.sum()), dtype=bool))
            for e, d, h in zip(entered_at[mine & ~settled], decides_at[mine & ~settled],
                               due_hour[mine & ~settled], strict=True):
                self._waiting[stage, int(g), int(h)].append((float(e), float(d)))

    def decided(self, stage: int, segment: int, hour: int, moved: np.ndarray) -> None:
        """``len(moved)`` users of ``segment`` decided at ``stage`` in ``hour``."""
        self._settle(stage, segment, hour, moved)

    def removed(self, stage: int, segment: int, hour: int, n: int, at: int) -> None:
        """``n`` users waiting to decide in ``hour`` were taken away at clock hour ``at``."""
        self._settle(stage, segment, hour, np.zeros(n, dtype=bool), at)

    def _settle(self, stage: int, segment: int, hour: int, moved: np.ndarray,
                at: float | None = None) -> None:
        queue = self._waiting[stage, segment, hour]
        users = [queue.popleft() for _ in range(min(len(moved), len(queue)))]
        if not users:
            return
        entered = np.array([u[0] for u in users])
        decided = np.full(len(users), float(at)) if at is not None else np.array(
            [u[1] for u in users])
        self.sink(stage, segment, entered, decided, moved[: len(users)])
