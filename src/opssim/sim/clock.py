"""Simulated time: integer hours on a SimPy clock, with days and weeks as the game counts them."""

from typing import Final

import simpy
from simpy.core import URGENT

HOURS_PER_DAY: Final = 24
HOURS_PER_WEEK: Final = 7 * HOURS_PER_DAY


class Urgent(simpy.Event):
    """An event that fires ``delay`` hours from now before any ordinary event at that hour.

    Reviews use it, so a week's review closes the week before the next week's work starts,
    and ``Environment.run(until=week_end)`` (itself urgent, but scheduled later) includes it.
    """

    def __init__(self, env: simpy.Environment, delay: int) -> None:
        super().__init__(env)
        self._ok = True  # triggered on creation, as simpy's own Timeout and Initialize are
        self._value = None
        env.schedule(self, URGENT, delay)
