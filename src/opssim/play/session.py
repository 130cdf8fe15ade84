"""A session: one run of a scenario as the window holds it — the scenario and where it was
read from, the engine, and the checksum of every week played.

Every way to get a run goes through :mod:`opssim.sim.record`, once: a new run, a run played
on the plan up to a week (``--week``), a save restored, a scenario edited under a run (hot
reload: the hours played so far replayed on the new scenario). No pygame here.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from opssim.model import AllocationError
from opssim.play.userdata import load_save, write_save
from opssim.scenario import Scenario
from opssim.sim import Engine
from opssim.sim.record import Answer, Recording, restore, state_checksum, weeks_of


@dataclass
class Session:
    """A run of ``scenario`` (read from ``path``) standing at a week boundary: ``engine`` has
    played ``len(checksums)`` weeks."""

    scenario: Scenario
    path: Path | None
    engine: Engine
    checksums: list[str] = field(default_factory=list)

    @property
    def seed(self) -> int:
        """The run's root seed."""
        return self.engine.seed

    @property
    def weeks_played(self) -> int:
        """Weeks the engine has played."""
        return len(self.checksums)

    @classmethod
    def new(cls, scenario: Scenario, path: Path | None, seed: int) -> "Session":
        """A run at its start."""
        return cls(scenario, path, Engine(scenario, seed=seed))

    @classmethod
    def replayed(cls, scenario: Scenario, path: Path | None, seed: int,
                 inputs: tuple[Mapping[str, float], ...],
                 choices: tuple[tuple[Answer, ...], ...] = ()) -> "Session":
        """``inputs`` (hours per week) played on ``scenario``, incident cards answered as
        ``choices`` recorded them (else with their defaults); raises ``AllocationError`` (or
        ``KeyError``/``ValueError``) for hours a week cannot hold."""
        session = cls.new(scenario, path, seed)
        for _week, engine in weeks_of(scenario, seed, inputs, choices):
            session.engine = engine
            session.checksums.append(state_checksum(engine))
        return session

    @classmethod
    def at_week(cls, scenario: Scenario, path: Path | None, seed: int,
                week: int) -> "Session":
        """The run played on the manager's plan up to 1-based ``week`` (its planning), or to
        its end if it ends sooner. ``week`` must be within the scenario."""
        if not 1 <= week <= scenario.weeks:
            raise ValueError(f"week {week} is not in the scenario (1–{scenario.weeks})")
        plan = tuple(scenario.plan_hours(w) for w in range(1, week))
        return cls.replayed(scenario, path, seed, plan)

    @classmethod
    def load(cls, save: Path) -> "Session":
        """A save restored at its week (its scenario read from where the save says). Raises
        :class:`~opssim.sim.record.RecordingError` (or ``OSError``) with a one-line reason."""
        scenario, rec, where = load_save(save)
        engine = restore(scenario, rec)
        return cls(scenario, where, engine, list(rec.checksums))

    def recording(self, **info: str) -> Recording:
        """The run so far (complete at a week boundary)."""
        return Recording.of(self.engine, self.checksums, **info)

    def save(self, over: Path | None = None, folder: Path | None = None) -> Path:
        """Write the run as a new save (or over ``over``); returns its path."""
        rec = self.recording(policy="window",
                             scenario=str(self.path.resolve()) if self.path else "")
        return write_save(rec, self.scenario, over, folder)

    def reloaded(self, scenario: Scenario) -> tuple["Session", str | None]:
        """The hours played so far replayed on ``scenario`` (the file edited under the run):
        the new session and None, or — when they no longer fit — a fresh run with the same
        seed and the reason in one line."""
        rec = self.recording()
        try:
            if rec.weeks > scenario.weeks:
                raise AllocationError(f"{rec.weeks} weeks played, the scenario now has "
                                      f"{scenario.weeks}")
            session = Session.replayed(scenario, self.path, rec.seed, rec.inputs,
                                       rec.choices)
            if session.engine.finished and session.weeks_played < rec.weeks:
                raise AllocationError("the run now ends earlier")
        except (AllocationError, KeyError, ValueError) as exc:
            return Session.new(scenario, self.path, rec.seed), str(exc)
        return session, None
