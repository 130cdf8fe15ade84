"""Shared fixtures: the starter scenario, a small fast scenario, scenario writers, a CLI runner.

Helpers that several test modules need are exposed as fixtures (``write_scenario``, ``cli``,
``run_cli_subprocess``, ``conservation``), so no test imports this module directly.
"""

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from opssim.scenario import Scenario, default_scenario_path, load_scenario, parse_scenario

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent

#: A small, fast scenario written by hand so that error positions are known. Three stages,
#: four weeks, a few thousand users, the four core duties only (so no analysis duty and no
#: dashboard noise: the player's snapshot shows the true figures): a full run takes a few
#: hundredths of a second.
SMALL_YAML = """\
format: 1
id: small
title: "Small test scenario"
weeks: 4
specialist: {contract_hours: 40, overtime_cap: 10}
funnel:
  stages:
    - {id: aware}
    - {id: visit, convert: 0.3, delay_hours: {exponential: 12}}
    - {id: signup, convert: 0.4, delay_hours: {fixed: 6}}
  churn: {stage: signup, per_week: 0.1}
channels:
  - {id: organic, enters: aware, per_week: 2000}
duties:
  copy:
    hours_per_piece: 5
    lifts:
      - {stage: signup, curve: {curve: saturating, max: 0.5, half_at: 2}}
    stale_after_weeks: 2
  events:
    planning_hours: 10
    live_days: 2
    spike: {enters: visit, users: 200}
    lifts:
      - {stage: signup, lift: 0.2}
  support:
    tickets:
      - {from: visit, per_user: 0.2}
      - {from: signup, per_user_per_week: 0.1}
    minutes_per_ticket: 10
    patience_hours: 12
    lost_if_late: 0.5
  ground:
    users: {curve: saturating, max: 400, half_at: 10}
    enters: visit
    intent: 0.5
reviews:
  every_weeks: 1
  targets:
    - {kpi: signups, stage: signup, per_week: 100}
    - {kpi: visits, stage: visit, total_by_end: 1000}
plan: {copy: 10, events: 10, support: 10, ground: 10}
"""

#: Incident cards for the small scenario: one that can fire any working day (often), one on a
#: support backlog; choices with ranges, hours, a funnel effect and reputation.
INCIDENTS_YAML = """\
incidents:
  - id: often
    title: {en: "Often", zh: "经常"}
    text: {en: "It happens all the time.", zh: "经常发生。"}
    weight: 4
    cooldown_days: 3
    max_per_run: 20
    choices:
      - id: a
        label: {en: "Take it on", zh: "接下"}
        effects:
          hours: [2, 4]
          fatigue: 2
          funnel: {arrivals_x: 1.5, convert_x: {signup: 1.2}, days: 2}
      - id: b
        label: {en: "Refuse", zh: "拒绝"}
        effects: {reputation: [-3, 1], evidence: 1}
  - id: backlog
    title: Backlog
    when: {backlog_at_least: 1}
    weight: 3
    cooldown_days: 2
    max_per_run: 3
    default: y
    choices:
      - {id: x, label: X, effects: {hours: 5}}
      - {id: y, label: Y, effects: {fatigue: -5}}
"""


#: A specialist who works at speed 1 on support, never learns and never tires, so generated
#: scenarios behave like the textbook models their tests compare against.
NEUTRAL_SPECIALIST: dict[str, Any] = {
    "skills": {"support": 0.5},
    "learning_per_hour": 0.0,
    "fatigue": {"per_overtime_hour": 0.0},
}


def replace_once(text: str, old: str, new: str) -> str:
    """``text`` with the single occurrence of ``old`` replaced (fails if not exactly one)."""
    count = text.count(old)
    assert count == 1, f"expected exactly one {old!r} in the scenario text, found {count}"
    return text.replace(old, new)


def funnel_scenario(
    *,
    weeks: int = 4,
    stages: list[dict[str, Any]] | None = None,
    channels: list[dict[str, Any]] | None = None,
    support: dict[str, Any] | None = None,
    targets: list[dict[str, Any]] | None = None,
    plan: dict[str, float] | None = None,
    blame: dict[str, Any] | None = None,
    churn: dict[str, Any] | None = None,
    specialist: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A minimal scenario as plain data: the four core duties with no copy, events or ground
    effects unless asked for, a neutral specialist (support speed 1, no learning, no fatigue:
    see :data:`NEUTRAL_SPECIALIST`), and (by default) a target of zero, which is always hit,
    so nobody gets fired."""
    data: dict[str, Any] = {
        "format": 1,
        "id": "generated",
        "title": "generated for a test",
        "weeks": weeks,
        "specialist": copy.deepcopy(NEUTRAL_SPECIALIST if specialist is None else specialist),
        "funnel": {
            "stages": stages
            or [
                {"id": "s1"},
                {"id": "s2", "convert": 0.3, "delay_hours": {"exponential": 24}},
            ]
        },
        "channels": channels or [{"id": "organic", "enters": "s1", "per_week": 1680}],
        "duties": {
            "copy": {},
            "events": {},
            "support": support or {},
            "ground": {"users": {"curve": "saturating", "max": 0, "half_at": 1}, "enters": "s1"},
        },
        "reviews": {"targets": targets or [{"kpi": "k", "stage": "s1", "per_week": 0}]},
        "plan": plan or {},
    }
    if churn is not None:
        data["funnel"]["churn"] = churn
    if blame is not None:
        data["blame"] = blame
    return data


def scenario_from(data: dict[str, Any], name: str = "<test>") -> Scenario:
    """Validate plain scenario data (JSON is YAML 1.2, so it goes through the real loader)."""
    return parse_scenario(json.dumps(data, indent=1), name)


def external_arrivals(engine: Any) -> np.ndarray:
    """Users per (stage, segment, hour) who entered from outside the funnel, over realized
    hours ``< int(now)``: everyone who reached a stage minus those who moved on from the one
    before."""
    f = engine.funnel
    now = int(engine.now)
    ext = f.entered[:, :, :now].copy()
    ext[1:] -= f.moves[:-1, :, :now]
    return ext


def check_conservation(engine: Any) -> None:
    """Every user who arrived is in exactly one stage or has dropped out, and no count is
    negative anywhere. Reads the engine's exact state (``truth()``): the player's snapshot
    may be blurred by dashboard noise."""
    f = engine.funnel
    now = int(engine.now)
    snap = engine.truth()
    ext = external_arrivals(engine)
    held = sum(s.now + s.dropped for s in snap.stages)
    assert held == int(ext.sum()), f"at t={engine.now}: {held} held vs {ext.sum()} arrived"
    # Counts are non-negative: histograms, arrivals from outside, and users present at
    # every realized hour.
    for name in ("entered", "moves", "drops"):
        assert getattr(f, name).min() >= 0, f"negative {name} count"
    assert ext.size == 0 or ext.min() >= 0, "more users moved into a stage than left the one before"
    present = np.cumsum(f.entered - f.moves - f.drops, axis=2)[:, :, :now]
    assert present.size == 0 or present.min() >= 0, "a stage held a negative number of users"
    for s in snap.stages:
        assert s.now >= 0 and s.dropped >= 0 and s.reached >= 0
        assert s.reached >= s.now
    # Users enter from outside only where their segment enters the funnel (the engine's
    # private entry table, when it has one).
    entry = getattr(engine, "_entry", None)
    if entry is not None:
        for g, seg in enumerate(engine.segments):
            for s in range(f.n_stages):
                if s != int(entry[g]):
                    assert ext[s, g].sum() == 0, f"segment {seg} appeared at stage {s} from nowhere"


# -- fixtures ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def starter_path() -> Path:
    """The bundled default scenario file."""
    return default_scenario_path()


@pytest.fixture(scope="session")
def starter_text(starter_path: Path) -> str:
    """The default scenario's YAML text."""
    return starter_path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def starter(starter_path: Path) -> Scenario:
    """The loaded default scenario."""
    return load_scenario(starter_path)


@pytest.fixture(scope="session")
def small_text() -> str:
    """The small test scenario's YAML text."""
    return SMALL_YAML


@pytest.fixture(scope="session")
def small() -> Scenario:
    """The loaded small test scenario (3 stages, 4 weeks)."""
    return parse_scenario(SMALL_YAML, "small.yaml")


@pytest.fixture(scope="session")
def incidents_text() -> str:
    """The small test scenario with incident cards (:data:`INCIDENTS_YAML`), as YAML."""
    return SMALL_YAML.replace("reviews:\n", INCIDENTS_YAML + "reviews:\n", 1)


@pytest.fixture(scope="session")
def with_incidents(incidents_text: str) -> Scenario:
    """The small test scenario with incident cards that fire often."""
    return parse_scenario(incidents_text, "incidents.yaml")


@pytest.fixture
def write_scenario(tmp_path: Path) -> Callable[..., Path]:
    """Write a scenario into ``tmp_path`` and return its path.

    ``write_scenario(text, {old: new, ...}, name="x.yaml")`` applies each replacement (each
    ``old`` must occur exactly once); ``text`` may also be plain data (written as JSON).
    """

    def write(
        text: str | dict[str, Any] = SMALL_YAML,
        replace: dict[str, str] | None = None,
        name: str = "scenario.yaml",
    ) -> Path:
        if isinstance(text, dict):
            text = json.dumps(text, indent=1)
        for old, new in (replace or {}).items():
            text = replace_once(text, old, new)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def make_scenario() -> Callable[..., Scenario]:
    """Build and validate a minimal generated scenario (see :func:`funnel_scenario`)."""

    def make(**kwargs: Any) -> Scenario:
        return scenario_from(funnel_scenario(**kwargs))

    return make


@pytest.fixture(scope="session")
def scenario_data() -> Callable[..., dict[str, Any]]:
    """Plain data of a minimal generated scenario, for tests that edit it further."""

    def make(**kwargs: Any) -> dict[str, Any]:
        return copy.deepcopy(funnel_scenario(**kwargs))

    return make


@pytest.fixture(scope="session")
def conservation() -> Callable[[Any], None]:
    """The conservation check: ``conservation(engine)`` asserts users are neither created
    nor lost, and that no count is negative."""
    return check_conservation


@pytest.fixture(scope="session")
def arrivals_from_outside() -> Callable[[Any], np.ndarray]:
    """``arrivals_from_outside(engine)``: external arrivals per (stage, segment, hour)."""
    return external_arrivals


class CliResult:
    """Exit code and captured output of one ``opssim`` invocation."""

    def __init__(self, code: int, out: str, err: str) -> None:
        self.code = code
        self.out = out
        self.err = err

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()

    def __repr__(self) -> str:
        return f"CliResult(code={self.code}, out={self.out[:200]!r}, err={self.err[:500]!r})"


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Run ``opssim ARGS`` in this process through the real entry point, ``cli.main``.

    Any exception other than ``SystemExit`` propagates and fails the test: in a real process
    it would have printed a traceback.
    """
    from opssim.cli import main

    def run(*args: str, env: dict[str, str | None] | None = None) -> CliResult:
        for key, value in (env or {}).items():
            if value is None:
                monkeypatch.delenv(key, raising=False)
            else:
                monkeypatch.setenv(key, value)
        monkeypatch.setattr(sys, "argv", ["opssim", *map(str, args)])
        capsys.readouterr()
        with pytest.raises(SystemExit) as exc:
            main()
        code = exc.value.code
        captured = capsys.readouterr()
        return CliResult(code if isinstance(code, int) else (0 if code is None else 1),
                         captured.out, captured.err)

    return run


def headless_env(**extra: str) -> dict[str, str]:
    """The environment of a machine without a display (and without pygame's banner)."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def run_cli_subprocess() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``opssim`` script in a fresh process (no display)."""
    script = VENV_BIN / "opssim"

    def run(*args: str, timeout: float = 60, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
        cmd = [str(script)] if script.exists() else [sys.executable, "-m", "opssim.cli"]
        return subprocess.run(
            [*cmd, *map(str, args)], capture_output=True, text=True, timeout=timeout,
            env=env or headless_env(), cwd=REPO,
        )

    return run


@pytest.fixture(scope="session")
def python_subprocess() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -c CODE`` in a fresh interpreter (no display)."""

    def run(code: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout,
            env=headless_env(), cwd=REPO,
        )

    return run


@pytest.fixture
def no_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No DISPLAY, WAYLAND_DISPLAY or SDL_VIDEODRIVER in this process's environment."""
    for key in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(key, raising=False)
    yield


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh user data folder for this test (``$OPSSIM_DATA_DIR``; not created here)."""
    d = tmp_path / "data"
    monkeypatch.setenv("OPSSIM_DATA_DIR", str(d))
    return d
