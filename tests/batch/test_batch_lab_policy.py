"""Policies as a public API: heavy, schedules (file and inline), Python bots; all picklable."""

import pickle
from pathlib import Path

import pytest

from opssim.batch import PolicyError, parse_policy
from opssim.batch.policy import Bot, FixedHours, Schedule
from opssim.batch.rows import run_row
from opssim.batch.run import run_engine
from opssim.batch.schedule import format_hours, format_schedule, parse_inline_schedule
from opssim.model.records import WeekStarted
from opssim.scenario import Scenario


def weekly_hours(scenario: Scenario, spec: str) -> list[dict[str, float]]:
    engine = run_engine(scenario, 0, parse_policy(spec, scenario))
    return [dict(r.allocation) for r in engine.events if isinstance(r, WeekStarted)]


def test_heavy_puts_80_percent_on_one_duty(lab_scenario: Scenario) -> None:
    hours = parse_policy("heavy:events", lab_scenario).constant_hours
    assert hours is not None
    assert hours["events"] == 32
    others = [h for d, h in hours.items() if d != "events"]
    assert len(others) == len(lab_scenario.duty_ids) - 1
    assert all(h == pytest.approx(8 / 7, abs=0.01) for h in others)
    with pytest.raises(PolicyError, match="no such duty"):
        parse_policy("heavy:teleport", lab_scenario)


def test_inline_schedule_changes_hours_by_week(lab_scenario: Scenario) -> None:
    weeks = weekly_hours(lab_scenario, "schedule:1:copy=30;2:support=20,ground=5")
    assert weeks[0]["copy"] == 30 and weeks[0]["support"] == 0
    assert weeks[1]["copy"] == 0 and weeks[1]["support"] == 20 and weeks[1]["ground"] == 5


def test_schedule_file(lab_scenario: Scenario, tmp_path: Path) -> None:
    path = tmp_path / "weeks.yaml"
    path.write_text("# a schedule\n1: {copy: 12, events: 20}\n2: {support: 30}\n", "utf-8")
    weeks = weekly_hours(lab_scenario, f"schedule:{path}")
    assert weeks[0]["events"] == 20 and weeks[1] == {**dict.fromkeys(weeks[1], 0.0),
                                                     "support": 30.0}
    as_list = tmp_path / "list.yaml"
    as_list.write_text("- {copy: 10}\n- {copy: 20}\n", "utf-8")
    assert [w["copy"] for w in weekly_hours(lab_scenario, f"schedule:{as_list}")] == [10, 20]
    late = tmp_path / "late.yaml"  # written for a longer cut: later entries never apply
    late.write_text("1: {copy: 7}\n9: {copy: 1}\n", "utf-8")
    assert [w["copy"] for w in weekly_hours(lab_scenario, f"schedule:{late}")] == [7, 7]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("2: {copy: 10}\n", "must start at week 1"),
        ("1: {copy: ten}\n", "must be a number"),
        ("1: [1, 2]\n", "mapping of duty to hours"),
        ("x: {copy: 1}\n", "whole numbers"),
        ("1: {copy: 99}\n", "at most 55"),
        ("1: {teleport: 3}\n", "unknown duty"),
        ("1: {copy: 1\n", "not valid YAML"),
        ("1: {copy: 1}\n1: {copy: 2}\n", "not valid YAML"),
        ("just text\n", "maps weeks"),
    ],
)
def test_bad_schedule_files(lab_scenario: Scenario, tmp_path: Path, text: str,
                            says: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, "utf-8")
    with pytest.raises(PolicyError, match=says) as exc:
        parse_policy(f"schedule:{path}", lab_scenario)
    assert "\n" not in str(exc.value)


def test_missing_schedule_file(lab_scenario: Scenario, tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="no such schedule file"):
        parse_policy(f"schedule:{tmp_path / 'nope.yaml'}", lab_scenario)
    with pytest.raises(PolicyError, match="cannot read"):
        parse_policy(f"schedule:{tmp_path}", lab_scenario)


@pytest.mark.parametrize("arg", ["1:copy", "1:copy=x", "a:copy=1", "1:", "1:copy=1;1:copy=2",
                                 "1:copy=1,copy=2"])
def test_bad_inline_schedules(lab_scenario: Scenario, arg: str) -> None:
    with pytest.raises(PolicyError):
        parse_policy(f"schedule:{arg}", lab_scenario)


def test_formatting_round_trips(lab_scenario: Scenario) -> None:
    assert format_hours({"copy": 10.0, "events": 0.0, "support": 7.5}) == "copy=10,support=7.5"
    phases = [(1, {"copy": 10.0}), (2, {"support": 12.0, "ground": 3.0})]
    text = format_schedule(phases)
    assert text == "1:copy=10;2:support=12,ground=3"
    assert parse_inline_schedule(text) == phases
    policy = parse_policy("schedule:" + text, lab_scenario)
    assert isinstance(policy.decide, Schedule)


BOT = '''
def decide(snapshot):
    """Copy until the signups KPI is on track, then support."""
    behind = any(k.actual < k.target for k in snapshot.kpis)
    return {"copy": 30, "analysis": 5} if behind or snapshot.week == 0 else {"support": 30}


class Alternate:
    """Keeps state across weeks: copy on even weeks, events on odd ones."""

    def __init__(self):
        self.calls = 0

    def __call__(self, snapshot):
        self.calls += 1
        return {"copy": 20} if self.calls % 2 else {"events": 20}


def raises(snapshot):
    raise RuntimeError("no idea what to do")


def late_raise(snapshot):
    if snapshot.week >= 1:
        raise KeyError("week two")
    return {"copy": 10}


def nonsense(snapshot):
    return [1, 2, 3]


def too_much(snapshot):
    return {"copy": 80}


NOT_CALLABLE = 3
'''


def test_a_function_bot_sees_the_snapshot(lab_scenario: Scenario, bot_module) -> None:
    bot_module("lab_bot_a", BOT)
    policy = parse_policy("lab_bot_a:decide", lab_scenario)
    assert isinstance(policy.decide, Bot)
    weeks = weekly_hours(lab_scenario, "lab_bot_a:decide")
    assert weeks[0]["copy"] == 30 and weeks[0]["analysis"] == 5
    assert run_row(lab_scenario, 3, policy) == run_row(lab_scenario, 3, policy)


def test_a_class_bot_gets_a_fresh_instance_per_run(lab_scenario: Scenario, bot_module) -> None:
    bot_module("lab_bot_b", BOT)
    first = weekly_hours(lab_scenario, "lab_bot_b:Alternate")
    second = weekly_hours(lab_scenario, "lab_bot_b:Alternate")
    assert [w["copy"] for w in first] == [20, 0] == [w["copy"] for w in second]


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("lab_no_such_module:decide", "no module named 'lab_no_such_module'"),
        ("lab_bot_c:missing", "has no 'missing'"),
        ("lab_bot_c:NOT_CALLABLE", "not a function or class"),
        ("lab_bot_c:raises", "raised RuntimeError: no idea what to do (seed 0, week 1)"),
        ("lab_bot_c:nonsense", "returned list, not a mapping"),
        ("lab_bot_c:too_much", "at most 55"),
    ],
)
def test_bad_bots_fail_when_parsed(lab_scenario: Scenario, bot_module, spec: str,
                                   says: str) -> None:
    bot_module("lab_bot_c", BOT)
    with pytest.raises(PolicyError) as exc:
        parse_policy(spec, lab_scenario)
    assert says in str(exc.value)
    assert "\n" not in str(exc.value)


def test_a_bot_that_fails_mid_run_is_a_policy_error(lab_scenario: Scenario,
                                                    bot_module) -> None:
    bot_module("lab_bot_d", BOT)
    policy = parse_policy("lab_bot_d:late_raise", lab_scenario)
    with pytest.raises(PolicyError, match=r"raised KeyError: 'week two' \(seed 4, week 2\)"):
        run_row(lab_scenario, 4, policy)


def test_a_module_that_fails_to_import(lab_scenario: Scenario, bot_module) -> None:
    bot_module("lab_bot_e", "raise ImportError('needs torch')\n")
    with pytest.raises(PolicyError, match="importing 'lab_bot_e' raised ImportError: needs torch"):
        parse_policy("lab_bot_e:decide", lab_scenario)


def test_every_policy_pickles(lab_scenario: Scenario, bot_module, tmp_path: Path) -> None:
    bot_module("lab_bot_f", BOT)
    path = tmp_path / "s.yaml"
    path.write_text("1: {copy: 5}\n", "utf-8")
    for spec in ("plan", "even", "fixed:copy=3", "heavy:copy", f"schedule:{path}",
                 "schedule:1:copy=4", "lab_bot_f:decide", "lab_bot_f:Alternate"):
        policy = parse_policy(spec, lab_scenario)
        copy = pickle.loads(pickle.dumps(policy))
        assert copy.spec == spec
        assert run_row(lab_scenario, 1, copy) == run_row(lab_scenario, 1, policy)
    assert isinstance(parse_policy("plan", lab_scenario).decide, FixedHours)
