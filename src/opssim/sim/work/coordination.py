"""Department liaison: the week's chasing shortens other teams' response times."""

from opssim.scenario.schema import CoordinationDuty

from .base import Context, Work


class CoordinationWork(Work[CoordinationDuty]):
    """Holds the week's hours; departments ask :meth:`speedup` when they pick up a request."""

    duty = "coordination"

    def __init__(self, engine: Context, spec: CoordinationDuty) -> None:
        super().__init__(engine, spec)
        self.week_hours = 0.0

    def start_week(self, week: int, hours: float) -> None:
        self.week_hours = hours

    def speedup(self) -> float:
        """Share of response time saved."""
        return min(0.95, self.spec.speedup(self.week_hours) * self.engine.specialist.freshness)
