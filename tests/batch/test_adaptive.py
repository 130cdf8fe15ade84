"""Adaptive policies: rule tables over what the player observes, their bot files, and
``optimize --adaptive``."""

from pathlib import Path

import pytest

from opssim.batch import parse_policy, run_engine
from opssim.batch.adaptive import Rule, RuleTable, context_of, features, load_table, to_yaml
from opssim.batch.adaptive_search import action
from opssim.batch.policy import PolicyError
from opssim.scenario import Scenario
from opssim.sim import Engine

BASE = (("copy", 10.0), ("events", 8.0), ("support", 12.0), ("ground", 6.0),
        ("research", 0.0), ("partners", 0.0), ("analysis", 4.0), ("coordination", 0.0))
SURGE = (("copy", 6.0), ("events", 0.0), ("support", 30.0), ("ground", 2.0),
         ("research", 0.0), ("partners", 0.0), ("analysis", 4.0), ("coordination", 0.0))


def test_the_player_sees_the_calendar_ahead_and_the_pace(starter: Scenario) -> None:
    calendar, totals = context_of(starter)
    seen = features(Engine(starter, seed=1).snapshot(), calendar, totals)
    # Week 1 about to start: the holiday starts in week 5, the billing bug in week 10.
    assert seen["ahead:holiday"] == 4 and seen["ahead:ticket_storm"] == 9
    assert seen["week"] == 1 and seen["event_live"] == 0 and seen["pace"] == 1.0
    assert totals == (("paying", 1, 12),)


def test_the_first_rule_that_holds_decides_the_week(starter: Scenario) -> None:
    calendar, totals = context_of(starter)
    storm = Rule("ahead:ticket_storm", "<", 1.0, SURGE)
    late = Rule("week", ">=", 11.0, tuple((d, 1.0) for d, _ in BASE))
    table = RuleTable(BASE, (storm, late), calendar, totals)
    policy = parse_policy("plan", starter).__class__("adaptive:#test", table, None)
    e = run_engine(starter, 3, policy)
    weeks = [dict(a) for a in e.allocations]
    assert weeks[9] == dict(SURGE)  # week 10: the storm starts this week
    assert all(weeks[w] == dict(BASE) for w in range(9))
    assert weeks[10]["copy"] == 1.0 and weeks[11]["copy"] == 1.0


def test_a_bot_file_plays_the_same_run_as_its_table(starter: Scenario, tmp_path: Path
                                                    ) -> None:
    calendar, totals = context_of(starter)
    table = RuleTable(BASE, (Rule("backlog", ">=", 150.0, SURGE),), calendar, totals)
    path = tmp_path / "bot.yaml"
    path.write_text(to_yaml(table, starter, "a test"), encoding="utf-8")
    assert load_table(path, starter) == table
    from_file = parse_policy(f"adaptive:{path}", starter)
    direct = from_file.__class__("adaptive:#x", table, None)
    a, b = run_engine(starter, 5, from_file), run_engine(starter, 5, direct)
    assert a.allocations == b.allocations and a.reputation == b.reputation
    assert any(dict(h) == dict(SURGE) for h in a.allocations), "the backlog rule fired"


@pytest.mark.parametrize(("text", "words"), [
    (None, "no such bot file"),
    ("adaptive: 1\nbase: {copy: 10}\nrules: [{when: 'mood > 3', hours: {copy: 1}}]\n",
     "rules[0]: condition 'mood > 3': expected FEATURE < NUMBER"),
    ("adaptive: 1\nbase: {copy: 10}\nrules: [{when: 'mood < 3', hours: {copy: 1}}]\n",
     "unknown feature 'mood'"),
    ("adaptive: 1\nbase: {cpy: 10}\n", "base"),
    ("adaptive: 1\nbase: {copy: 99}\n", "at most"),
    ("adaptive: 1\nbase: {copy: .nan}\n", "must be a number"),
    ("base: {copy: 10}\n", "not an adaptive bot file"),
    ("adaptive: 1\nbase: {copy: 10}\nextra: 1\n", "unknown key 'extra'"),
    ("adaptive: [1\n", "not valid YAML"),
])
def test_a_bad_bot_file_is_one_line(starter: Scenario, tmp_path: Path, text: str | None,
                                    words: str) -> None:
    path = tmp_path / "bot.yaml"
    if text is not None:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(PolicyError) as caught:
        parse_policy(f"adaptive:{path}", starter)
    message = str(caught.value)
    assert "\n" not in message and words in message and "bot.yaml" in message, message


def test_a_rule_moves_whole_hours_within_the_cap() -> None:
    shifted = dict(action(BASE, "support", 8.0, "shift", 55.0))
    assert shifted["support"] == 20.0 and sum(shifted.values()) == sum(h for _, h in BASE)
    more = dict(action(BASE, "copy", 20.0, "more", 55.0))
    assert more["copy"] == 25.0 and sum(more.values()) == 55.0  # capped at the week's max
    cut = dict(action(BASE, "events", 12.0, "cut", 55.0))
    assert cut["events"] == 0.0 and all(h == int(h) for h in cut.values())


def test_optimize_adaptive_writes_a_bot_that_plays(cli, lab_scenario_file, tmp_path: Path
                                                   ) -> None:
    scenario = lab_scenario_file(weeks=3)
    bot = tmp_path / "best.yaml"
    r = cli("optimize", scenario, "--seeds", "2", "--budget", "2", "--jobs", "1",
            "--no-holdout", "--adaptive", "--bot", bot)
    assert r.code == 0, r
    for family in ("constant", "phased", "adaptive", "plan"):
        assert f"  {family} " in r.err
    assert bot.read_text(encoding="utf-8").startswith("# An adaptive policy")
    assert cli("run", scenario, "--policy", f"adaptive:{bot}").code == 0
    wrong = cli("optimize", scenario, "--bot", bot)
    assert wrong.code == 2 and wrong.err_lines[-1] == "opssim: --bot needs --adaptive"
