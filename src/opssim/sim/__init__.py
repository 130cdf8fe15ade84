"""The simulation engine: SimPy drives time, numpy moves users in bulk."""

from opssim.sim.clock import HOURS_PER_DAY, HOURS_PER_WEEK
from opssim.sim.engine import Engine
from opssim.sim.snapshot import KpiView, Snapshot, StageView, SupportView

__all__ = [
    "HOURS_PER_DAY",
    "HOURS_PER_WEEK",
    "Engine",
    "KpiView",
    "Snapshot",
    "StageView",
    "SupportView",
]
