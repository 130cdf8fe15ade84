"""Fuzzed scenarios (the mutations of ``tools/fuzz.py``, driven by hypothesis): each mutant of a
shipped scenario loads and plays a week, or fails with FILE:LINE:COL error lines inside the
file. ``make fuzz N=10000`` runs the long version outside ``make test``."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[2]


def _fuzz_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("opssim_fuzz", REPO / "tools" / "fuzz.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fuzz = _fuzz_module()


@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, 2**32))
def test_a_mutant_plays_a_week_or_fails_with_error_lines(index: int) -> None:
    outcome = fuzz.run_case(seed=0, index=index, timeout=60)
    assert not outcome.failed, f"case {index}: {outcome.kind}: {outcome.detail}"


def test_the_mutations_reach_both_outcomes_and_every_rule() -> None:
    """The fuzzer is not vacuous: some mutants play, most are refused, with many reasons."""
    kinds, reasons = set(), set()
    for i in range(30):
        _, raw = fuzz.make_case(0, i)
        kind, detail = fuzz.check_case(raw)
        kinds.add(kind)
        if kind == "error":
            reasons.add(detail.split(": ", 2)[-1][:20])
    assert kinds == {"ok", "error"}
    assert len(reasons) >= 10


def test_check_case_catches_a_malformed_error_line() -> None:
    class Fake:
        line, col = 99, 1

        def __str__(self) -> str:
            return "case.yaml:99:1: x: far outside"

    assert "outside the file" in fuzz.check_errors([Fake()], "case.yaml", b"a: 1\n")
    assert "no error lines" in fuzz.check_errors([], "case.yaml", b"a: 1\n")


@pytest.mark.skipif(sys.platform != "linux", reason="the fuzzer's workers use fork and rlimits")
def test_the_fuzz_script_runs_and_reports(tmp_path: Path) -> None:
    """A few cases through the script itself, one of them through a real opssim process."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"),
                                                         os.environ.get("PYTHONPATH", "")])}
    out = tmp_path / "fuzz.json"
    proc = subprocess.run([sys.executable, str(REPO / "tools" / "fuzz.py"), "-n", "6",
                           "--recordings", "2", "--jobs", "1", "--subprocess-every", "5",
                           "--json", str(out)],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "8 cases" in proc.stdout
    summary = json.loads(out.read_text())
    assert summary["cases"] == 8 and summary["outcomes"]["subprocess"] == 2
    assert sum(v for k, v in summary["outcomes"].items() if k.startswith("recording-")) == 2
    assert summary["failures"] == []


# -- what the fuzzer found ---------------------------------------------------------------------


def test_a_reused_anchor_warns_nothing(small_text: str) -> None:
    """ruamel warned (ReusedAnchorWarning, five lines on stderr) for an anchor defined twice;
    the last definition wins, as YAML says, and only error lines are printed."""
    import warnings

    from opssim.scenario import parse_scenario

    text = small_text.replace("contract_hours: 40", "contract_hours: &h 40").replace(
        "overtime_cap: 10", "overtime_cap: &h 10").replace("hours_per_piece: 5",
                                                           "hours_per_piece: *h")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sc = parse_scenario(text, "anchors.yaml")
    assert caught == []
    assert sc.duties.copy_.hours_per_piece == 10  # the second &h


@pytest.mark.parametrize("field", ["planning_hours: 10", "hours_per_piece: 5"])
def test_a_unit_of_work_takes_at_least_six_minutes(small_text: str, field: str) -> None:
    """Fuzz case 6716 set ``planning_hours: 1e-320``: it passed ``> 0`` and the engine's
    daily loop over finished units never ended. Now it is an error line."""
    from opssim.scenario import ScenarioError, parse_scenario

    key = field.split(":")[0]
    text = small_text.replace(field, f"{key}: 1e-320")
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "tiny.yaml")
    (e,) = exc.value.errors
    assert e.path.endswith(key) and "0.1" in e.message
    assert e.line == next(i for i, ln in enumerate(text.splitlines(), 1) if "1e-320" in ln)
    parse_scenario(small_text.replace(field, f"{key}: 0.1"), "ok.yaml")


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, 2**32))
def test_a_hostile_recording_replays_or_fails_in_one_line(index: int) -> None:
    outcome = fuzz.run_recording_case(seed=0, index=index, timeout=60)
    assert not outcome.failed, f"recording case {index}: {outcome.kind}: {outcome.detail}"


def test_every_reader_refuses_special_files_at_once(tmp_path: Path) -> None:
    assert fuzz.check_special_files(tmp_path) == []
