"""The base of a duty's mechanism, and what it may use of the engine."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np

from opssim.sim.workweek import Block

if TYPE_CHECKING:
    from opssim.sim.engine import Engine

Spec = TypeVar("Spec")


class Work(Generic[Spec]):
    """What hours on one duty do. The engine calls :meth:`start_week` at each week's start
    and :meth:`work_day` each day with the duty's working blocks that day (none on a day off)."""

    duty: str = ""

    def __init__(self, engine: "Engine", spec: Spec) -> None:
        self.engine = engine
        self.spec = spec
        #: Relative conversion lift this work gives each stage now.
        self.lift = np.zeros(len(engine.stage_ids))

    def start_week(self, week: int, hours: float) -> None:
        """The week begins with ``hours`` on this duty."""

    def work_day(self, day: int, blocks: Sequence[Block]) -> None:
        """A day's work: ``blocks`` of this duty, in clock order."""
