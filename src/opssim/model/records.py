"""Typed, immutable records of what happened in a run: the engine's append-only log.

Times are simulated hours from the start of the run. The window keeps a cursor into the
log and animates what is new; tests compare logs for determinism.
"""

from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True, slots=True)
class Record:
    """Base of every log record: something that happened at simulated hour ``t``."""

    kind: ClassVar[str] = "record"
    t: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly dict with the record's ``kind`` first."""
        return {"kind": self.kind, **asdict(self)}


@dataclass(frozen=True, slots=True)
class WeekStarted(Record):
    """A week began with this allocation of hours."""

    kind: ClassVar[str] = "week_started"
    week: int
    allocation: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class Flow(Record):
    """Users who entered and who dropped out of each stage during ``[t, t_end)``."""

    kind: ClassVar[str] = "flow"
    t_end: int
    entered: tuple[int, ...]
    dropped: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PiecePublished(Record):
    """A piece of copy went live; ``live`` pieces are now lifting conversion."""

    kind: ClassVar[str] = "piece_published"
    live: int


@dataclass(frozen=True, slots=True)
class PieceStale(Record):
    """A piece of copy went stale and stopped working."""

    kind: ClassVar[str] = "piece_stale"
    live: int


@dataclass(frozen=True, slots=True)
class EventLaunched(Record):
    """A planned event went live until hour ``ends``."""

    kind: ClassVar[str] = "event_launched"
    ends: int


@dataclass(frozen=True, slots=True)
class EventEnded(Record):
    """A live event ended."""

    kind: ClassVar[str] = "event_ended"


@dataclass(frozen=True, slots=True)
class TicketsLate(Record):
    """Support tickets passed their users' patience; ``lost`` users left over it."""

    kind: ClassVar[str] = "tickets_late"
    late: int
    lost: int


@dataclass(frozen=True, slots=True)
class KpiResult:
    """One KPI at a review: its value against its target over the review period."""

    kpi: str
    stage: str
    target: float
    actual: int

    @property
    def hit(self) -> bool:
        """Whether the target was reached."""
        return self.actual >= self.target


@dataclass(frozen=True, slots=True)
class Review(Record):
    """The boss reviewed the KPIs of the weeks ending at ``week`` (1-based)."""

    kind: ClassVar[str] = "review"
    week: int
    results: tuple[KpiResult, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class BlameEvent(Record):
    """A missed KPI landed on someone; ``verdict`` says on whom."""

    kind: ClassVar[str] = "blame"
    week: int
    kpi: str
    target: float
    actual: int
    verdict: str
    reputation_delta: float


@dataclass(frozen=True, slots=True)
class RunEnded(Record):
    """The run is over: ``promoted``, ``kept`` or ``fired``."""

    kind: ClassVar[str] = "run_ended"
    outcome: str
    reputation: float
