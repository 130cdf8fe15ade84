"""Replicas: several runs of one scenario from one state, stepped together.

A replica is a fork of a run (:meth:`Engine.fork`) driven through the same weeks with hours
of its own; with a ``run_index`` it meets other luck. Each replica's numbers depend only on
its start, its hours and its run index — never on the replicas it is stepped with — so
stepping them together is purely a matter of speed.
"""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from opssim.sim.clock import HOURS_PER_WEEK

if TYPE_CHECKING:
    from opssim.sim.engine import Engine


def replicate(start: "Engine", allocations: Sequence[Mapping[str, float]],
              run_indices: Sequence[int | None]) -> list["Engine"]:
    """One finished copy of ``start`` per entry of ``run_indices`` (None: the same luck as
    ``start``), each driven with ``allocations[i]`` in week ``i`` from ``start``'s week on.
    The copies judge their reviews without attribution."""
    twins = []
    for index in run_indices:
        twin = start.fork(index)
        twin.attribution = False
        twins.append(twin)
    first = int(start.now) // HOURS_PER_WEEK
    for i, hours in enumerate(allocations):
        end = (first + i + 1) * HOURS_PER_WEEK
        for twin in twins:
            twin.set_allocation(hours)
            twin.advance_to(end)
    return twins
