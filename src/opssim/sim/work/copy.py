"""Copywriting: pieces of random quality that lift conversion and bring users until stale."""

from collections.abc import Sequence

import numpy as np

from opssim.model.records import PiecePublished, PieceStale
from opssim.scenario.schema import CopyDuty
from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.workweek import Block, finishing

from .base import Context, Work


class CopyWork(Work[CopyDuty]):
    """Hours become pieces; live pieces, weighted by quality, drive the lifts and the reach."""

    duty = "copy"

    def __init__(self, engine: Context, spec: CopyDuty) -> None:
        super().__init__(engine, spec)
        self.progress = 0.0
        self.written = 0
        self.live_quality: list[float] = []

    @property
    def weight(self) -> float:
        """Live pieces weighted by quality: the x of copy's curves."""
        return float(sum(self.live_quality))

    def view(self, now: int) -> dict[str, int]:
        return {"pieces_live": len(self.live_quality)}

    def work_day(self, day: int, blocks: Sequence[Block]) -> None:
        if not blocks:  # a day off: nothing written
            return
        done, self.progress = finishing(self.progress, blocks, self.spec.hours_per_piece)
        for t in done:  # at the hour in which the piece is finished
            self.engine.agenda.schedule(int(t) - self.engine.hour, "copy", "_written")

    def _written(self) -> None:
        """A piece is finished: its quality is set now; some wait for a department."""
        e, q = self.engine, self.spec.quality
        self.written += 1
        rng = e.streams.get("copy", e.hour // HOURS_PER_DAY)
        skill = e.specialist.skills.get("copy", 0.0)
        raw = rng.normal(q.base + q.skill_weight * skill, q.sd)
        quality = float(np.clip(raw, 0.05, 3.0) * e.specialist.freshness * (1 + e.targeting()))
        need = self.spec.needs
        if need is not None and self.written % need.every == 0:
            e.departments.request(need.department, "copy", ("copy", "_publish", (quality,)))
        else:
            self._publish(quality)

    def _publish(self, quality: float) -> None:
        e = self.engine
        e.sync()
        self.live_quality.append(quality)
        self._update()
        e.log(PiecePublished(e.hour, len(self.live_quality), round(quality, 6)))
        e.agenda.schedule(self.spec.stale_after_weeks * HOURS_PER_WEEK, "copy", "_stale", quality)

    def _stale(self, quality: float) -> None:
        e = self.engine
        e.sync()
        self.live_quality.remove(quality)
        self._update()
        e.log(PieceStale(e.hour, len(self.live_quality)))

    def _update(self) -> None:
        e = self.engine
        x = self.weight
        self.lift[:] = 0.0
        for lift in self.spec.lifts:
            self.lift[e.scenario.stage_index(lift.stage)] += lift.curve(x)
        if self.spec.reach is not None:
            e.set_rate("copy", self.spec.reach.users(x) / HOURS_PER_WEEK)
