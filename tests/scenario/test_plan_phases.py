"""Plans by phase: ``plan:`` may give hours by week, each entry holding until the next."""

from collections.abc import Callable
from pathlib import Path

import pytest

from opssim.batch import parse_policy
from opssim.batch.policy import Schedule
from opssim.model.records import BlameEvent
from opssim.scenario import Scenario, ScenarioError, load_scenario, parse_scenario
from opssim.sim import Engine

PHASED = """plan:
  1: {copy: 10, events: 10, support: 10, ground: 10}
  3: {copy: 4, events: 4, support: 30, ground: 2}
"""


@pytest.fixture(scope="module")
def phased(small_text: str) -> Scenario:
    old = "plan: {copy: 10, events: 10, support: 10, ground: 10}\n"
    assert small_text.count(old) == 1
    return parse_scenario(small_text.replace(old, PHASED), "phased.yaml")


def test_each_week_takes_the_entry_in_force(phased: Scenario) -> None:
    first = {"copy": 10.0, "events": 10.0, "support": 10.0, "ground": 10.0}
    later = {"copy": 4.0, "events": 4.0, "support": 30.0, "ground": 2.0}
    assert [phased.plan_hours(w) for w in (1, 2, 3, 4)] == [first, first, later, later]
    assert phased.plan_changes and phased.plan_given_by_week


def test_the_plan_policy_plays_the_weeks_plan(phased: Scenario) -> None:
    policy = parse_policy("plan", phased)
    assert isinstance(policy.decide, Schedule)
    e = Engine(phased, seed=1)
    for week in range(phased.weeks):
        e.set_allocation(policy.hours(e.snapshot()))
        e.advance_to((week + 1) * 168)
    assert e.allocations == [e.plan_allocation(w) for w in (1, 2, 3, 4)]
    assert e.allocations[0] != e.allocations[3]


def test_blame_compares_with_the_plan_of_each_week(small_text: str) -> None:
    """Played to the phased plan, every miss's same-luck plan re-run is the run itself; played
    to week 1's hours throughout, the misses of weeks 3-4 are compared with the later plan."""
    text = small_text.replace("plan: {copy: 10, events: 10, support: 10, ground: 10}\n", PHASED)
    hard = parse_scenario(text.replace("per_week: 100}", "per_week: 600}"), "hard.yaml")

    def misses(policy: str) -> list[BlameEvent]:
        pol = parse_policy(policy, hard)
        e = Engine(hard, seed=3, verify_attribution=True)
        for week in range(hard.weeks):
            if e.finished:
                break
            e.set_allocation(pol.hours(e.snapshot()))
            e.advance_to((week + 1) * 168)
        return [r for r in e.events if isinstance(r, BlameEvent) and r.kpi == "signups"]

    played = misses("plan")
    assert played and all(b.plan_counterfactual == b.actual for b in played)
    constant = {b.week: b for b in misses("fixed:copy=10,events=10,support=10,ground=10")}
    # Weeks 1-2: the same hours as the plan, so the same numbers; week 3 on: other hours.
    assert all(constant[w].plan_counterfactual == constant[w].actual for w in (1, 2))
    assert constant[3].plan_counterfactual == next(b for b in played if b.week == 3).actual
    assert constant[3].plan_counterfactual != constant[3].actual


@pytest.mark.parametrize(("plan", "line", "message"), [
    ("plan:\n  2: {copy: 10}\n", 1, "a plan by week starts at week 1"),
    ("plan:\n  1: {copy: 10}\n  3: {copy: 60}\n", 2, "the plan allocates 60 hours in week 3"),
    ("plan:\n  1: {copy: 10}\n  3: {cpy: 6}\n", 2, "unknown duty 'cpy'"),
    ("plan:\n  1: {copy: 10}\n  copy: 5\n", 2, "'copy' beside week numbers"),
    ("plan:\n  1: {copy: 10}\n  0: {copy: 5}\n", 2, "greater than or equal to 1"),
])
def test_a_bad_plan_by_week_is_reported_at_its_line(
    small_text: str, write_scenario: Callable[..., Path], plan: str, line: int,
    message: str,
) -> None:
    old = "plan: {copy: 10, events: 10, support: 10, ground: 10}\n"
    text = small_text.replace(old, plan)
    path = write_scenario(text)
    first = text.splitlines().index("plan:") + 1
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = str(caught.value).splitlines()
    assert any(f":{first + line}:" in x and message in x for x in lines), lines


def test_the_planning_panel_offers_the_weeks_plan(phased: Scenario) -> None:
    from opssim.play.planning import PlanningModel

    panel = PlanningModel(phased, lambda hours: None)
    panel.open(0, auto=True)
    assert panel.values == phased.plan_hours(1)
    panel.open(2, auto=True)  # 0-based week 2 is week 3
    assert panel.values == phased.plan_hours(3)
    panel.move("copy", 20.0)
    panel.use_plan()
    assert panel.values == phased.plan_hours(3)


def test_a_player_who_kept_to_the_plan_is_offered_the_new_one(phased: Scenario) -> None:
    from opssim.play.planning import PlanningModel

    kept = PlanningModel(phased, lambda hours: None)
    kept.open(0)
    kept.open(2)  # kept week 1's plan: week 3's is offered
    assert kept.values == phased.plan_hours(3)
    changed = PlanningModel(phased, lambda hours: None)
    changed.open(0)
    changed.move("copy", 12.0)
    changed.open(2)  # hours of one's own stay
    assert changed.values["copy"] == 12.0
