"""Data analysis: clearer dashboards and evidence, once the data team's export is in."""

from collections.abc import Sequence

from opssim.model.records import AnalysisReady
from opssim.scenario.schema import AnalysisDuty
from opssim.sim.workweek import Block, worked

from .base import Context, Work


class AnalysisWork(Work[AnalysisDuty]):
    """The week's analysis counts once its export arrives (at once when none is needed):
    banked evidence is credited and the dashboard noise drops for the rest of the week."""

    duty = "analysis"

    def __init__(self, engine: Context, spec: AnalysisDuty) -> None:
        super().__init__(engine, spec)
        self.week_hours = 0.0
        self.ready = False
        self.banked = 0.0
        self.sd = spec.noise.sd_without
        self._week = -1

    def start_week(self, week: int, hours: float) -> None:
        self.week_hours, self.ready, self.banked = hours, False, 0.0
        self.sd = self.spec.noise.sd_without
        self._week = week
        if hours <= 0:
            return
        if self.spec.needs is None:
            self._ready()
        else:
            then = ("analysis", "_export", (week,))
            self.engine.departments.request(self.spec.needs.department, "analysis", then)

    def _export(self, week: int) -> None:
        if week == self._week:  # an export for a past week is too late to count
            self._ready()

    def _ready(self) -> None:
        e = self.engine
        self.ready = True
        self.sd = self.spec.noise.sd_without * (1 - self.spec.noise.reduction(self.week_hours))
        e.state.evidence += self.banked
        e.log(AnalysisReady(e.hour, round(self.banked, 6), round(self.sd, 6)))
        self.banked = 0.0

    def work_day(self, day: int, blocks: Sequence[Block]) -> None:
        points = (self.spec.evidence_per_hour * worked(blocks)
                  * self.engine.specialist.speed("analysis"))
        if self.ready:
            self.engine.state.evidence += points
        else:
            self.banked += points

    def noise(self) -> float:
        """The dashboard's noise: lower once this week's analysis is ready."""
        return self.sd
