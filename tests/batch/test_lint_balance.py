"""The balance lint on a tiny scenario built to trip every check, and on a sound one."""

from pathlib import Path

import pytest

from opssim.batch.lint import lint
from opssim.batch.lint.balance import (
    BANDS,
    Tried,
    _difficulty,
    fixed_spec,
    seeds_to_tell,
    wilson,
)
from opssim.batch.lint.runs import RunStats
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


def _plan_of(outcomes: str) -> Tried:
    kinds = {"w": "promoted", "k": "kept", "f": "fired"}
    return Tried("plan", [RunStats(kinds[c], 50.0, {}, {}, {}) for c in outcomes])


def test_a_plan_that_never_wins_warns_with_the_seeds_to_be_sure() -> None:
    """0 of 12 is inside normal's 10-80% by the interval, yet a plan that never wins is no
    normal scenario: a warning, with the runs that would tell (0 of 25 would be outside)."""
    [finding] = _difficulty("normal", _plan_of("k" * 12))
    assert finding.level == "warning" and finding.path == ("difficulty",)
    assert "the plan never wins" in finding.message
    assert "opssim lint --seeds 25" in finding.message
    assert wilson(0, 25)[1] < BANDS["normal"][0] < wilson(0, 24)[1]
    assert _difficulty("hard", _plan_of("k" * 12)).__next__().level == "note"


def test_a_plan_fired_in_most_runs_warns() -> None:
    findings = list(_difficulty("normal", _plan_of("f" * 12)))
    fired = [f for f in findings if f.path == ("plan",)]
    assert len(fired) == 1 and fired[0].level == "warning"
    assert fired[0].message.startswith("the plan is fired in 12 of 12 runs")
    assert "--seeds" not in fired[0].message  # 12 of 12 already tells it from luck
    [unsure] = [f for f in _difficulty("hard", _plan_of("f" * 7 + "k" * 5))
                if f.path == ("plan",)]
    assert f"--seeds {seeds_to_tell(7, 12, 0, 0.5)}" in unsure.message
    assert not [f for f in _difficulty("hard", _plan_of("f" * 6 + "k" * 6))
                if f.path == ("plan",)]


def test_seeds_to_tell_is_the_first_count_whose_interval_leaves_the_band() -> None:
    m = seeds_to_tell(11, 12, 0.1, 0.8)
    assert m is not None
    assert wilson(round(11 / 12 * m), m)[0] > 0.8
    assert wilson(round(11 / 12 * (m - 1)), m - 1)[0] <= 0.8
    assert seeds_to_tell(6, 12, 0.1, 0.8) is None


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


def test_the_blame_split_note_adds_up_the_plans_misses() -> None:
    from opssim.batch.lint.balance import Tried, blame_split
    from opssim.batch.lint.runs import RunStats

    def run(parts: dict[str, tuple[float, float, float]]) -> RunStats:
        return RunStats("kept", 50.0, {}, {}, {}, parts)

    plan = Tried("plan", [run({"paying": (30.0, 10.0, 0.0)}), run({"paying": (10.0, -10.0, 0.0)}),
                          run({})])
    note = blame_split(plan, "paying")
    assert note.startswith("paying: the plan's misses (13 short a run) split into plan +100%, "
                           "luck +0%, your hours +0%")
    assert "not luck" in note
    assert blame_split(plan, "signups") == ""
    # Parts that nearly cancel are shown in users a run, not as shares of a tiny net.
    close = Tried("plan", [run({"paying": (-240.0, 250.0, 0.0)}), run({})])
    assert blame_split(close, "paying") == (
        "paying: the plan's misses (5 short a run) split into plan -120, luck +125, "
        "your hours +0 a run: parts that nearly cancel, so no cause stands out")


def test_one_allocation_that_wins_nearly_always_is_flagged(report) -> None:
    from opssim.batch.lint.balance import _solved

    def runs(wins: int, n: int) -> list[RunStats]:
        return [RunStats("promoted" if i < wins else "kept", 60.0, {}, {}, {})
                for i in range(n)]

    assert not list(_solved([Tried("fixed:copy=40", runs(8, 10))]))  # 80%: not more
    found = list(_solved([Tried("fixed:copy=20", runs(3, 10)),
                          Tried("fixed:copy=40", runs(9, 10))]))
    assert len(found) == 1 and found[0].path == ("plan",)
    assert found[0].message.startswith("solved by one allocation: fixed:copy=40 wins 90% of "
                                       "10 runs")
