"""Policies and incident cards: a bot's ``choose`` answers them headless (run, batch, record and
replay from the command line), others take the default; a bot that chooses badly is one line;
lint warns about a card that can never fire and a choice another beats in every effect."""

import json
from pathlib import Path

import pytest

from opssim.batch import PolicyError, parse_policy
from opssim.batch.lint.incidents import incident_checks
from opssim.batch.run import run_engine
from opssim.scenario import Scenario, default_scenario_path, load_scenario, parse_scenario

BOT = '''
class Chooser:
    """The plan's hours; on cards, the choice named 'b', else the last."""
    def __init__(self):
        self.seen = []

    def __call__(self, snapshot):
        return {"copy": 10, "events": 10, "support": 10, "ground": 10}

    def choose(self, incident, snapshot):
        self.seen.append(incident.id)
        ids = [c.id for c in incident.choices]
        return "b" if "b" in ids else len(ids) - 1


def plan(snapshot):
    return {"copy": 10, "events": 10, "support": 10, "ground": 10}


def bad_choice(incident, snapshot):
    return 7


def boom(incident, snapshot):
    raise KeyError("lost the card")


plan_bad = plan
plan_bad.choose = bad_choice
'''


def test_a_bot_answers_cards_and_others_take_the_default(with_incidents: Scenario,
                                                         bot_module) -> None:
    bot_module("inc_bot_a", BOT)
    mine = run_engine(with_incidents, 3, parse_policy("inc_bot_a:Chooser", with_incidents))
    plan = run_engine(with_incidents, 3, parse_policy("plan", with_incidents))
    defaults = {c.id: c.choices[c.default_index].id for c in with_incidents.incidents}
    assert plan.incidents.history and all(choice == defaults[card]
                                          for _, card, choice in plan.incidents.history)
    assert mine.incidents.history
    assert all(choice in ("b", "y") for _, _, choice in mine.incidents.history)


@pytest.mark.parametrize(("attr", "says"), [
    ("bad_choice", "chose 7: not one of 0..1 or "),
    ("boom", "raised KeyError: 'lost the card' choosing (seed 0, week"),
])
def test_a_bot_that_chooses_badly_is_one_line(with_incidents: Scenario, bot_module,
                                              attr: str, says: str) -> None:
    bot_module(f"inc_bot_{attr}", BOT + f"\nplan_bad.choose = {attr}\n")  # one module each
    policy = parse_policy(f"inc_bot_{attr}:plan_bad", with_incidents)
    with pytest.raises(PolicyError) as exc:
        run_engine(with_incidents, 0, policy)
    assert says in str(exc.value) and "(seed 0, week 1, incident '" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_run_records_the_answers_and_replay_checks_them(
        cli, incidents_text: str, tmp_path: Path, bot_module) -> None:
    bot_module("inc_bot_c", BOT)
    scenario = tmp_path / "inc.yaml"
    scenario.write_text(incidents_text, encoding="utf-8")
    rec = tmp_path / "run.json"
    r = cli("run", scenario, "--seed", "2", "--policy", "inc_bot_c:Chooser", "--record", rec)
    assert r.code == 0, r.err
    data = json.loads(rec.read_text(encoding="utf-8"))
    assert data["format"] == "opssim-recording/3"
    answers = [a for w in data["weeks"] for a in w["incidents"]]
    assert answers and all(a[2] in ("b", "y") for a in answers)
    assert cli("replay", rec).code == 0
    data["weeks"][0]["incidents"] = [[1, "often", "a"]]  # an answer at an hour nothing fired
    rec.write_text(json.dumps(data), encoding="utf-8")
    r = cli("replay", rec)
    assert r.code == 1 and "week 1" in r.out + r.err


LINTED = """\
incidents:
  - id: never
    title: Never
    when: {department_stalled: web}
    choices:
      - {id: a, label: A, effects: {hours: 2}}
      - {id: b, label: B, effects: {hours: 2, reputation: [1, 2]}}
      - {id: c, label: C, effects: {funnel: {arrivals_x: 1.1, days: 2}}}
      - {id: d, label: D, effects: {funnel: {arrivals_x: 1.2, days: 3}}}
  - id: late
    title: Late
    when: {weeks: [9, 12], fatigue_at_least: 50}
    choices:
      - {id: a, label: A, effects: {fatigue: [-5, -1]}}
      - {id: b, label: B, effects: {fatigue: [-4, -1], evidence: 1}}
"""


def test_lint_warns_about_cards_that_never_fire_and_choices_never_worth_taking(
        small_text: str) -> None:
    text = small_text.replace("reviews:\n", LINTED + "departments:\n  web: {}\nreviews:\n", 1)
    found = {(f.path, f.message) for f in incident_checks(parse_scenario(text))}
    paths = {p for p, _ in found}
    assert ("incidents", 0) in paths and any("no work asks department 'web'" in m
                                             for _, m in found)
    assert ("incidents", 1) in paths and any("week 9 is after the last week (4)" in m
                                             for _, m in found)
    # a is beaten by b (same hours, more reputation); c and d last different days: no verdict
    assert ("incidents", 0, "choices", 0) in paths
    assert not {("incidents", 0, "choices", j) for j in (1, 2, 3)} & paths
    # ranges that overlap are not beaten: b's fatigue is not surely lower than a's
    assert not {("incidents", 1, "choices", j) for j in (0, 1)} & paths


def test_the_shipped_cards_lint_clean() -> None:
    shipped = [load_scenario(p) for p in default_scenario_path().parent.glob("*.yaml")]
    assert sum(len(sc.incidents) for sc in shipped) >= 12
    for sc in shipped:
        assert not list(incident_checks(sc)), sc.id
        assert all(c.text.zh and c.title.zh and all(ch.label.zh for ch in c.choices)
                   for c in sc.incidents), sc.id
