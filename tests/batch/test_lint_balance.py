"""The balance lint on a tiny scenario built to trip every check, and on a sound one."""

from pathlib import Path

import pytest

from opssim.batch.lint import lint
from opssim.batch.lint.balance import BANDS, fixed_spec, wilson
from opssim.scenario import parse_located

#: Built to fail: only ground does anything (linear, so all hours on it win), one target is
#: out of reach, and a tutorial's plan never wins. Line numbers below refer to this text.
BROKEN = """\
format: 1
id: lintme
title: Lint me
difficulty: tutorial
weeks: 4
funnel:
  stages:
    - {id: aware}
    - {id: visit, convert: 0.2, delay_hours: {fixed: 1}}
channels:
  - {id: organic, enters: aware, per_week: 1000}
duties:
  copy: {}
  events: {}
  support: {}
  ground: {users: {curve: linear, max: 100000, per_unit: 100}, enters: visit, fatigue_per_hour: 0}
  coordination: {}
reviews:
  targets:
    - {kpi: visits, stage: visit, per_week: 3500}
    - {kpi: moon, stage: visit, per_week: 1000000}
blame:
  reputation: {start: 60, lose_per_shortfall_pct: 0.01, gain_per_hit: 3}
plan: {copy: 10, events: 10, support: 10, ground: 10}
"""


@pytest.fixture(scope="module")
def report():
    located = parse_located(BROKEN, "lintme.yaml")
    return lint(located, seeds=4, probe_seeds=1, search=3, workers=1)


def warnings(report) -> list[str]:
    return [line for line in report.lines() if ": warning: " in line]


def test_every_warning_carries_file_line_and_column(report) -> None:
    assert warnings(report)
    for line in report.lines():
        file, line_no, col, rest = line.split(":", 3)
        assert file == "lintme.yaml" and int(line_no) >= 1 and int(col) >= 1
        assert rest.startswith((" warning: ", " note: ", " error: "))


def test_the_plan_outside_the_difficulty_band_is_flagged(report) -> None:
    hits = [w for w in warnings(report) if w.startswith("lintme.yaml:4:1: warning: the plan")]
    assert hits and "wins 0 of 4" in hits[0] and "tutorial wants 70%..100%" in hits[0]


def test_an_unreachable_target_is_flagged_and_a_reachable_one_is_not(report) -> None:
    flagged = [w for w in warnings(report) if "out of reach" in w]
    assert len(flagged) == 1 and flagged[0].startswith("lintme.yaml:21:33: warning:")
    assert "moon" in flagged[0]
    assert any(line.startswith("lintme.yaml:20:35: note: visits") for line in report.lines())


def test_duties_that_do_nothing_are_flagged(report) -> None:
    flagged = {w.split("duty '")[1].split("'")[0]: w for w in warnings(report)
               if "never pays off" in w}
    assert set(flagged) == {"copy", "events", "support", "coordination"}
    assert flagged["coordination"].startswith("lintme.yaml:17:3:")


def test_a_dominant_single_duty_is_flagged(report) -> None:
    flagged = [w for w in warnings(report) if "dominates" in w]
    assert len(flagged) == 1
    assert flagged[0].startswith("lintme.yaml:16:3: warning: single-duty policy fixed:ground=40")


def test_lint_is_deterministic(report) -> None:
    again = lint(parse_located(BROKEN, "lintme.yaml"), seeds=4, probe_seeds=1, search=3)
    assert again.lines() == report.lines()


def test_bands_cover_every_difficulty_and_wilson_brackets_the_share() -> None:
    assert set(BANDS) == {"tutorial", "easy", "normal", "hard"}
    low, high = wilson(3, 10)
    assert low < 0.3 < high
    assert wilson(0, 0) == (0.0, 1.0)


def test_fixed_spec_rounds_down_so_a_full_week_fits() -> None:
    assert fixed_spec({"copy": 13.3333, "events": 0.0}) == "fixed:copy=13.33"


def test_cli_lint_prints_warnings_and_exits_0_or_1_with_strict(cli, tmp_path: Path) -> None:
    path = tmp_path / "lintme.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = cli("lint", path, "--seeds", "3", "--workers", "1")
    assert result.code == 0, result
    assert f"{path}:21:33: warning: target looks out of reach" in result.out
    assert result.out.strip().splitlines()[-1].startswith(f"{path}: ")
    strict = cli("lint", path, "--seeds", "3", "--workers", "1", "--strict")
    assert strict.code == 1


def test_cli_lint_on_a_broken_file_is_exit_2(cli, tmp_path: Path) -> None:
    result = cli("lint", tmp_path / "missing.yaml")
    assert result.code == 2
    assert result.err_lines == [f"{tmp_path / 'missing.yaml'}:1:1: (file): no such file"]
