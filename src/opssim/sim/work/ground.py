"""Ground promotion: local users while the flyers are handed out, survey points for research,
and tiredness."""

from collections.abc import Sequence

from opssim.scenario.schema import GroundDuty
from opssim.sim.workweek import Block, coverage, worked

from .base import Work


class GroundWork(Work[GroundDuty]):
    """Each day's affordable blocks bring local, lower-intent users in while they are worked:
    the week's hours give the curve's users per week, spread over the hours worked."""

    duty = "ground"

    def work_day(self, day: int, blocks: Sequence[Block]) -> None:
        e, spec = self.engine, self.spec
        hours = worked(blocks)
        if hours <= 0:
            return
        if spec.cost_per_hour > 0:
            paid = min(hours, e.state.affordable(spec.cost_per_hour))
            e.state.spend(paid * spec.cost_per_hour)
            if paid < hours:
                blocks, hours = _first(blocks, paid), paid
        days = e.scenario.specialist.workweek.days
        weekly = spec.users(hours * days) * e.specialist.freshness
        per_hour_worked = weekly / (hours * days) if hours > 0 else 0.0
        e.sync()
        e.set_rate("ground", per_hour_worked)
        e.set_cover("ground", coverage(blocks, e.hour, e.horizon))
        e.state.research_points += spec.research_points_per_hour * hours


def _first(blocks: Sequence[Block], hours: float) -> list[Block]:
    """The first ``hours`` of ``blocks``."""
    out = []
    for b in blocks:
        if hours <= 0:
            break
        out.append(Block(b.duty, b.start, min(b.end, b.start + hours)))
        hours -= b.hours
    return out
