"""From events to journeys: for each user, the hour they first reached each stage.

Rows that repeat (user, event, time) count once; users whose path is not a funnel path
(a stage reached before the one before it, or a stage skipped) are left out, counted.
"""

from dataclasses import dataclass

import numpy as np

from opssim.calibrate.errors import CalibrationError, Dropped
from opssim.calibrate.events import US_PER_HOUR, Events
from opssim.calibrate.mapping import FunnelMap, as_id

NO_CHANNEL = "unknown"


@dataclass
class Journeys:
    """Users × stages: ``reached[u, s]`` is the hour (since ``start_us``) user ``u`` first
    reached stage ``s`` (NaN: never). ``entry[u]`` is the stage they arrived at,
    ``channel[u]`` an index into ``channel_ids``; ``churned[u]`` the hour they left the last
    stage (NaN: did not, or no churn events). ``end_h`` is where the data ends."""

    stage_ids: list[str]
    labels: list[str]
    channel_ids: list[str]
    reached: np.ndarray
    entry: np.ndarray
    channel: np.ndarray
    churned: np.ndarray
    start_us: int
    end_h: float
    resolution_h: float
    window_h: float | None
    has_churn: bool
    dropped: Dropped

    @property
    def n_users(self) -> int:
        return len(self.entry)


def users_per_event(ev: Events) -> dict[str, int]:
    """How many distinct users have each event name."""
    pairs = np.unique(ev.events.astype(np.int64) * (len(ev.user_names) + 1) + ev.users)
    counts = np.bincount(pairs // (len(ev.user_names) + 1), minlength=len(ev.event_names))
    return {name: int(counts[i]) for i, name in enumerate(ev.event_names) if counts[i]}


def resolution_hours(t_us: np.ndarray) -> float:
    """The coarsest of an hour, a minute, a second and a µs that divides every time."""
    for unit in (US_PER_HOUR, 60_000_000, 1_000_000):
        if not np.any(t_us % unit):
            return unit / US_PER_HOUR
    return 1 / US_PER_HOUR


def build(ev: Events, fmap: FunnelMap) -> Journeys:
    """Journeys of every user with a stage event; the tally of what was left out in
    ``dropped`` (shared with the events')."""
    dropped = ev.dropped or Dropped()
    if len(ev) == 0:
        raise CalibrationError(f"{ev.source}: no events")
    end_us = int(ev.t_us.max())
    n_stages = len(fmap.stages)
    code_stage = np.full(len(ev.event_names) + 1, -1, dtype=np.int64)
    index = {name: i for i, name in enumerate(ev.event_names)}
    for s, stage in enumerate(fmap.stages):
        for name in stage.events:
            if name in index:
                code_stage[index[name]] = s
    churn_code = n_stages  # churn rows get the stage index past the last
    for name in fmap.churn_events:
        if name in index:
            code_stage[index[name]] = churn_code
    stage = code_stage[ev.events]
    unnamed = stage < 0
    if unnamed.any():
        names = sorted({ev.event_names[c] for c in np.unique(ev.events[unnamed])})
        more = f", +{len(names) - 5} more" if len(names) > 5 else ""
        dropped.add(f"rows of events the map does not name ({', '.join(names[:5])}{more})",
                    int(unnamed.sum()))
    keep = ~unnamed
    users, stage, t = ev.users[keep], stage[keep], ev.t_us[keep]
    chan, codes = ev.channels[keep], ev.events[keep]

    # One sort by (user, stage, time, event): duplicates are neighbours, firsts lead a group.
    order = np.lexsort((codes, t, stage, users))
    users, stage, t, chan, codes = (a[order] for a in (users, stage, t, chan, codes))
    same = (users[1:] == users[:-1]) & (stage[1:] == stage[:-1])
    dup = same & (t[1:] == t[:-1]) & (codes[1:] == codes[:-1])
    dropped.add("duplicate rows (same user, event and time)", int(dup.sum()))
    first = np.concatenate([[True], ~same])
    u_first, s_first, t_first = users[first], stage[first], t[first]

    # Dense users × stages; users renumbered to those with a stage event.
    uniq, u_idx = np.unique(u_first, return_inverse=True)
    start_us = int(t_first.min())
    hours = (t_first - start_us) / US_PER_HOUR
    reached = np.full((len(uniq), n_stages + 1), np.nan)
    reached[u_idx, s_first] = hours
    churned = reached[:, n_stages].copy()
    reached = reached[:, :n_stages]

    # A user's channel: the first channel seen on any of their rows, in time order.
    user_chan = np.full(len(uniq), -1, dtype=np.int64)
    has = chan >= 0
    if has.any():
        o = np.lexsort((t[has], users[has]))
        cu, cc = users[has][o], chan[has][o]
        firsts = np.concatenate([[True], cu[1:] != cu[:-1]])
        user_chan[np.searchsorted(uniq, cu[firsts])] = cc[firsts]

    ok = _check_paths(reached, ev, uniq, dropped)
    if churned[ok].size and np.isfinite(churned).any():
        last = reached[:, -1]
        orphan = np.isfinite(churned) & (np.isnan(last) | (churned < last))
        dropped.add("churn events of users not at the last stage then (ignored)",
                    int((orphan & ok).sum()))
        churned[orphan] = np.nan
    reached, churned, user_chan = reached[ok], churned[ok], user_chan[ok]
    if len(reached) == 0:
        raise CalibrationError(f"{ev.source}: no user has a funnel path to fit")
    entry = np.argmax(np.isfinite(reached), axis=1)
    for s, st in enumerate(fmap.stages):
        if not np.isfinite(reached[:, s]).any():
            raise CalibrationError(f"stage {st.id!r}: no user reached it (events "
                                   f"{', '.join(st.events)}): an empty stage cannot be fitted")
    channel_ids, channel = _channels(ev, fmap, user_chan)
    return Journeys(
        stage_ids=[s.id for s in fmap.stages],
        labels=[s.label or s.id for s in fmap.stages],
        channel_ids=channel_ids, reached=reached, entry=entry, channel=channel,
        churned=churned, start_us=start_us, end_h=(end_us - start_us) / US_PER_HOUR,
        resolution_h=resolution_hours(ev.t_us),
        window_h=fmap.window_days * 24 if fmap.window_days else None,
        has_churn=bool(fmap.churn_events), dropped=dropped,
    )


def _check_paths(reached: np.ndarray, ev: Events, users: np.ndarray, dropped: Dropped
                 ) -> np.ndarray:
    """Users whose stages, from the one they arrived at to the last they reached, are all
    reached and in time order."""
    got = np.isfinite(reached)
    n = reached.shape[1]
    first = np.argmax(got, axis=1)
    last = n - 1 - np.argmax(got[:, ::-1], axis=1)
    col = np.arange(n)[None, :]
    inside = (col >= first[:, None]) & (col <= last[:, None])
    skipped = (inside & ~got).any(axis=1)
    filled = np.where(got, reached, np.inf)
    back = np.zeros(len(reached), dtype=bool)
    for s in range(n - 1):  # a later stage reached before an earlier one
        back |= got[:, s] & got[:, s + 1] & (reached[:, s + 1] < filled[:, s])
    back &= ~skipped
    for what, mask in (("users moving backwards through the funnel (a stage before the one "
                        "before it)", back), ("users skipping a stage", skipped)):
        if mask.any():
            dropped.add(what, int(mask.sum()), f"user {ev.user_names[users[np.argmax(mask)]]}")
    return ~(skipped | back)


def _channels(ev: Events, fmap: FunnelMap, user_chan: np.ndarray
              ) -> tuple[list[str], np.ndarray]:
    """Scenario channel ids, and each user's index into them."""
    if not ev.channel_names:
        return ["all"], np.zeros(len(user_chan), dtype=np.int64)
    taken: set[str] = set()
    if fmap.channels:
        ids = sorted(set(fmap.channels.values()))
        taken.update(ids)
        names = [fmap.channels.get(n, "other") for n in ev.channel_names]
    else:
        names = [as_id(n, taken) for n in ev.channel_names]
    names_u = [*names, NO_CHANNEL]
    uniq = sorted(set(names_u[c] for c in np.unique(user_chan)))
    where = {n: i for i, n in enumerate(uniq)}
    lookup = np.array([where.get(n, -1) for n in names_u])
    return uniq, lookup[user_chan]
