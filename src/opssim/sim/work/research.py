"""User research: points that sharpen the targeting of copy and events."""

from opssim.scenario.schema import ResearchDuty

from .base import Work


class ResearchWork(Work[ResearchDuty]):
    """Hours add research points; the engine reads targeting through :meth:`targeting`."""

    duty = "research"

    def work_day(self, day: int, hours: float) -> None:
        speed = self.engine.specialist.speed("research")
        self.engine.research_points += self.spec.points_per_hour * hours * speed

    def targeting(self, points: float) -> float:
        """Relative boost to copy quality and event effects from ``points``."""
        return self.spec.targeting(points)
