"""RunState: the run's standing changes only through methods that log what they do."""

import math

from opssim.model.records import Complaints, Record, RunEnded
from opssim.sim.runstate import RunState


def test_money_is_spent_only_when_there_is_enough() -> None:
    state = RunState(50.0, 100.0, lambda r: None)
    assert state.spend(60.0) and state.budget == 40.0
    assert not state.spend(41.0) and state.budget == 40.0
    assert state.affordable(10.0) == 4.0
    assert math.isinf(RunState(50.0, None, lambda r: None).affordable(10.0))


def test_complaints_cost_the_run_and_the_plans_rerun_and_are_logged() -> None:
    log: list[Record] = []
    state = RunState(10.0, None, log.append)
    state.rerun_reputation = 4.0
    state.complaints(30, 3, 2.0)
    assert (state.reputation, state.rerun_reputation) == (4.0, 0.0)
    assert log == [Complaints(30, 3, -6.0)]


def test_the_end_is_logged_once_with_the_reputation() -> None:
    log: list[Record] = []
    state = RunState(42.0, None, log.append)
    state.end(168, "kept")
    assert state.finished and state.outcome == "kept"
    assert log == [RunEnded(168, "kept", 42.0)]
