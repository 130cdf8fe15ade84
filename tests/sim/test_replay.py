"""Replays: ``opssim run --record`` writes a run's inputs and a checksum per week;
``opssim replay`` re-runs it and names the first week whose state differs."""

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from opssim.batch import parse_policy, run_engine
from opssim.play.driver import Driver
from opssim.scenario import Scenario, default_scenario_path, load_scenario, parse_scenario
from opssim.sim import Engine
from opssim.sim.engine import ENGINE_VERSION
from opssim.sim.record import Recording, RecordingError, replay, state_checksum

TUTORIAL = default_scenario_path().parent / "tutorial.yaml"


@pytest.fixture(scope="module")
def tutorial() -> Scenario:
    return load_scenario(TUTORIAL)


@pytest.fixture(scope="module")
def two_weeks(tutorial: Scenario) -> Scenario:
    """The tutorial cut to its first two weeks (their happenings and targets,
    no expectations): a run in
    ~0.05 s."""
    data = tutorial.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["weeks"] = 2
    data["expect"] = []
    data["calendar"] = [h for h in data["calendar"] if h["week"] <= 2]
    data["reviews"]["targets"] = [{**t, "to_week": min(t.get("to_week") or 2, 2)}
                                  for t in data["reviews"]["targets"]
                                  if t.get("from_week", 1) <= 2]
    return parse_scenario(json.dumps(data, indent=1), "two-weeks.yaml")


def recorded(sc: Scenario, seed: int, policy: str = "plan") -> Recording:
    """The recording of a headless run, as ``opssim run --record`` makes it."""
    checksums: list[str] = []
    engine = run_engine(sc, seed, parse_policy(policy, sc),
                        on_week=lambda e: checksums.append(state_checksum(e)))
    return Recording.of(engine, checksums, policy=policy)


def test_a_hundred_seeds_replay_identically(two_weeks: Scenario) -> None:
    """Each recording goes through its JSON text and back, as a file would."""
    for seed in range(100):
        rec = Recording.from_json(recorded(two_weeks, seed, "even" if seed % 2 else "plan")
                                  .to_json())
        assert rec.weeks == 2
        result = replay(two_weeks, rec)
        assert result.identical, f"seed {seed}: week {result.first_difference} differs"
        assert result.weeks_checked == 2


def test_checksums_tell_seeds_apart(tutorial: Scenario) -> None:
    a, b = recorded(tutorial, 1), recorded(tutorial, 2)
    assert a.checksums[0] != b.checksums[0]
    result = replay(tutorial, Recording.from_json(a.to_json().replace('"seed": 1', '"seed": 2')))
    assert result.first_difference == 1


def tampered(rec: Recording, week: int, *, checksum: str | None = None,
             hours: dict[str, float] | None = None) -> Recording:
    """``rec`` with week ``week`` (1-based) edited in its JSON text."""
    data = json.loads(rec.to_json())
    entry = data["weeks"][week - 1]
    if checksum is not None:
        entry["checksum"] = checksum
    if hours is not None:
        entry["hours"].update(hours)
    return Recording.from_json(json.dumps(data))


@pytest.mark.parametrize("week", [1, 4, 10])
def test_a_tampered_checksum_names_its_week(tutorial: Scenario, week: int) -> None:
    rec = recorded(tutorial, 7)
    result = replay(tutorial, tampered(rec, week, checksum="0" * 16))
    assert (result.first_difference, result.weeks_checked) == (week, week - 1)
    assert result.expected == "0" * 16 and result.got == rec.checksums[week - 1]


@pytest.mark.parametrize("week", [2, 6])
def test_tampered_hours_name_their_week(tutorial: Scenario, week: int) -> None:
    rec = recorded(tutorial, 7)
    duty = next(iter(rec.inputs[week - 1]))
    result = replay(tutorial, tampered(rec, week, hours={duty: rec.inputs[week - 1][duty] + 3}))
    assert result.first_difference == week


def test_hours_the_week_cannot_hold_name_their_week(tutorial: Scenario) -> None:
    rec = recorded(tutorial, 7)
    result = replay(tutorial, tampered(rec, 3, hours={"copy": 500.0}))
    assert result.first_difference == 3 and "hours rejected" in result.got


def test_a_window_session_replays_headless(tutorial: Scenario) -> None:
    """The window's driver, stepped frame by frame on the plan, keeps the checksums a
    headless replay of its inputs gets, week by week."""
    driver = Driver(Engine(tutorial, seed=11), auto=True, hold_frames=2)
    while not driver.engine.finished and driver.frame < 100_000:
        driver.step()
    rec = Recording.from_json(driver.recording(policy="window").to_json())
    assert rec.weeks == len(driver.checksums) > 0
    result = replay(tutorial, rec)
    assert result.identical and result.weeks_checked == rec.weeks
    assert list(rec.checksums) == list(recorded(tutorial, 11).checksums)[: rec.weeks]


# -- the command line --------------------------------------------------------------------


@pytest.fixture
def recording_dir(tmp_path: Path, cli) -> Path:
    """A folder with tutorial.yaml and rec.json, recorded by ``opssim run --record``."""
    shutil.copy(TUTORIAL, tmp_path / "tutorial.yaml")
    r = cli("run", tmp_path / "tutorial.yaml", "--seed", "5", "--record", tmp_path / "rec.json",
            "--json")
    assert r.code == 0, r
    assert json.loads(r.out)["seed"] == 5
    return tmp_path


def test_run_record_then_replay_confirms(cli, recording_dir: Path) -> None:
    rec = Recording.load(recording_dir / "rec.json")
    assert rec.seed == 5 and rec.policy == "plan" and rec.weeks == 10
    assert set(rec.versions) == {"engine", "opssim", "numpy", "simpy", "python"}
    r = cli("replay", recording_dir / "rec.json")
    assert r.code == 0, r
    assert "10 weeks" in r.out and "every checksum matches" in r.out


def test_replay_finds_the_scenario_from_the_current_folder(cli, recording_dir: Path,
                                                           monkeypatch: pytest.MonkeyPatch,
                                                           tmp_path_factory) -> None:
    """The recording names ``.../tutorial.yaml`` as given; moved elsewhere it is looked up
    beside the recording, then here."""
    moved = tmp_path_factory.mktemp("moved")
    data = json.loads((recording_dir / "rec.json").read_text())
    data["scenario"] = "tutorial.yaml"
    (moved / "rec.json").write_text(json.dumps(data))
    monkeypatch.chdir(recording_dir)
    r = cli("replay", moved / "rec.json")
    assert r.code == 0, r
    (recording_dir / "tutorial.yaml").unlink()
    r = cli("replay", moved / "rec.json")
    assert r.code == 2 and len(r.err_lines) == 1
    assert "tutorial.yaml is not found" in r.err and "--scenario" in r.err


def test_replay_names_the_first_week_that_differs(cli, recording_dir: Path) -> None:
    path = recording_dir / "rec.json"
    data = json.loads(path.read_text())
    data["weeks"][5]["checksum"] = "f" * 16
    data["weeks"][7]["checksum"] = "e" * 16
    path.write_text(json.dumps(data))
    r = cli("replay", path)
    assert r.code == 1
    assert r.err_lines == [r.err.strip()]
    assert "week 6 differs" in r.err and "f" * 16 in r.err


def test_replay_on_a_changed_scenario_says_so(cli, recording_dir: Path) -> None:
    text = (recording_dir / "tutorial.yaml").read_text()
    changed = recording_dir / "changed.yaml"
    changed.write_text(text.replace("weeks: 10", "weeks: 11"))
    r = cli("replay", recording_dir / "rec.json", "--scenario", changed)
    assert r.code == 1 and len(r.err_lines) == 1
    assert "the scenario changed" in r.err and str(changed) in r.err


@pytest.mark.parametrize(
    ("content", "says"),
    [("{}", "not an opssim recording"), ("not json", "not JSON"), (b"\xff\xfe", "not UTF-8"),
     ('{"format": "opssim-recording/3", "weeks": [{}]}', "malformed"),
     ('{"format": "opssim-recording/1", "weeks": []}', "an older recording"),
     ('{"format": "opssim-recording/2", "weeks": []}', "no incident answers")],
)
def test_a_broken_recording_is_one_line(cli, tmp_path: Path, content: str | bytes,
                                        says: str) -> None:
    path = tmp_path / "bad.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    r = cli("replay", path)
    assert r.code == 2 and len(r.err_lines) == 1 and says in r.err


def test_record_into_a_missing_folder_fails_before_running(cli, tmp_path: Path) -> None:
    r = cli("run", "--record", tmp_path / "no" / "rec.json")
    assert r.code == 2 and len(r.err_lines) == 1 and "does not exist" in r.err


def test_a_recording_of_another_engine_is_refused_in_one_line(two_weeks: Scenario) -> None:
    """Engine v2 changed every run's numbers: a recording made by engine 1 says so."""
    rec = recorded(two_weeks, seed=1)
    old = dataclasses.replace(rec, versions={k: v for k, v in rec.versions.items()
                                             if k != "engine"})
    this = rf"made by engine 1 .*this is engine {ENGINE_VERSION}"
    with pytest.raises(RecordingError, match=this):
        replay(two_weeks, old)
