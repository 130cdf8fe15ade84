"""The base of a duty's mechanism, and what it may use of the engine."""

from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np

if TYPE_CHECKING:
    from opssim.sim.engine import Engine

Spec = TypeVar("Spec")


class Work(Generic[Spec]):
    """What hours on one duty do. The engine calls :meth:`start_week` at each week's start
    and :meth:`work_day` each day with that day's hours (a seventh of the week's)."""

    duty: str = ""

    def __init__(self, engine: "Engine", spec: Spec) -> None:
        self.engine = engine
        self.spec = spec
        #: Relative conversion lift this work gives each stage now.
        self.lift = np.zeros(len(engine.stage_ids))

    def start_week(self, week: int, hours: float) -> None:
        """The week begins with ``hours`` on this duty."""

    def work_day(self, day: int, hours: float) -> None:
        """A day's work of ``hours``."""


def units_finished(progress: float, hours: float, each: float) -> tuple[list[int], float]:
    """Spread a day's ``hours`` over units of ``each`` hours after ``progress`` hours already
    done; return the hour offsets (0–23) at which units finish, and the new progress."""
    offsets: list[int] = []
    worked = 0.0
    while hours > 0 and progress + (hours - worked) >= each:
        worked += each - progress
        progress = 0.0
        offsets.append(min(23, int(24 * worked / hours)))
    return offsets, progress + hours - worked
