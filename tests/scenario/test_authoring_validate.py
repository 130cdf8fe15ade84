"""Validation for authors: every problem at once, each at its line, with did-you-mean hints for
misspelt keys, ids and choices, cross-references checked even when the schema fails, and a JSON
report for tools."""

import json
from pathlib import Path

import pytest

from opssim.scenario import ScenarioError, parse_scenario
from opssim.scenario.suggest import allowed_keys, did_you_mean

#: A small valid scenario; line numbers below refer to it.
VALID = """\
format: 1
id: check
title: Check
weeks: 4
funnel:
  stages:
    - {id: aware}
    - {id: visit, convert: 0.2}
    - {id: signup, convert: 0.3}
channels:
  - {id: organic, enters: aware, per_week: 3000}
duties:
  copy:
    lifts: [{stage: signup, curve: {max: 0.3, half_at: 2}}]
  events: {needs: {department: web}}
  support: {tickets: [{from: signup, per_user: 0.1}]}
  ground: {users: {max: 100, half_at: 5}, enters: visit}
  analysis: {}
departments:
  web: {}
calendar:
  - {kind: outage, week: 3, convert_x: {signup: 0.5}}
reviews:
  targets:
    - {kpi: signups, stage: signup, per_week: 40}
plan: {copy: 10, events: 10, support: 10, ground: 5}
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "f.yaml")
    return [str(e) for e in exc.value.errors]


def edit(old: str, new: str) -> str:
    assert VALID.count(old) == 1, old
    return VALID.replace(old, new)


def test_the_base_scenario_is_valid() -> None:
    parse_scenario(VALID, "f.yaml")


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("weeks: 4", "wekes: 4",
         "f.yaml:4:1: wekes: unknown key (did you mean 'weeks'?)"),
        ("{id: visit, convert: 0.2}", "{id: visit, convert: 0.2, dely_hours: {fixed: 2}}",
         "f.yaml:8:33: funnel.stages.1.dely_hours: unknown key (did you mean 'delay_hours'?)"),
        ("  events: {needs:", "  events: {neds:",
         "f.yaml:15:12: duties.events.neds: unknown key (did you mean 'needs'?)"),
        ("  analysis: {}", "  analysys: {}",
         "f.yaml:18:3: duties.analysys: unknown key (did you mean 'analysis'?)"),
        ("{kpi: signups, stage: signup,", "{kpi: signups, stage: signups,",
         "f.yaml:25:29: reviews.targets.0.stage: unknown stage 'signups' (did you mean "
         "'signup'?) (stages: aware, visit, signup)"),
        ("{department: web}", "{department: Web}",
         "f.yaml:15:32: duties.events.needs.department: unknown department 'Web' (did you mean "
         "'web'?) (departments: web)"),
        ("plan: {copy: 10,", "plan: {cpy: 10,",
         "f.yaml:26:8: plan.cpy: unknown duty 'cpy' (did you mean 'copy'?)"),
        ("weeks: 4", "weeks: 4\ndifficulty: hrad",
         "f.yaml:5:13: difficulty: Input should be 'tutorial', 'easy', 'normal' or 'hard' "
         "(did you mean 'hard'?)"),
        ("convert_x: {signup: 0.5}", "convert_x: {singup: 0.5}",
         "f.yaml:22:41: calendar.0.convert_x.singup: unknown stage 'singup' (did you mean "
         "'signup'?)"),
    ],
    ids=["root-key", "list-item-key", "nested-key", "duty-key", "stage-id", "department-id",
         "duty-id", "choice", "calendar-stage"],
)
def test_misspellings_get_a_did_you_mean_at_their_line(old: str, new: str, expected: str) -> None:
    errors = errors_of(edit(old, new))
    assert any(e.startswith(expected) for e in errors), errors


def test_no_hint_when_nothing_is_close() -> None:
    errors = errors_of(edit("weeks: 4", "weeks: 4\nzqxv: 1"))
    assert errors == ["f.yaml:5:1: zqxv: unknown key"]


def test_cross_references_are_reported_alongside_schema_errors() -> None:
    text = edit("weeks: 4", "weeks: four")
    text = text.replace("stage: signup, per_week: 40", "stage: sigup, per_week: 40")
    text = text.replace("plan: {copy: 10,", "company: {locked: {reserch: 4}}\nplan: {copy: 10,")
    errors = errors_of(text)
    assert errors[0].startswith("f.yaml:4:8: weeks: Input should be a valid integer")
    assert any(e.startswith("f.yaml:25:29: reviews.targets.0.stage: unknown stage 'sigup'")
               for e in errors), errors
    assert any(e.startswith("f.yaml:26:20: company.locked.reserch: unknown duty 'reserch' "
                            "(did you mean 'research'?)") for e in errors), errors


def test_a_calendar_entry_after_the_last_week_and_a_bad_need_together() -> None:
    text = edit("week: 3,", "week: 9,").replace("department: web", "department: data")
    errors = errors_of(text)
    assert errors == [
        "f.yaml:15:32: duties.events.needs.department: unknown department 'data' "
        "(departments: web)",
        "f.yaml:22:26: calendar.0.week: week 9 is after the last week (4)",
    ]


def test_schema_errors_come_once_even_when_a_reference_check_agrees() -> None:
    errors = errors_of(edit("{id: visit, convert: 0.2}", "{id: visit}"))
    assert errors == ["f.yaml:8:7: funnel.stages.1: stage 'visit' needs convert (0..1)"]


def test_allowed_keys_follow_lists_and_optional_sections() -> None:
    data = {"funnel": {"stages": [{"id": "a"}]}, "duties": {"analysis": {}}}
    assert "delay_hours" in allowed_keys(("funnel", "stages", 0), data)
    assert "noise" in allowed_keys(("duties", "analysis"), data)
    assert allowed_keys(("plan",), {"plan": {}}) == []


def test_a_share_written_as_a_percentage_gets_the_share() -> None:
    errors = errors_of(edit("{id: visit, convert: 0.2}", "{id: visit, convert: 20}"))
    assert len(errors) == 1
    assert errors[0].endswith("funnel.stages.1.convert: Input should be less than or equal to "
                              "1 (did you mean 0.2? shares are 0..1, not percent)")
    [far] = errors_of(edit("{id: visit, convert: 0.2}", "{id: visit, convert: 250}"))
    assert "did you mean" not in far


def test_no_far_off_suggestion_for_an_unknown_stage() -> None:
    """'landing' is three edits from 'paying': a guess that far misleads."""
    assert did_you_mean("landing", ["aware", "visit", "signup", "active", "paying"]) == ""
    assert did_you_mean("payng", ["aware", "paying"]) == " (did you mean 'paying'?)"
    assert did_you_mean("singup", ["signup", "visit"]) == " (did you mean 'signup'?)"


def test_did_you_mean_prefers_a_case_match() -> None:
    assert did_you_mean("COPY", ["copy", "coordination"]) == " (did you mean 'copy'?)"
    assert did_you_mean("zzz", ["copy"]) == ""
    assert did_you_mean(3, ["copy"]) == ""


# -- the command line ---------------------------------------------------------------------


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    good = tmp_path / "good.yaml"
    good.write_text(VALID, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(edit("weeks: 4", "wekes: 4").replace("stage: signup, per_week",
                                                         "stage: sigup, per_week"),
                   encoding="utf-8")
    return good, bad


def test_validate_text_lists_every_problem_and_exits_2(cli, files) -> None:
    good, bad = files
    result = cli("validate", good, bad)
    assert result.code == 2
    assert result.out == f"{good}: ok\n"
    assert result.err_lines == [
        f"{bad}:4:1: wekes: unknown key (did you mean 'weeks'?)",
        f"{bad}:25:29: reviews.targets.0.stage: unknown stage 'sigup' (did you mean 'signup'?) "
        "(stages: aware, visit, signup)",
    ]


def test_validate_json_is_one_document(cli, files) -> None:
    good, bad = files
    result = cli("validate", "--format", "json", good, bad)
    assert result.code == 2
    assert result.err == ""
    report = json.loads(result.out)
    assert report["files"] == [{"file": str(good), "ok": True}, {"file": str(bad), "ok": False}]
    assert report["errors"][0] == {
        "file": str(bad), "line": 4, "col": 1, "path": "wekes",
        "message": "unknown key (did you mean 'weeks'?)",
    }
    assert {tuple(e) for e in report["errors"]} == {("file", "line", "col", "path", "message")}
    ok = cli("validate", "--format", "json", good)
    assert ok.code == 0 and json.loads(ok.out) == {"files": [{"file": str(good), "ok": True}],
                                                  "errors": []}


def test_validate_json_reports_missing_files(cli, tmp_path: Path) -> None:
    result = cli("validate", "--format", "json", tmp_path / "nope.yaml")
    assert result.code == 2
    assert json.loads(result.out)["errors"][0]["message"] == "no such file"


def test_validate_unknown_format_is_one_line(cli, files) -> None:
    result = cli("validate", "--format", "xml", files[0])
    assert result.code == 2
    assert result.err_lines == ["opssim: validate: --format: expected text or json, got 'xml'"]


def test_expectations_are_checked_against_targets_and_stages() -> None:
    text = VALID + (
        "expect:\n"
        "  - {metric: kpi_mean, kpi: signup, range: [1, 2]}\n"
        "  - {metric: reached_mean, stage: visits, range: [1, 2]}\n"
        "  - {metric: win_rate, range: [0.9, 0.1]}\n"
    )
    assert errors_of(text) == [
        "f.yaml:28:29: expect.0.kpi: unknown kpi 'signup' (did you mean 'signups'?) "
        "(targets: signups)",
        "f.yaml:29:35: expect.1.stage: unknown stage 'visits' (did you mean 'visit'?) "
        "(stages: aware, visit, signup)",
        "f.yaml:30:31: expect.2.range: the range's low end 0.9 is above its high 0.1",
    ]
