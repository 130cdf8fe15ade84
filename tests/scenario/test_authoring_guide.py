"""docs/authoring.md builds a scenario: its yaml blocks, in order, are one file that validates,
plays and agrees with the schema; the errors it quotes are the ones the loader prints."""

import re
from pathlib import Path

import pytest

from opssim.batch import run_one
from opssim.scenario import ScenarioError, parse_scenario

REPO = Path(__file__).resolve().parents[2]
GUIDE = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
SCENARIO = "".join(re.findall(r"```yaml\n(.*?)```", GUIDE, re.S))


def test_the_guide_builds_a_scenario_that_validates_and_plays() -> None:
    sc = parse_scenario(SCENARIO, "exam-season.yaml")
    assert sc.id == "exam-season"
    assert SCENARIO.startswith("# yaml-language-server: $schema=scenario.schema.json\n")
    data = run_one(sc, seed=1).data
    assert data["outcome"] in {"promoted", "kept", "fired"}
    assert all(f["reached"] > 0 for f in data["funnel"])
    assert sc.expect, "the guide ends with expectations"


def test_the_quoted_did_you_mean_is_what_validate_prints() -> None:
    quoted = re.search(r"^(exam-season\.yaml:\d+:\d+: funnel\.stages\.1\.dely_hours: .*)$",
                       GUIDE, re.M)
    assert quoted
    typo = SCENARIO.replace("{id: visit, convert: 0.10, delay_hours",
                            "{id: visit, convert: 0.10, dely_hours")
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(typo, "exam-season.yaml")
    assert [str(e) for e in exc.value.errors] == [quoted.group(1)]


def test_the_guide_links_the_reference_and_names_every_top_level_section() -> None:
    assert "(scenario-reference.md)" in GUIDE
    sc = parse_scenario(SCENARIO)
    for key in ("company", "specialist", "funnel", "channels", "duties", "departments",
                "calendar", "reviews", "blame", "plan", "expect"):
        assert f"\n{key}:" in SCENARIO, key
    assert sc.departments and sc.calendar


#: The edits "When validation fails" describes, each as (old, new) on the guide's file.
FAILURES = [
    ("  budget: 10000", "\tbudget: 10000"),
    ("  archetype: small", "archetype: small"),
    ("  contract_hours: 40", "   contract_hours: 40"),
    ('title: {en: "Exam season", zh: "考试季"}', "title: Exam season: the last eight weeks"),
    ("convert: 0.25", "convert: 25"),
    ("{kpi: subscribers, stage: paying, total_by_end: 800}",
     "{kpi: subscribers, stage: paying, per_week: 100, total_by_end: 800}"),
    ("{id: campus, enters: visit", "{id: campus, enters: landing"),
    ("per_week: 1150, from_week: 2}", "per_week: 1150, from_week: 6, to_week: 4}"),
    ("weeks: 8\n", "weeks: 8.5\n"),
]


def test_when_validation_fails_quotes_what_validate_prints() -> None:
    section = GUIDE.split("## When validation fails")[1].split("\n## ")[0]
    quoted = re.findall(r"```text\n(.*?)\n```", section, re.S)
    printed = []
    for old, new in FAILURES:
        assert SCENARIO.count(old) == 1, old
        with pytest.raises(ScenarioError) as exc:
            parse_scenario(SCENARIO.replace(old, new), "exam-season.yaml")
        printed.append("\n".join(str(e) for e in exc.value.errors))
    assert printed == quoted
