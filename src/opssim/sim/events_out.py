"""``opssim run --events-out``: a user-level event log of a run, from the funnel's trace.

The funnel draws users as counts; with ``FunnelState.trace`` set it also reports, for every
batch it draws at a stage, each user's entry hour, decision hour and whether they move on.
This module turns that into users: an entrant at stage ``s + 1``, segment ``g``, hour ``h``
is one of the movers of stage ``s`` decided at ``h`` (first come, first matched), or a new user
(an arrival from outside: a channel, a spike) when no mover is left. Movers never matched were
taken away after the draw (churn, tickets lost): they left. Users of one (stage, segment,
hour) are exchangeable in the engine, so the matching loses nothing. Times are whole hours
(the engine's resolution); churn is not in the log.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

#: Hour 0 of a run in the log (a Monday, UTC).
EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


class _Muted:
    """What a copy of the engine traces into (attribution re-runs): nothing."""

    def __call__(self, *args: object) -> None:
        return None


class EventsOut:
    """A per-user event log built from ``FunnelState.trace`` calls (the writer is the hook)."""

    def __init__(self, stage_ids: tuple[str, ...], segments: tuple[str, ...], horizon: int
                 ) -> None:
        self.stage_ids, self.segments, self.horizon = stage_ids, segments, horizon
        self.next_id = 0
        # (stage, segment, hour) → ids of movers from the stage before, in trace order
        self.pending: dict[tuple[int, int, int], list[np.ndarray]] = defaultdict(list)
        self.rows: list[tuple[np.ndarray, int, np.ndarray, int]] = []  # ids, stage, hours, seg

    def __deepcopy__(self, memo: dict) -> _Muted:
        return _Muted()

    def __call__(self, stage: int, segment: int, entered_at: np.ndarray,
                 decided_at: np.ndarray, moved: np.ndarray) -> None:
        """One batch: who entered ``stage`` when, and which of them move on when."""
        ids = np.empty(len(entered_at), dtype=np.int64)
        order = np.argsort(entered_at, kind="stable")
        hours, starts, counts = np.unique(entered_at[order], return_index=True,
                                          return_counts=True)
        for h, a, n in zip(hours.astype(np.int64), starts, counts, strict=True):
            movers = self.pending.pop((stage, segment, int(h)), [])
            known = np.concatenate(movers)[:n] if movers else np.zeros(0, dtype=np.int64)
            fresh = np.arange(self.next_id, self.next_id + n - len(known))
            self.next_id += len(fresh)
            ids[order[a:a + n]] = np.concatenate([known, fresh])
        self.rows.append((ids, stage, entered_at.astype(np.int64), segment))
        go = moved & (decided_at < self.horizon)
        if go.any() and stage + 1 < len(self.stage_ids):
            dec = decided_at[go].astype(np.int64)
            who = ids[go]
            o = np.argsort(dec, kind="stable")
            dh, ds = np.unique(dec[o], return_index=True)
            for h, part in zip(dh, np.split(who[o], ds[1:]), strict=True):
                self.pending[(stage + 1, segment, int(h))].append(part)

    def write_csv(self, path: Path) -> int:
        """The canonical CSV (``user_id,event,timestamp,channel``), in time order; returns
        the number of events. Events at the horizon or later did not happen in the run."""
        ids = np.concatenate([r[0] for r in self.rows]) if self.rows else np.zeros(0, int)
        stage = np.concatenate([np.full(len(r[0]), r[1]) for r in self.rows]) if self.rows \
            else np.zeros(0, int)
        hour = np.concatenate([r[2] for r in self.rows]) if self.rows else np.zeros(0, int)
        seg = np.concatenate([np.full(len(r[0]), r[3]) for r in self.rows]) if self.rows \
            else np.zeros(0, int)
        keep = hour < self.horizon
        ids, stage, hour, seg = ids[keep], stage[keep], hour[keep], seg[keep]
        order = np.lexsort((stage, ids, hour))
        stamps = [(EPOCH + timedelta(hours=int(h))).strftime("%Y-%m-%dT%H:%M:%SZ")
                  for h in range(self.horizon)]
        with path.open("w", encoding="utf-8", newline="") as f:
            f.write("user_id,event,timestamp,channel\n")
            for i in order:
                f.write(f"u{ids[i]},{self.stage_ids[stage[i]]},{stamps[hour[i]]},"
                        f"{self.segments[seg[i]]}\n")
        return len(order)


def attach(engine: object) -> EventsOut:
    """Hook a new log onto ``engine``'s funnel (before the run starts) and return it."""
    log = EventsOut(engine.stage_ids, engine.segments, engine.horizon)  # type: ignore[attr-defined]
    engine.funnel.trace = log  # type: ignore[attr-defined]
    return log


__all__ = ["EPOCH", "EventsOut", "attach"]
