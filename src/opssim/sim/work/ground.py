"""Ground promotion: local users at once, survey points for research, and tiredness."""

from opssim.scenario.schema import GroundDuty
from opssim.sim.clock import HOURS_PER_WEEK

from .base import Work


class GroundWork(Work[GroundDuty]):
    """Each day's affordable hours set the day's flow of local, lower-intent users."""

    duty = "ground"

    def work_day(self, day: int, hours: float) -> None:
        e, spec = self.engine, self.spec
        if spec.cost_per_hour > 0 and hours > 0:
            hours = min(hours, e.affordable(spec.cost_per_hour))
            e.spend(hours * spec.cost_per_hour)
        weekly = spec.users(hours * 7) * e.specialist.freshness
        e.set_rate("ground", weekly / HOURS_PER_WEEK)
        e.research_points += spec.research_points_per_hour * hours
