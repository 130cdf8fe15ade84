"""The command line: exit codes, one-line errors and the ``run --json`` contract.

Exit 0 on success, 2 for bad input (a flag, a policy, a scenario), 3 when ``play`` has no
display. Every error is exactly one line on stderr (``validate`` and scenario errors: one line
per problem), never a traceback.
"""

import json
import subprocess
import sys

import pytest

from opssim.scenario import Scenario, default_scenario_path

ONE_LINE_ERRORS = [
    (["run", "--bogus"], "--bogus"),
    (["run", "--seed", "abc"], "--seed"),
    (["run", "--seed", "-1"], "--seed"),
    (["run", "--seed", "99999999999999999999999"], "--seed"),
    (["run", "--policy"], "--policy"),
    (["frobnicate"], "frobnicate"),
    (["validate"], "validate"),
    (["run", "a.yaml", "b.yaml"], "b.yaml"),
    (["run", "--policy", "fixed:teleport=3"], "teleport"),
    (["run", "--policy", "fixed:copy=500"], "at most"),
    (["run", "--policy", "fixed:copy"], "DUTY=HOURS"),
    (["run", "--policy", "fixed:copy=abc"], "number"),
    (["run", "--policy", "random"], "unknown policy"),
    (["play", "--lang", "fr"], "--lang"),
    (["play", "--size", "1920x600"], "--size"),
    (["play", "--size", "big"], "--size"),
    (["play", "--load", "no-such-save.json"], "--load"),
    (["play", "--frames", "3", "--policy", "random"], "--policy"),
    (["play", "--policy", "plan"], "--policy"),
    (["play", "--week", "0"], "--week"),
    (["play", "--week", "99", "--frames", "3"], "--week"),
    (["play", "--title", "--week", "2"], "--title"),
    (["play", "--load", "save.json", "--week", "2"], "--week"),
]


def assert_one_line_error(result, code: int = 2) -> str:
    assert result.code == code, result
    assert "Traceback" not in result.err
    assert len(result.err_lines) == 1, result.err
    assert result.out == ""
    return result.err_lines[0]


# -- success ------------------------------------------------------------------------------------


def test_run_prints_a_report(cli) -> None:
    result = cli("run", "--seed", "1")
    assert result.code == 0, result
    assert result.err == ""
    assert "Outcome:" in result.out
    assert "Funnel" in result.out


def test_run_json_is_one_object_with_the_documented_keys(cli, starter: Scenario) -> None:
    result = cli("run", "--seed", "4", "--policy", "even", "--json")
    assert result.code == 0, result
    assert result.err == ""
    assert result.out.endswith("\n") and result.out.count("\n") == 1, "one line of JSON"
    data = json.loads(result.out)
    assert isinstance(data, dict)
    assert data["scenario"] == "starter"
    assert data["seed"] == 4
    assert data["weeks"] == starter.weeks
    assert data["policy"] == "even"
    assert [f["stage"] for f in data["funnel"]] == [s.id for s in starter.funnel.stages]
    assert all(isinstance(f["reached"], int) and f["reached"] >= 0 for f in data["funnel"])
    assert len(data["weekly"]) == starter.weeks or data["outcome"] == "fired"
    for week in data["weekly"]:
        assert {k["kpi"] for k in week["kpis"]} == {t.kpi for t in starter.reviews.targets}
        assert all("target" in k and "actual" in k for k in week["kpis"])
    assert data["outcome"] in {"promoted", "kept", "fired"}
    assert {"opssim", "numpy", "simpy"} <= set(data["versions"])
    # The ops model's keys: what the dashboard showed, the specialist, the budget, the log.
    for week in data["weekly"]:
        assert isinstance(week["observed"], dict)
        assert week["noise"] is None or week["noise"] >= 0
    assert {"tickets", "answered", "late", "waiting", "users_lost", "complaints"} <= set(
        data["support"])
    assert set(data["specialist"]) == {"fatigue", "skills", "evidence", "research_points"}
    assert set(data["specialist"]["skills"]) == set(starter.duty_ids)
    assert data["budget_left"] is None or data["budget_left"] >= 0
    assert isinstance(data["log"], list)
    assert all({"kind", "t"} <= set(record) for record in data["log"])


def test_run_json_blame_events(cli, write_scenario, scenario_data) -> None:
    data = scenario_data(
        weeks=3,
        targets=[{"kpi": "k", "stage": "s2", "per_week": 1_000_000}],
        blame={"reputation": {"start": 60, "lose_per_shortfall_pct": 0.1}},
    )
    result = cli("run", write_scenario(data), "--json")
    assert result.code == 0, result
    out = json.loads(result.out)
    assert [b["week"] for b in out["blame_events"]] == [1, 2, 3]
    for b in out["blame_events"]:
        assert {"week", "kpi", "target", "actual", "verdict"} <= set(b)
        assert b["kpi"] == "k" and b["actual"] < b["target"]
    assert out["outcome"] == "kept"


def test_run_json_when_fired(cli, write_scenario, scenario_data) -> None:
    data = scenario_data(weeks=6, targets=[{"kpi": "k", "stage": "s2", "per_week": 1_000_000}])
    result = cli("run", write_scenario(data), "--json")
    assert result.code == 0, result
    out = json.loads(result.out)
    assert out["outcome"] == "fired"
    assert 1 <= len(out["weekly"]) < 6
    assert out["weeks"] == 6


def test_run_json_is_byte_identical_across_processes(run_cli_subprocess, write_scenario):
    path = write_scenario()
    first = run_cli_subprocess("run", path, "--seed", "9", "--json")
    second = run_cli_subprocess("run", path, "--seed", "9", "--json")
    other = run_cli_subprocess("run", path, "--seed", "10", "--json")
    for proc in (first, second, other):
        assert proc.returncode == 0, proc.stderr
        assert proc.stderr == ""
    assert first.stdout == second.stdout
    assert first.stdout != other.stdout
    assert json.loads(first.stdout)["seed"] == 9


def test_in_process_and_subprocess_json_agree(cli, run_cli_subprocess, write_scenario) -> None:
    path = write_scenario()
    assert cli("run", path, "--json").out == run_cli_subprocess("run", path, "--json").stdout


def test_help_exits_0(cli) -> None:
    for args in (["--help"], ["run", "--help"], ["validate", "--help"], []):
        result = cli(*args)
        assert result.code == 0, (args, result)
        assert "Usage" in result.out


# -- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "mentions"), ONE_LINE_ERRORS,
                         ids=[" ".join(a) for a, _ in ONE_LINE_ERRORS])
def test_bad_input_is_one_line_and_exit_2(cli, args: list[str], mentions: str) -> None:
    line = assert_one_line_error(cli(*args))
    assert mentions in line
    assert line.startswith("opssim: ")


def test_policy_errors_name_the_option(cli) -> None:
    line = assert_one_line_error(cli("run", "--policy", "fixed:copy=30,events=30"))
    assert line.startswith("opssim: --policy: ")


def test_missing_scenario_file(cli, tmp_path) -> None:
    line = assert_one_line_error(cli("run", tmp_path / "nope.yaml"))
    assert line.startswith(f"{tmp_path / 'nope.yaml'}:1:1: ")


def test_directory_as_scenario(cli, tmp_path) -> None:
    line = assert_one_line_error(cli("run", tmp_path))
    assert "directory" in line


def test_invalid_scenario_for_run(cli, write_scenario) -> None:
    path = write_scenario(replace={"weeks: 4": "weeks: 0"})
    lines = path.read_text(encoding="utf-8").splitlines()
    at = lines.index("weeks: 0") + 1, len("weeks: ") + 1
    line = assert_one_line_error(cli("run", path))
    assert line.startswith(f"{path}:{at[0]}:{at[1]}: weeks: ")


def test_invalid_scenario_for_run_lists_every_problem(cli, write_scenario) -> None:
    path = write_scenario(replace={"weeks: 4": "weeks: 0", "convert: 0.4,": "convert: 2,"})
    result = cli("run", path, "--json")
    assert result.code == 2 and result.out == ""
    assert len(result.err_lines) == 2
    assert all(line.startswith(f"{path}:") for line in result.err_lines)


def test_bad_flag_in_a_real_process(run_cli_subprocess) -> None:
    proc = run_cli_subprocess("run", "--bogus")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert proc.stdout == ""


def test_python_dash_m_opssim_is_the_command() -> None:
    cmd = [sys.executable, "-m", "opssim", "validate", str(default_scenario_path())]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("starter.yaml: ok")


# -- play without a display ---------------------------------------------------------------------


def test_play_without_display_exits_3(cli, no_display) -> None:
    line = assert_one_line_error(cli("play"), code=3)
    assert "opssim run" in line
    assert "display" in line


def test_play_without_display_in_a_real_process(run_cli_subprocess) -> None:
    proc = run_cli_subprocess("play")  # the helper's environment has no display
    assert proc.returncode == 3, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.splitlines()) == 1
    assert "opssim run" in proc.stderr


def test_play_checks_the_scenario_first(cli, no_display, tmp_path) -> None:
    line = assert_one_line_error(cli("play", tmp_path / "nope.yaml"))
    assert "no such file" in line


def test_play_loads_a_save(cli, tmp_path, starter: Scenario) -> None:
    from opssim.scenario import default_scenario_path, scenario_hash
    from opssim.sim.record import Recording, file_sha256, state_checksum, weeks_of

    plan = (starter.plan_hours(),) * 2
    played = [(state_checksum(e), tuple(e.incidents.choices_in_week(w)))
              for w, e in weeks_of(starter, 3, plan)]
    sums = tuple(p[0] for p in played)
    save = tmp_path / "save.json"
    where = str(default_scenario_path())
    Recording(scenario_hash(starter), 3, plan, sums, scenario=where,
              scenario_sha256=file_sha256(default_scenario_path()),
              choices=tuple(p[1] for p in played)).save(save)
    shot = tmp_path / "loaded.png"
    result = cli("play", "--load", save, "--frames", "3", "--screenshot", shot,
                 env={"SDL_VIDEODRIVER": "dummy"})
    assert result.code == 0, result.err
    assert shot.stat().st_size > 10_000
    save.write_text(save.read_text().replace(sums[1], "0" * 16))
    line = assert_one_line_error(cli("play", "--load", save, env={"SDL_VIDEODRIVER": "dummy"}))
    assert "week 2: state differs" in line


def test_play_week_starts_there_on_the_plan(cli, monkeypatch, starter: Scenario) -> None:
    import opssim.render

    seen = {}

    def window(sc, **kw):
        seen.update(kw, sc=sc)
        return 0

    monkeypatch.setattr(opssim.render, "play", window)
    result = cli("play", "--week", "4", "--frames", "5", env={"SDL_VIDEODRIVER": "dummy"})
    assert result.code == 0, result.err
    at = seen["at"]
    assert at.weeks_played == 3 and at.engine.now == 3 * 168 and seen["load"] is None
    assert [dict(a) for a in at.engine.allocations] == [starter.plan_hours()] * 3


def test_play_title_screenshot(cli, tmp_path) -> None:
    shot = tmp_path / "title.png"
    result = cli("play", "--title", "--screenshot", shot, "--size", "1024x768",
                 env={"SDL_VIDEODRIVER": "dummy"})
    assert result.code == 0, result.err
    import pygame

    img = pygame.image.load(shot)
    assert img.get_size() == (1024, 768)


def test_play_frames_on_a_policy(cli, tmp_path) -> None:
    shot = tmp_path / "policy.png"
    result = cli("play", "--frames", "60", "--policy", "heavy:copy", "--screenshot", shot,
                 env={"SDL_VIDEODRIVER": "dummy"})
    assert result.code == 0, result.err
    assert shot.stat().st_size > 10_000
