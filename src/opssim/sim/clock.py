"""Simulated time: integer hours on a SimPy clock, with days and weeks as the game counts them."""

from typing import Final

HOURS_PER_DAY: Final = 24
HOURS_PER_WEEK: Final = 7 * HOURS_PER_DAY
