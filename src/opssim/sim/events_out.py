"""``opssim run --events-out``: a user-level event log of a run, from the funnel's trace.

The funnel keeps users as counts; with ``FunnelState.trace`` set it reports each batch of users
whose fate at a stage is settled — ``sink(stage, segment, entered_at, decided_at, moved)``,
clock hours with the user's place inside the hour (see :mod:`opssim.sim.trace`). This module
turns that into users and events:

* a user who moved on from stage ``s`` reached ``s + 1`` at their ``decided_at`` (or, when the
  engine's fresh place inside the hour put that a few minutes before their arrival at ``s``,
  at that arrival: within the hour, paths never run backwards); a user
  settled at ``s + 1`` (or still waiting there when the run ends) who entered in that hour
  is one of those movers (first come, first matched) or, when none is left, a new user who
  arrived from outside (a channel, a spike);
* every user gets one event per stage reached: ``user_id,event,timestamp,channel``, the
  channel being their segment.

Users of one (stage, segment, hour) are exchangeable in the engine, so the matching loses
nothing. Churn is not in the log (the funnel reports churned users as settled, not moved).
"""

from collections import defaultdict, deque
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

#: Hour 0 of a run in the log (a Monday, UTC).
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class EventsOut:
    """A per-user event log, fed as the funnel's trace sink."""

    def __init__(self, stage_ids: tuple[str, ...], segments: tuple[str, ...], horizon: int
                 ) -> None:
        self.stage_ids, self.segments, self.horizon = stage_ids, segments, horizon
        self.next_id = 0
        # (stage, segment, hour) → (user id, the hour they reached the stage), movers from
        # the stage before, in the order they were reported
        self.arriving: dict[tuple[int, int, int], deque[tuple[int, float]]] = defaultdict(
            deque)
        self.rows: list[tuple[int, int, float, int]] = []  # user, stage, hour, segment

    def __call__(self, stage: int, segment: int, entered_at: np.ndarray,
                 decided_at: np.ndarray, moved: np.ndarray) -> None:
        """Users whose fate at ``stage`` is settled (the funnel's trace sink)."""
        for e, d, m in zip(entered_at.tolist(), decided_at.tolist(), moved.tolist(),
                           strict=True):
            user, at = self._who(stage, segment, e)
            self.rows.append((user, stage, at, segment))
            if m and stage + 1 < len(self.stage_ids) and d < self.horizon:
                # The engine draws a user's place inside the hour anew at each stage, so a
                # decision can fall a few minutes before the arrival this log shows: it is
                # logged at the arrival then (a path never runs backwards; the hour is kept).
                self.arriving[stage + 1, segment, int(d)].append((user, max(d, at)))

    def _who(self, stage: int, segment: int, entered_at: float) -> tuple[int, float]:
        """The user entering ``stage`` at ``entered_at``: a mover due then, else a new one."""
        queue = self.arriving.get((stage, segment, int(entered_at)))
        if queue:
            return queue.popleft()
        self.next_id += 1
        return self.next_id - 1, entered_at

    def finish(self, waiting) -> None:
        """Log the users still waiting for a decision when the run ends: ``waiting`` yields
        ``(stage, segment, entered_at)`` (see ``Tracer.waiting``)."""
        for stage, segment, e in waiting:
            user, at = self._who(stage, segment, e)
            self.rows.append((user, stage, at, segment))

    def write_csv(self, path: Path) -> int:
        """The canonical CSV (``user_id,event,timestamp,channel``) in time order, times to the
        microsecond; returns the number of events."""
        rows = sorted(self.rows, key=lambda r: (r[2], r[0], r[1]))
        with path.open("w", encoding="utf-8", newline="") as f:
            f.write("user_id,event,timestamp,channel\n")
            for user, stage, at, segment in rows:
                stamp = (EPOCH + timedelta(microseconds=round(at * 3.6e9))).strftime(
                    "%Y-%m-%dT%H:%M:%S.%fZ")
                f.write(f"u{user},{self.stage_ids[stage]},{stamp},{self.segments[segment]}\n")
        return len(rows)


def attach(engine: object) -> EventsOut:
    """Hook a new log onto ``engine``'s funnel (before the run starts) and return it."""
    log = EventsOut(engine.stage_ids, engine.segments, engine.horizon)  # type: ignore[attr-defined]
    engine.funnel.trace = log  # type: ignore[attr-defined]
    return log


def finish(engine: object, log: EventsOut) -> None:
    """Add the users the run ended with still waiting (call once, after the run)."""
    tracer = engine.funnel.tracer  # type: ignore[attr-defined]
    if tracer is not None:
        log.finish(tracer.waiting())
