"""Hostile files given to the commands: FIFOs and links to /dev/zero (which used to hang or
flood), YAML tags that build other types, deep and huge JSON, recordings that name a private
file, NUL bytes and very long paths. Each gives one line and the right exit code."""

import json
import shutil
from pathlib import Path

import pytest

from opssim.scenario import ScenarioError, default_scenario_path, parse_scenario

TUTORIAL = default_scenario_path().parent / "tutorial.yaml"


def one_line(r, code: int = 2) -> str:
    assert r.code == code, r
    assert len(r.err_lines) == 1, r
    assert "Traceback" not in r.err
    return r.err_lines[0]


# -- special files ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "zero"])
def test_special_scenario_files_are_refused(cli, fifo, zero_link, kind: str,
                                            no_hang: None) -> None:
    path = fifo("p.yaml") if kind == "fifo" else zero_link("z.yaml")
    for args in (("validate", path), ("run", path), ("batch", path, "--seeds", "1")):
        r = cli(*args)
        assert r.code == 2 and "not a regular file" in r.err, (args, r)
        assert "Traceback" not in r.err


def test_special_recordings_and_schedules_are_refused(cli, fifo, zero_link, short_file: Path,
                                                     no_hang: None) -> None:
    for path in (fifo("rec.json"), zero_link("zero.json")):
        assert "not a regular file" in one_line(cli("replay", path))
    line = one_line(cli("run", short_file, "--policy", f"schedule:{fifo('s.yaml')}"))
    assert "FIFO" in line


def test_a_fifo_as_batch_output_is_refused(cli, fifo, short_file: Path, no_hang) -> None:
    out = fifo("out.csv")
    assert "not a regular file" in one_line(cli("batch", short_file, "--seeds", "1", "--out",
                                                out))
    assert "not a regular file" in one_line(cli("batch", short_file, "--seeds", "1", "--out",
                                                out, "--resume"))


@pytest.mark.parametrize("target", ["/dev/full", "/dev/null"])
def test_outputs_never_replace_a_device(cli, tmp_path: Path, target: str) -> None:
    """A link to a device stands for the device (writing through it as root replaced the
    node with a regular file); refused before the run."""
    link = tmp_path / "out.json"
    link.symlink_to(target)
    assert "a device" in one_line(cli("run", "--record", link))
    assert "a device" in one_line(cli("schema", "--out", link))
    assert link.is_symlink()


def test_odd_screenshot_destinations(cli, tmp_path: Path) -> None:
    env = {"SDL_VIDEODRIVER": "dummy"}
    folder = tmp_path / "shots"
    folder.mkdir()
    assert "is a folder" in one_line(cli("play", "--frames", "1", "--screenshot", folder,
                                         env=env))
    assert "does not exist" in one_line(cli("play", "--frames", "1", "--screenshot",
                                            tmp_path / "no" / "x.png", env=env))
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        r = cli("play", "--frames", "1", "--screenshot", locked / "x.png", env=env)
        if r.code == 0:  # root writes anywhere
            assert (locked / "x.png").stat().st_size > 1000
        else:
            assert "cannot write" in one_line(r, 1)
    finally:
        locked.chmod(0o700)


# -- YAML tags --------------------------------------------------------------------------------


@pytest.mark.parametrize("tag", ["!!set", "!!omap", "!!bool", "!!int", "!!str", "!custom"])
def test_every_yaml_tag_is_refused(starter_text: str, tag: str) -> None:
    text = starter_text.replace("weeks: 12\n", f"weeks: {tag} 12\n", 1)
    assert text != starter_text
    with pytest.raises(ScenarioError) as exc:
        parse_scenario(text, "tagged.yaml")
    assert str(exc.value.errors[0]).startswith("tagged.yaml:")
    assert "YAML tags are not allowed" in str(exc.value)


def test_a_tagged_scenario_is_one_line_in_every_command(cli, tmp_path: Path,
                                                        starter_text: str) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(starter_text.replace("weeks: 12\n", "weeks: !!set 12\n", 1))
    for args in (("validate", path), ("run", path), ("batch", path, "--seeds", "1")):
        line = one_line(cli(*args))
        assert "YAML tags are not allowed" in line and "set.yaml:" in line


# -- recordings -----------------------------------------------------------------------------


@pytest.fixture
def recorded(cli, tmp_path: Path) -> Path:
    """tutorial.yaml and rec.json, recorded by ``opssim run --record`` (fired or not)."""
    shutil.copy(TUTORIAL, tmp_path / "tutorial.yaml")
    r = cli("run", tmp_path / "tutorial.yaml", "--seed", "5", "--record", tmp_path / "rec.json")
    assert r.code == 0, r
    return tmp_path / "rec.json"


def edit(path: Path, change) -> Path:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))
    return path


def test_a_recording_cut_short_does_not_replay_as_matching(cli, recorded: Path) -> None:
    data = json.loads(recorded.read_text())
    assert data["week_count"] == len(data["weeks"]) == 10 and data["outcome"] != "unfinished"

    def cut(d: dict) -> None:
        d["weeks"] = d["weeks"][:7]

    assert "week_count: says 10, the file holds 7 weeks" in one_line(cli("replay",
                                                                         edit(recorded, cut)))

    def cut_and_count(d: dict) -> None:
        d["week_count"] = 7

    line = one_line(cli("replay", edit(recorded, cut_and_count)), 1)
    assert "after week 7 the run is unfinished" in line


def test_an_emptied_recording_does_not_replay_as_matching(cli, recorded: Path) -> None:
    def empty(d: dict) -> None:
        d["weeks"], d["week_count"] = [], 0

    line = one_line(cli("replay", edit(recorded, empty)), 1)
    assert "after week 0 the run is unfinished, the recording says" in line


@pytest.mark.parametrize("shape", ["deep", "digits", "huge-hours"])
def test_deep_or_huge_json_recordings_are_one_line(cli, recorded: Path, shape: str) -> None:
    text = recorded.read_text()
    if shape == "deep":
        recorded.write_text("[" * 200_000 + "]" * 200_000)
    elif shape == "digits":
        recorded.write_text(text.replace('"seed": 5', '"seed": ' + "7" * 5000))
    else:
        data = json.loads(text)
        data["weeks"][0]["hours"]["copy"] = 10**4000
        recorded.write_text(json.dumps(data))
    line = one_line(cli("replay", recorded))
    assert {"deep": "nested deeper", "digits": "digits",
            "huge-hours": "finite number"}[shape] in line


def test_a_recording_naming_a_private_file_never_shows_it(cli, recorded: Path,
                                                          tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("api_token: hunter2-very-secret\n")
    for named in (str(secret), "secret.txt", "/etc/shadow", "/etc/passwd"):
        r = cli("replay", edit(recorded, lambda d, n=named: d.update(scenario=n)))
        line = one_line(r)
        assert "api_token" not in r.err and "hunter2" not in r.err and "root:" not in r.err
        assert "not the file it was recorded on" in line or "not found" in line, line


@pytest.mark.parametrize("named", ["a\0b.yaml", "x" * 100_000])
def test_a_recording_naming_an_impossible_path(cli, recorded: Path, named: str) -> None:
    r = cli("replay", edit(recorded, lambda d: d.update(scenario=named)))
    line = one_line(r)
    assert len(line) < 500 and "--scenario" in line


def test_play_load_of_refused_hours_is_one_line(cli, recorded: Path, tmp_path: Path) -> None:
    env = {"SDL_VIDEODRIVER": "dummy"}
    for value in (1e308, -1):
        def bad(d: dict, v=value) -> None:
            d["weeks"][2]["hours"]["copy"] = v

        line = one_line(cli("play", "--load", edit(recorded, bad), env=env))
        assert "week 3: hours refused" in line
