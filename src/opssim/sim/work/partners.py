"""Market cooperation: a weekly chance to sign a partner who brings a channel for some weeks."""

from collections.abc import Sequence

from opssim.model.records import PartnerEnded, PartnerSigned
from opssim.scenario.schema import PartnersDuty
from opssim.sim.clock import HOURS_PER_WEEK
from opssim.sim.workweek import Block

from .base import Context, Work


class PartnersWork(Work[PartnersDuty]):
    """At each week's last day the week's negotiation hours get one chance to sign."""

    duty = "partners"

    def __init__(self, engine: Context, spec: PartnersDuty) -> None:
        super().__init__(engine, spec)
        self.week_hours = 0.0
        self.active = 0

    def start_week(self, week: int, hours: float) -> None:
        self.week_hours = hours

    def view(self, now: int) -> dict[str, int]:
        return {"partners_active": self.active}

    def work_day(self, day: int, blocks: Sequence[Block]) -> None:
        if day % 7 != 6 or self.week_hours <= 0:
            return
        e = self.engine
        chance = min(1.0, self.spec.chance(self.week_hours) * e.specialist.freshness)
        if e.streams.get("partners", day).random() < chance and e.state.spend(self.spec.deal.cost):
            self._sign()

    def _sign(self) -> None:
        e, deal = self.engine, self.spec.deal
        e.sync()
        self.active += 1
        e.set_rate("partners", self.active * deal.users_per_week / HOURS_PER_WEEK)
        weeks = deal.weeks * HOURS_PER_WEEK
        e.log(PartnerSigned(e.hour, e.hour + weeks, deal.users_per_week))
        e.agenda.schedule(weeks, "partners", "_end")

    def _end(self) -> None:
        e, deal = self.engine, self.spec.deal
        e.sync()
        self.active -= 1
        e.set_rate("partners", self.active * deal.users_per_week / HOURS_PER_WEEK)
        e.log(PartnerEnded(e.hour))
