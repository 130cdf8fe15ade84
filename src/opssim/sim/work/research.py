"""User research: points that sharpen the targeting of copy and events."""

from collections.abc import Sequence

from opssim.scenario.schema import ResearchDuty
from opssim.sim.workweek import Block, worked

from .base import Work


class ResearchWork(Work[ResearchDuty]):
    """Hours add research points; the engine reads targeting through :meth:`targeting`."""

    duty = "research"

    def work_day(self, day: int, blocks: Sequence[Block]) -> None:
        speed = self.engine.specialist.speed("research")
        self.engine.state.research_points += self.spec.points_per_hour * worked(blocks) * speed

    def targeting(self, points: float) -> float:
        """Relative boost to copy quality and event effects from ``points``."""
        return self.spec.targeting(points)
