"""The planning model: whole hours, the total clamped to the week's maximum (a note says so),
the plan back at a press, engine errors as notes — and look-aheads only once the sliders rest."""

import pytest

from opssim.model import AllocationError
from opssim.play.planning import DEBOUNCE_FRAMES, PlanningModel, project_fatigue
from opssim.scenario import Scenario
from opssim.sim import Engine


def test_values_are_whole_hours_and_the_total_is_clamped(small: Scenario) -> None:
    m = PlanningModel(small, lambda h: None)
    m.open(0)
    duty = small.duty_ids[0]
    others = m.total - m.values[duty]
    assert m.move(duty, 3.4) == 3.0 and m.note is None
    kept = m.move(duty, m.max + 50)
    assert kept == m.max - others and m.total == m.max
    assert m.note is not None and m.note.key == "plan_capped" and m.note.tone == "bad"
    assert m.nudge(duty, -1) == kept - 1 and m.note is None
    assert m.move(duty, -5) == 0.0
    m.use_plan()
    assert m.values == {d: float(small.plan_hours().get(d, 0.0)) for d in small.duty_ids}


def test_an_engine_refusal_becomes_a_note(small: Scenario) -> None:
    def refuse(hours: dict[str, float]) -> None:
        raise AllocationError("copy: locked")

    m = PlanningModel(small, refuse)
    m.start()  # not open: nothing happens
    assert m.note is None
    m.open(0)
    m.start()
    assert m.note is not None and m.note.key == "bad_plan"
    assert m.note.values == {"error": "copy: locked"}


def test_overtime_is_a_warning_note(small: Scenario) -> None:
    m = PlanningModel(small, lambda h: None)
    m.open(0)
    assert m.default_note().key == "plan_ok"
    contract = small.specialist.contract_hours
    duty = small.duty_ids[0]
    m.move(duty, m.values[duty] + contract - m.total + 3)
    note = m.default_note()
    assert note.key == "plan_overtime" and note.tone == "warn" and note.values["h"] == 3


def test_projection_runs_the_engines_rule(small: Scenario) -> None:
    m = PlanningModel(small, lambda h: None)
    m.open(0, fatigue=0.0)  # the engine's start
    e = Engine(small, seed=0)
    e.set_allocation(m.values)
    e.advance_to(7 * 24)
    assert m.projected_fatigue() == pytest.approx(e.snapshot().fatigue)
    assert project_fatigue(small, 0.0, m.values, weekend=False) == m.projected_fatigue()
    assert project_fatigue(small, 10.0, m.values, weekend=False) > m.projected_fatigue()


def test_look_ahead_waits_for_the_sliders_to_rest(small: Scenario) -> None:
    e = Engine(small, seed=0)
    m = PlanningModel(small, lambda h: None, engine=e)
    m.open(0)
    m.tick()
    first = m.current
    assert first is not None  # the plan on opening is looked at at once
    m.move(small.duty_ids[0], m.values[small.duty_ids[0]] + 1)
    for _ in range(DEBOUNCE_FRAMES - 1):
        m.tick()
    assert m.current is None and m.shown_lookahead is first
    m.tick()
    assert m.current is not None and m.current is not first
