"""The whole calibration: read, build journeys, fit every stage, arrivals and churn."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from opssim.calibrate.adapters import read_events
from opssim.calibrate.arrivals import ArrivalFit, ChurnFit, fit_arrivals, fit_churn
from opssim.calibrate.cure import StageFit, fit_stage, stage_samples
from opssim.calibrate.errors import CalibrationError
from opssim.calibrate.events import Events, check_range
from opssim.calibrate.journeys import Journeys, build, users_per_event
from opssim.calibrate.mapping import FunnelMap, check_names, load_map, map_from_counts


@dataclass
class Calibration:
    """Everything fitted from one event log. ``stages[s - 1]`` is the move into stage ``s``."""

    source: str
    journeys: Journeys
    stages: list[StageFit]
    arrivals: list[ArrivalFit]
    churn: ChurnFit | None
    events_read: int

    def date(self, hours: float) -> str:
        """The UTC date ``hours`` after the data's first stage event."""
        t = datetime.fromtimestamp(self.journeys.start_us / 1e6, UTC) + timedelta(hours=hours)
        return t.strftime("%Y-%m-%d %H:%M")

    @property
    def date_range(self) -> str:
        return f"{self.date(0)} to {self.date(self.journeys.end_h)} UTC"

    def flow_per_week(self) -> np.ndarray:
        """Users reaching each stage per week in the steady state the fit implies."""
        n = len(self.journeys.stage_ids)
        flow = np.zeros(n)
        for a in self.arrivals:
            rate = a.per_week.value
            flow[a.enters] += rate
            for s in range(a.enters + 1, n):
                rate *= self.stages[s - 1].p.value
                flow[s] += rate
        return flow


def calibrate(events: Path, map_path: Path | None = None, source: str = "auto",
              drop_bad: bool = False) -> Calibration:
    """Fit a funnel to the events in ``events`` (see :mod:`opssim.calibrate`)."""
    fmap = load_map(map_path) if map_path is not None else None
    return fit_events(check_range(read_events(events, source, drop_bad), drop_bad), fmap)


def fit_events(ev: Events, fmap: FunnelMap | None = None) -> Calibration:
    """Fit a funnel to events already read (``fmap`` None: every event name is a stage)."""
    n_read = len(ev)
    if n_read == 0:
        raise CalibrationError(f"{ev.source}: no events")
    if fmap is not None:
        check_names(fmap, ev.event_names, ev.source)
    else:
        fmap = map_from_counts(users_per_event(ev))
    j = build(ev, fmap)
    stages = []
    for s in range(len(j.stage_ids) - 1):
        delays, follow = stage_samples(j.reached, s, j.end_h, j.window_h)
        stages.append(fit_stage(delays, follow, j.resolution_h))
    return Calibration(ev.source, j, stages, fit_arrivals(j), fit_churn(j), n_read)
