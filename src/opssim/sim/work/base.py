"""The base of a duty's mechanism, and the narrow context it works in."""

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

import numpy as np

from opssim.sim.workweek import Block

if TYPE_CHECKING:
    from opssim.model.records import Record
    from opssim.scenario import Scenario
    from opssim.sim.agenda import Agenda
    from opssim.sim.departments import Departments
    from opssim.sim.funnel import FunnelState
    from opssim.sim.runstate import RunState
    from opssim.sim.specialist import SpecialistState
    from opssim.sim.streams import Streams

Spec = TypeVar("Spec")


class Context(Protocol):
    """What a duty may use of its run: the clock, its streams and agenda, the specialist,
    the run's standing, the funnel's rates (and, for support, the funnel itself).
    :class:`~opssim.sim.engine.Engine` is one; a test can pass a small stand-in."""

    scenario: "Scenario"
    stage_ids: tuple[str, ...]
    horizon: int
    streams: "Streams"
    agenda: "Agenda"
    specialist: "SpecialistState"
    departments: "Departments"
    state: "RunState"
    funnel: "FunnelState"

    @property
    def hour(self) -> int: ...
    def log(self, record: "Record") -> None: ...
    def sync(self) -> None: ...
    def set_rate(self, segment: str, users_per_hour: float) -> None: ...
    def set_cover(self, segment: str, shares: list[tuple[int, float]]) -> None: ...
    def draw_to(self, t: int) -> None: ...
    def targeting(self) -> float: ...


class Work(Generic[Spec]):
    """What hours on one duty do. The engine calls :meth:`start_week` at each week's start,
    :meth:`work_day` each day with the duty's working blocks that day (none on a day off),
    and :meth:`close_day` at each midnight; a duty whose effects ride on the users drawn
    (support's tickets) draws them in :meth:`flow`. What a duty offers the rest of the run
    it declares: :attr:`lift`, :meth:`view`, :meth:`speedup`, :meth:`noise`,
    :meth:`targeting` — the engine asks every duty, and a duty that offers nothing keeps
    the base's neutral answer."""

    duty: str = ""

    def __init__(self, engine: Context, spec: Spec) -> None:
        self.engine = engine
        self.spec = spec
        #: Relative conversion lift this work gives each stage now.
        self.lift = np.zeros(len(engine.stage_ids))

    def start_week(self, week: int, hours: float) -> None:
        """The week begins with ``hours`` on this duty."""

    def work_day(self, day: int, blocks: Sequence[Block]) -> None:
        """A day's work: ``blocks`` of this duty, in clock order."""

    def close_day(self, day: int) -> None:
        """Midnight at the start of ``day``: whatever fell due during the day before."""

    def flow(self, t0: int, t1: int, week: int) -> None:
        """The funnel has drawn hours ``[t0, t1)`` of ``week``."""

    def view(self, now: int) -> Mapping[str, Any]:
        """This duty's fields of the run's :class:`~opssim.sim.snapshot.Snapshot` at ``now``."""
        return {}

    def speedup(self) -> float:
        """Share of departments' response time this duty saves now."""
        return 0.0

    def noise(self) -> float:
        """Dashboard noise (log-scale sd) this duty leaves now."""
        return 0.0

    def targeting(self, points: float) -> float:
        """Relative boost to copy and events from ``points`` of research."""
        return 0.0
