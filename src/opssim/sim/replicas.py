"""Replicas: several runs of one scenario from one state, stepped together.

A replica is a fork of a run (:meth:`Engine.fork`) driven through the same weeks with hours
of its own; with a ``run_index`` it meets other luck. Replicas advance in lockstep, midnight
by midnight, and their funnels are drawn together (:class:`~opssim.sim.funnel.FunnelGroup`),
so each numpy call of a draw serves all of them. Each replica's numbers depend only on its
start, its hours and its run index — never on the replicas it is stepped with (the funnel's
luck is keyed per replica, and its draws do not depend on how the hours are cut) — so
stepping them together is purely a matter of speed.
"""

import weakref
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.funnel import FunnelGroup

if TYPE_CHECKING:
    from opssim.sim.engine import Engine


def replicate(start: "Engine", allocations: Sequence[Mapping[str, float]],
              run_indices: Sequence[int | None], root: int | None = None) -> list["Engine"]:
    """One copy of ``start`` per entry of ``run_indices`` (None: the same luck as ``start``;
    an index: the streams of that run index of seed ``root``, by default ``start``'s), each
    driven with ``allocations[i]`` in week ``i`` from ``start``'s week on, to the end of
    the last. The copies judge their reviews without attribution.

    Asked again from the same ``start`` with the same run indices and allocations that
    continue the earlier ones (blame's re-runs of a total from the first hour, review after
    review), the copies made then are stepped on from where they stopped rather than made
    again: the numbers are the same, the weeks already played are not played twice. So read
    what you need from the copies before the next call.
    """
    key = (start.now, tuple(run_indices), root)
    mine = _made.setdefault(start, {})
    found = mine.get(key)
    if found is not None and _continues(found[0], allocations):
        done, twins = found
    else:
        done, twins = [], _fork(start, run_indices, root)
    first = int(start.now) // HOURS_PER_WEEK
    weeks = [(first + i + 1) * HOURS_PER_WEEK for i in range(len(done), len(allocations))]
    todo = list(allocations[len(done):])
    step(twins, weeks, [todo] * len(twins))
    mine[key] = ([dict(a) for a in allocations], twins)
    return twins


#: The copies :func:`replicate` made from each start, by the start's hour, the run indices and
#: their root, with the hours of the weeks they have played.
_made: "weakref.WeakKeyDictionary[Engine, dict[tuple, tuple[list[dict], list[Engine]]]]" = (
    weakref.WeakKeyDictionary())


def _continues(done: Sequence[Mapping[str, float]],
               allocations: Sequence[Mapping[str, float]]) -> bool:
    return len(done) <= len(allocations) and all(
        dict(a) == dict(b) for a, b in zip(done, allocations, strict=False))


def _fork(start: "Engine", run_indices: Sequence[int | None],
          root: int | None) -> list["Engine"]:
    twins = []
    # Several replicas' funnels are views of one block per histogram, filled once.
    views = (FunnelGroup.blocks(start.funnel, len(run_indices), start._drawn_to)
             if len(run_indices) > 1
             else [None] * len(run_indices))
    for index, arrays in zip(run_indices, views, strict=True):
        twin = start.fork(index, arrays, root)
        twin.attribution = False
        twins.append(twin)
    return twins


def step(engines: Sequence["Engine"], weeks: Sequence[int],
         allocations: Sequence[Sequence[Mapping[str, float]]]) -> None:
    """Advance ``engines`` (on one clock, drawn to the same hour) to each week's end in
    ``weeks``, engine ``r`` with ``allocations[r][i]`` in week ``i``: each midnight, every
    engine's events before it, then one draw of all their funnels, then the midnight's own
    events."""
    if len(engines) == 1:  # nothing to share: the lazy draw of one run is cheaper
        for end, hours in zip(weeks, allocations[0], strict=True):
            engines[0].set_allocation(hours)
            engines[0].advance_to(end)
        return
    group = FunnelGroup([e.funnel for e in engines])
    for i, end in enumerate(weeks):
        for e, mine in zip(engines, allocations, strict=True):
            e.set_allocation(mine[i])
        midnight = (int(engines[0].now) // HOURS_PER_DAY + 1) * HOURS_PER_DAY
        for t in range(midnight, end + 1, HOURS_PER_DAY):
            for e in engines:
                e.run_before(t)
            draw_together(engines, group, t)
        for e in engines:
            e.advance_to(end)


def draw_together(engines: Sequence["Engine"], group: FunnelGroup, t: int) -> None:
    """Draw every hour of ``engines`` (whose funnels are ``group``) before ``t``."""
    t0 = engines[0]._drawn_to
    assert all(e._drawn_to == t0 for e in engines), "replicas are drawn to one hour"
    while t0 < t:
        t1 = min(t, (t0 // HOURS_PER_WEEK + 1) * HOURS_PER_WEEK)
        inputs = [e.inputs(t0, t1) for e in engines]
        group.flow(t0, t1, np.stack([a for a, _ in inputs]), np.stack([c for _, c in inputs]))
        for e in engines:
            e.drawn(t0, t1)
        t0 = t1
