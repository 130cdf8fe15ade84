"""The window's hold on the engine: phases, speed and a fixed step of simulated time per frame.

No pygame here, so the stepping can be tested (and compared with a headless run) on its own.
The driver only issues engine commands (:meth:`Engine.set_allocation`, :meth:`Engine.advance_to`)
and reads :attr:`Engine.events` through a cursor; it never writes engine attributes.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from opssim.model.records import Record
from opssim.scenario.schema import Incident
from opssim.sim import HOURS_PER_WEEK, Engine, Snapshot
from opssim.sim.incidents import ASK
from opssim.sim.record import Recording, state_checksum

#: A rule that turns the week's snapshot into hours per duty (a batch policy's ``decide``).
Decide = Callable[[Snapshot], Mapping[str, float]]

#: Simulated hours per frame at speeds 1, 2 and 3 (keys 1/2/3). Not wall clock: a run of N
#: frames covers the same simulated time on every machine.
SPEEDS: dict[int, float] = {1: 0.5, 2: 1.5, 3: 4.0}

#: Speed of a scripted (``--frames``) run.
AUTO_SPEED = 2

#: Frames a scripted run holds at each week boundary, so the plan (and any blame) is seen.
AUTO_HOLD_FRAMES = 40

#: Frames a scripted run keeps an incident card up before answering it.
AUTO_CARD_FRAMES = 30

#: A scripted run's rule for incident cards: ``choose(card, snapshot)`` returns a choice's
#: index (a policy's ``choose``, checked); without one the card's default is taken.
Choose = Callable[[Incident, Snapshot], int]


class Phase(Enum):
    """Where the run is: planning the next week, running it, or over."""

    PLANNING = "planning"
    RUNNING = "running"
    FINISHED = "finished"


@dataclass
class FrameReport:
    """What one frame did: the new log records and whether the phase changed."""

    records: list[Record]
    entered_planning: bool = False
    started_week: bool = False
    finished: bool = False
    incident: bool = False  # a card came up: the run waits for a choice


class Driver:
    """Steps an :class:`Engine` frame by frame.

    ``auto=True`` plays the scenario's reference plan without waiting for input: it holds
    ``hold_frames`` frames at each week boundary, then starts the week on the plan.
    """

    def __init__(self, engine: Engine, *, auto: bool = False,
                 hold_frames: int = AUTO_HOLD_FRAMES, checksums: Sequence[str] = (),
                 decide: Decide | None = None) -> None:
        """``checksums`` are those of the weeks ``engine`` has played already: a run restored
        at a week boundary (a load, a hot reload) goes on from there. ``decide`` chooses an
        auto run's hours from the week's snapshot (default: the manager's plan)."""
        self.engine = engine
        self.decide = decide
        self._decided: tuple[int, dict[str, float]] | None = None
        self.auto = auto
        self.hold_frames = hold_frames
        self.card_frames = AUTO_CARD_FRAMES  # a scripted run's pause on an incident card
        self.speed = AUTO_SPEED if auto else 1
        self.paused = False
        self.frame = 0
        self._held = 0
        # The window asks the player: the run stops at a card until :meth:`answer`.
        engine.incidents.chooser = ASK
        #: :func:`state_checksum` after each week played: with the engine's allocations, the
        #: :class:`Recording` a save writes and ``opssim replay`` checks.
        self.checksums: list[str] = list(checksums)
        # The log so far belongs to the weeks already played: whoever restores the run reads
        # it from ``engine.events`` (see App), the frames report only what is new.
        self._cursor = len(engine.events)
        if engine.finished:
            self.phase = Phase.FINISHED
            self.week = max(0, len(self.checksums) - 1)
        else:
            self.phase = Phase.PLANNING
            self.week = len(self.checksums)  # 0-based week being planned or run

    # -- commands -------------------------------------------------------------------------

    def set_speed(self, speed: int) -> None:
        """Choose speed 1, 2 or 3."""
        if speed in SPEEDS:
            self.speed = speed

    def toggle_pause(self) -> None:
        """Pause or resume the clock (planning is a pause of its own)."""
        self.paused = not self.paused

    @property
    def cursor(self) -> int:
        """How much of ``engine.events`` the frames have reported (or a restore covered)."""
        return self._cursor

    @property
    def at_boundary(self) -> bool:
        """Whether the run stands at a week boundary (planning, or over): a save is exact."""
        return self.phase is not Phase.RUNNING

    def start_week(self, hours: Mapping[str, float]) -> None:
        """Commit ``hours`` for the week being planned and run it (raises ``AllocationError``)."""
        if self.phase is not Phase.PLANNING:
            return
        self.engine.set_allocation(hours)
        self.phase = Phase.RUNNING
        self._held = 0

    def answer(self, choice: int) -> None:
        """Answer the incident card the run waits on with its choice number ``choice``."""
        if self.waiting is not None:
            self.engine.incidents.answer(choice)
            self._held = 0

    # -- reading --------------------------------------------------------------------------

    @property
    def waiting(self) -> Incident | None:
        """The incident card the run waits on, if any."""
        i = self.engine.incidents.waiting
        return None if i is None else self.engine.incidents.cards[i]

    @property
    def hours_per_frame(self) -> float:
        """Simulated hours one running frame advances."""
        return SPEEDS[self.speed]

    @property
    def plan(self) -> dict[str, float]:
        """The manager's reference allocation for the week to plan (it may change by week)."""
        return self.engine.scenario.plan_hours(self.week + 1)

    @property
    def auto_hours(self) -> dict[str, float]:
        """The hours an auto run plays this week (decided once per week)."""
        if self.decide is None:
            return self.plan
        if self._decided is None or self._decided[0] != self.week:
            self._decided = (self.week, dict(self.decide(self.engine.snapshot())))
        return dict(self._decided[1])

    def recording(self, **info: str) -> Recording:
        """The run so far as a :class:`Recording` (complete at a week boundary)."""
        return Recording.of(self.engine, self.checksums, **info)

    # -- the frame ------------------------------------------------------------------------

    def step(self) -> FrameReport:
        """One frame: advance the clock if running, hold or wait if planning."""
        self.frame += 1
        report = FrameReport([])
        eng = self.engine
        if self.phase is Phase.PLANNING and self.auto:
            self._held += 1
            if self._held >= self.hold_frames:
                self.start_week(self.auto_hours)
                report.started_week = True
        elif self.phase is Phase.RUNNING and self.waiting is not None:
            if self.auto:
                self._held += 1
                if self._held >= self.card_frames:
                    self.answer(self._auto_choice(self.waiting))
        elif self.phase is Phase.RUNNING and not self.paused:
            boundary = (self.week + 1) * HOURS_PER_WEEK
            eng.advance_to(min(eng.now + self.hours_per_frame, boundary))
            if eng.finished or eng.now >= boundary:
                self.checksums.append(state_checksum(eng))
            if eng.finished:
                self.phase = Phase.FINISHED
                report.finished = True
            elif eng.now >= boundary:
                self.week += 1
                self.phase = Phase.PLANNING
                report.entered_planning = True
            elif self.waiting is not None:
                self._held = 0
                report.incident = True
        report.records = self._new_records()
        return report

    def _auto_choice(self, card: Incident) -> int:
        choose: Choose | None = getattr(self.decide, "choose", None)
        if choose is None:
            return card.default_index
        return choose(card, self.engine.snapshot())

    def _new_records(self) -> list[Record]:
        log = self.engine.events
        new = log[self._cursor:]
        self._cursor = len(log)
        return list(new)
