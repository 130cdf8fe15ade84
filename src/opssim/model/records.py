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
        """A JSON-friendly dict with the record's ``kind`` first (tuples become lists)."""
        return {"kind": self.kind, **_plain(asdict(self))}


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
    """A piece of copy of this ``quality`` went live; ``live`` pieces are now working."""

    kind: ClassVar[str] = "piece_published"
    live: int
    quality: float = 1.0


@dataclass(frozen=True, slots=True)
class PieceStale(Record):
    """A piece of copy went stale and stopped working."""

    kind: ClassVar[str] = "piece_stale"
    live: int


@dataclass(frozen=True, slots=True)
class EventLaunched(Record):
    """A planned event went live until hour ``ends``, its effects scaled by ``strength``."""

    kind: ClassVar[str] = "event_launched"
    ends: int
    strength: float = 1.0


@dataclass(frozen=True, slots=True)
class EventCancelled(Record):
    """A planned event could not launch (``reason``: ``budget``)."""

    kind: ClassVar[str] = "event_cancelled"
    reason: str


@dataclass(frozen=True, slots=True)
class EventData(Record):
    """An ended event's data was collected (``evidence`` points) or lost (zero)."""

    kind: ClassVar[str] = "event_data"
    collected: bool
    evidence: float


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
class Complaints(Record):
    """Tickets unanswered so long that they became ``count`` complaints to the boss."""

    kind: ClassVar[str] = "complaints"
    count: int
    reputation_delta: float


@dataclass(frozen=True, slots=True)
class PartnerSigned(Record):
    """A channel partner signed: ``users_per_week`` arrive until hour ``ends``."""

    kind: ClassVar[str] = "partner_signed"
    ends: int
    users_per_week: float


@dataclass(frozen=True, slots=True)
class PartnerEnded(Record):
    """A partner deal ran out."""

    kind: ClassVar[str] = "partner_ended"


@dataclass(frozen=True, slots=True)
class DepartmentRequest(Record):
    """Work (``purpose``: copy, events, analysis) asked ``department`` for help."""

    kind: ClassVar[str] = "department_request"
    department: str
    purpose: str
    due: int
    stalled: bool


@dataclass(frozen=True, slots=True)
class DepartmentAnswer(Record):
    """``department`` delivered what ``purpose`` waited for, after ``waited`` hours."""

    kind: ClassVar[str] = "department_answer"
    department: str
    purpose: str
    waited: int


@dataclass(frozen=True, slots=True)
class AnalysisReady(Record):
    """The week's analysis counted: ``evidence`` points; the dashboard noise is now ``noise``."""

    kind: ClassVar[str] = "analysis_ready"
    evidence: float
    noise: float


@dataclass(frozen=True, slots=True)
class Happening(Record):
    """A calendar happening began (``started``) or ended."""

    kind: ClassVar[str] = "happening"
    what: str
    started: bool


@dataclass(frozen=True, slots=True)
class IncidentAnswered(Record):
    """Incident card ``incident`` fired and was answered with ``choice``; ``drawn`` are the
    effects as applied (ranges drawn), by name."""

    kind: ClassVar[str] = "incident"
    incident: str
    choice: str
    drawn: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class SpecialistWeek(Record):
    """The specialist at the end of a week: fatigue (0–100) and skills per duty."""

    kind: ClassVar[str] = "specialist_week"
    week: int
    fatigue: float
    skills: tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class KpiResult:
    """One KPI at a review: its value against its target over the review period."""

    kpi: str
    stage: str
    target: float
    #: New users (an int), or the revenue they brought for a KPI with a price.
    actual: int | float

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
    #: The reputation once the review's hits and misses are counted (None: not recorded).
    reputation: float | None = None


@dataclass(frozen=True, slots=True)
class Dashboard(Record):
    """What the player and the boss saw of a review's KPIs: ``(kpi, observed)`` pairs, blurred
    by the dashboard's ``noise`` (a log-scale sd; zero means exact)."""

    kind: ClassVar[str] = "dashboard"
    week: int
    observed: tuple[tuple[str, int], ...]
    noise: float


@dataclass(frozen=True, slots=True)
class BlameEvent(Record):
    """A missed KPI landed on someone; ``verdict`` says on whom.

    ``plan_counterfactual`` is the KPI the period would have reached under the manager's plan
    with the same random numbers, ``execution_counterfactual`` the KPI re-run under the
    player's own allocation (equal to ``actual``), ``expected`` the plan's expected value (the
    mean of ``luck_runs`` re-runs of the plan with other random numbers). ``parts`` are the
    signed parts of the shortfall ``target - actual`` — ``(cause, value, low, high)`` for
    ``plan``, ``luck`` and ``execution``, adding up to it, each with its 90% interval — and
    ``split`` the same as signed shares of the shortfall (summing to 1). ``evidence`` is what
    the specialist held; ``contested`` whether it was used.
    """

    kind: ClassVar[str] = "blame"
    week: int
    kpi: str
    target: float
    actual: int
    verdict: str
    reputation_delta: float
    plan_counterfactual: float | None = None
    execution_counterfactual: float | None = None
    expected: float | None = None
    split: tuple[tuple[str, float], ...] = ()
    evidence: float = 0.0
    contested: bool = False
    parts: tuple[tuple[str, float, float, float], ...] = ()
    luck_runs: int = 0

    def part(self, cause: str) -> tuple[float, float, float] | None:
        """``(value, low, high)`` of the part due to ``cause``; None when not attributed."""
        for name, value, low, high in self.parts:
            if name == cause:
                return value, low, high
        return None

    @property
    def shortfall(self) -> float:
        """``target - actual``: what the parts add up to."""
        return self.target - self.actual


@dataclass(frozen=True, slots=True)
class RunEnded(Record):
    """The run is over: ``promoted``, ``kept`` or ``fired``."""

    kind: ClassVar[str] = "run_ended"
    outcome: str
    reputation: float


def _plain(value: Any) -> Any:
    """``value`` with every tuple turned into a list, as JSON would give it back."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
