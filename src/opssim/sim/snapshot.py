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
    """The support queue: tickets so far, waiting now, answered, late, users lost, complaints."""

    waiting: int
    arrived: int
    answered: int
    late: int
    users_lost: int
    complaints: int


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state of a run at simulated hour ``t``.

    ``stages`` and ``kpis`` are what the player sees: with ``observed`` true they are
    estimates whose noise (``noise``, a log-scale sd) shrinks with analysis; the engine's
    ``truth()`` gives the exact figures. ``week`` is the 0-based week the clock is in.
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
    partners_active: int
    departments: tuple[tuple[str, int], ...]
    fatigue: float
    skills: tuple[tuple[str, float], ...]
    evidence: float
    research_points: float
    budget: float | None
    reputation: float
    blame_count: int
    finished: bool
    outcome: str | None
    observed: bool
    noise: float

    def stage(self, stage_id: str) -> StageView:
        """The view of the stage called ``stage_id``."""
        for s in self.stages:
            if s.id == stage_id:
                return s
        raise KeyError(stage_id)
