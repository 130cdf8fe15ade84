"""Frozen views of an engine's state: what the window, policies and reports read."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StageView:
    """One funnel stage: users who ever ``reached`` it, are there ``now``, and ``dropped`` there."""

    id: str
    reached: int
    now: int
    dropped: int


@dataclass(frozen=True, slots=True)
class KpiView:
    """A KPI's progress in the current review period (or, for totals, the run so far)."""

    kpi: str
    stage: str
    target: float
    actual: int
    per_week: bool


@dataclass(frozen=True, slots=True)
class SupportView:
    """The support queue: tickets so far, waiting now, answered, late, and users lost."""

    waiting: int
    arrived: int
    answered: int
    late: int
    users_lost: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state of a run at simulated hour ``t``.

    ``week`` is the 0-based week the clock is in (``weeks`` when the run is over).
    """

    t: float
    week: int
    weeks: int
    stages: tuple[StageView, ...]
    allocation: tuple[tuple[str, float], ...]
    kpis: tuple[KpiView, ...]
    support: SupportView
    pieces_live: int
    event_live: bool
    event_progress: float
    reputation: float
    blame_count: int
    finished: bool
    outcome: str | None

    def stage(self, stage_id: str) -> StageView:
        """The view of the stage called ``stage_id``."""
        for s in self.stages:
            if s.id == stage_id:
                return s
        raise KeyError(stage_id)
