"""A duty's mechanism built and tested on a small stand-in for the run (its narrow context),
without an engine."""

from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest

from opssim.model.records import Record
from opssim.scenario import Scenario
from opssim.sim.runstate import RunState
from opssim.sim.work import GroundWork, ResearchWork, SupportWork, Work
from opssim.sim.workweek import Block


@dataclass
class StandIn:
    """The members of :class:`opssim.sim.work.base.Context` a duty reads, as plain data."""

    scenario: Scenario
    hour: int = 0
    horizon: int = 2016
    stage_ids: tuple[str, ...] = ()
    specialist: SimpleNamespace = field(
        default_factory=lambda: SimpleNamespace(freshness=1.0, speed=lambda duty: 1.0))
    records: list[Record] = field(default_factory=list)
    rates: dict[str, float] = field(default_factory=dict)
    cover: list[tuple[int, float]] = field(default_factory=list)
    state: RunState = field(init=False)

    def __post_init__(self) -> None:
        self.stage_ids = tuple(s.id for s in self.scenario.funnel.stages)
        self.state = RunState(50.0, 100.0, self.log)

    def log(self, record: Record) -> None:
        self.records.append(record)

    def sync(self) -> None:
        pass

    def set_rate(self, segment: str, users_per_hour: float) -> None:
        self.rates[segment] = users_per_hour

    def set_cover(self, segment: str, shares: list[tuple[int, float]]) -> None:
        self.cover += shares


def test_research_hours_become_points(starter: Scenario) -> None:
    run = StandIn(starter)
    spec = starter.duties.research
    assert spec is not None
    work = ResearchWork(run, spec)  # type: ignore[arg-type]
    work.work_day(0, [Block("research", 9.0, 12.0)])
    assert run.state.research_points == pytest.approx(3 * spec.points_per_hour)
    assert work.targeting(run.state.research_points) == spec.targeting(3 * spec.points_per_hour)


def test_ground_hours_bring_users_while_worked_and_cost_money(starter: Scenario) -> None:
    run = StandIn(starter)
    spec = starter.duties.ground
    work = GroundWork(run, spec)  # type: ignore[arg-type]
    work.work_day(0, [Block("ground", 9.0, 11.0)])
    days = starter.specialist.workweek.days
    assert run.rates["ground"] == pytest.approx(spec.users(2 * days) / (2 * days))
    assert run.cover == [(9, 1.0), (10, 1.0)]
    assert run.state.budget == pytest.approx(100.0 - 2 * spec.cost_per_hour)


def test_every_duty_declares_what_it_shows(starter: Scenario) -> None:
    """A duty offers the run only what it declares; the base declares nothing."""
    run = StandIn(starter)
    support = SupportWork(run, starter.duties.support)  # type: ignore[arg-type]
    assert support.view(0)["support"].waiting == 0
    assert Work(run, None).view(0) == {}  # type: ignore[arg-type]
    assert Work(run, None).speedup() == Work(run, None).noise() == 0.0  # type: ignore[arg-type]


def test_support_without_ticket_sources_shows_what_its_queue_holds(starter: Scenario) -> None:
    """With no ticket source nor storm, the view (a shortcut) says what the queue would."""
    quiet = starter.model_copy(update={"calendar": []})
    run = StandIn(quiet)
    support = SupportWork(run, quiet.duties.support.model_copy(update={"tickets": []}))  # type: ignore[arg-type]
    assert not support.sources
    q = support.queue
    for now in (0, 100, 2000):
        view = support.view(now)["support"]
        assert (view.waiting, view.arrived, view.answered) == (
            q.waiting(now), int(q.arrival.searchsorted(now)), q.answered(now))
        assert view.late == view.users_lost == view.complaints == 0
