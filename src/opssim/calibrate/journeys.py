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
    # np.sort, not np.unique: numpy 2.4's np.unique of plain ints took 100 s on 10M here.
    pairs = np.sort(ev.events.astype(np.int64) * (len(ev.user_names) + 1) + ev.users)
    pairs = pairs[np.concatenate([[True], pairs[1:] != pairs[:-1]])] if len(pairs) else pairs
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
    code_stage = np.full(len(ev.event_names) + 1, -1, dtype=np.int8)  # at most 13 values
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
        seen = np.bincount(ev.events[unnamed], minlength=len(ev.event_names))
        names = sorted(ev.event_names[c] for c in np.flatnonzero(seen))
        more = f", +{len(names) - 5} more" if len(names) > 5 else ""
        dropped.add(f"rows of events the map does not name ({', '.join(names[:5])}{more})",
                    int(unnamed.sum()))
    users, t, chan, codes = ev.users, ev.t_us, ev.channels, ev.events
    if unnamed.any():  # copies only when some rows go
        keep = ~unnamed
        users, stage, t, chan, codes = (a[keep] for a in (users, stage, t, chan, codes))
    del unnamed
    if len(users) == 0:
        raise CalibrationError(f"{ev.source}: no event the map names")
    dropped.add("duplicate rows (same user, event and time)", _duplicates(users, codes, t))

    # Dense users × stages of first times (ufunc.at: no sort of the rows).
    # Users with a stage event, renumbered 0..n-1 (codes are dense: a count, not a sort).
    present = np.bincount(users, minlength=len(ev.user_names)) > 0
    uniq = np.flatnonzero(present)
    u_idx = (np.cumsum(present) - 1)[users]  # int64: it holds (user, stage) cells below
    del present
    start_us = int(t.min())
    first = np.full(len(uniq) * (n_stages + 1), np.iinfo(np.int64).max, dtype=np.int64)
    u_idx *= n_stages + 1  # in place: the (user, stage) cell, then back to the user
    u_idx += stage
    np.minimum.at(first, u_idx, t)
    u_idx -= stage
    u_idx //= n_stages + 1
    first = first.reshape(len(uniq), n_stages + 1)
    never = first == np.iinfo(np.int64).max
    reached = first.astype(np.float64)
    del first
    reached -= start_us
    reached /= US_PER_HOUR
    reached[never] = np.nan
    del never
    churned = reached[:, n_stages].copy()
    reached = reached[:, :n_stages]

    # A user's channel: that of their earliest row with one (the highest code on a tie).
    user_chan = np.full(len(uniq), -1, dtype=np.int64)
    has = chan >= 0
    if has.any():
        earliest = np.full(len(uniq), np.iinfo(np.int64).max, dtype=np.int64)
        if has.all():  # the usual case: no copies
            np.minimum.at(earliest, u_idx, t)
            at_first = t == earliest[u_idx]
        else:
            np.minimum.at(earliest, u_idx[has], t[has])
            at_first = has & (t == earliest[u_idx])
        del earliest
        np.maximum.at(user_chan, u_idx[at_first], chan[at_first].astype(np.int64))
        del at_first
    del u_idx, stage, t, chan, codes, users

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


def _duplicates(users: np.ndarray, codes: np.ndarray, t: np.ndarray) -> int:
    """Rows repeating an earlier row's (user, event, time): one sort of a 64-bit mix of the
    three, then an exact comparison of neighbours with the same mix."""
    mix = users.astype(np.uint64)
    mix *= np.uint64(0x9E3779B97F4A7C15)
    part = codes.astype(np.uint64)
    part *= np.uint64(0xC2B2AE3D27D4EB4F)
    mix ^= part
    part = t.astype(np.uint64)
    part *= np.uint64(0x165667B19E3779F9)
    mix ^= part
    del part
    ranked = np.sort(mix)
    if not (ranked[1:] == ranked[:-1]).any():  # the common case: no row repeats
        return 0
    del ranked
    order = np.argsort(mix)
    mix = mix[order]
    cand = np.flatnonzero(mix[1:] == mix[:-1])
    a, b = order[cand], order[cand + 1]
    same = (users[a] == users[b]) & (codes[a] == codes[b]) & (t[a] == t[b])
    return int(same.sum())


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
    for what, mask in (("users moving backwards through the funnel (a later stage reached "
                        "before an earlier one)", back), ("users skipping a stage", skipped)):
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
    used = np.flatnonzero(np.bincount(user_chan + 1, minlength=len(names_u) + 1)) - 1
    uniq = sorted({names_u[c] for c in used})
    where = {n: i for i, n in enumerate(uniq)}
    lookup = np.array([where.get(n, -1) for n in names_u])
    return uniq, lookup[user_chan]
