"""The player's folders: the scenario list (bundled, then the player's own, broken ones with
their first error) and the saves (newest first, unreadable ones said so)."""

import os
import shutil
from pathlib import Path

import pytest

from opssim.play.userdata import (
    data_dir,
    list_saves,
    list_scenarios,
    load_save,
    saves_dir,
    user_scenarios_dir,
    write_save,
)
from opssim.scenario import Scenario, default_scenario_path, scenario_hash
from opssim.sim.record import (
    Recording,
    RecordingError,
    file_sha256,
    restore,
    state_checksum,
    weeks_of,
)

pytestmark = pytest.mark.usefixtures("data")  # every test here has its own data folder


def test_folders_follow_the_override(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert data_dir() == data
    assert user_scenarios_dir() == data / "scenarios" and saves_dir() == data / "saves"
    monkeypatch.delenv("OPSSIM_DATA_DIR")
    assert data_dir().name == "opssim"  # the platform's user data folder


def test_scenarios_bundled_easiest_first_then_the_players(data: Path) -> None:
    own = data / "scenarios"
    own.mkdir(parents=True)
    shutil.copy(default_scenario_path(), own / "mine.yaml")
    (own / "broken.yaml").write_text("id: x\nweeks: many\n", encoding="utf-8")
    entries = list_scenarios()
    bundled = [e for e in entries if e.bundled]
    assert len(bundled) == len(list(default_scenario_path().parent.glob("*.yaml")))
    assert bundled[0].difficulty == "tutorial"
    assert all(e.title.en and e.description.en and e.weeks for e in bundled)
    mine = [e for e in entries if not e.bundled]
    assert [e.path.name for e in mine] == ["broken.yaml", "mine.yaml"]
    assert "broken.yaml:" in mine[0].error and not mine[1].error
    assert mine[1].title.zh  # both languages come from the file


def _recording(sc: Scenario, weeks: int) -> Recording:
    """``weeks`` of the manager's plan on seed 7, as a save records them."""
    checksums, answers = [], []
    for week, e in weeks_of(sc, 7, (sc.plan_hours(),) * weeks):
        checksums.append(state_checksum(e))
        answers.append(tuple(e.incidents.choices_in_week(week)))
    return Recording(scenario_hash(sc), 7, (sc.plan_hours(),) * weeks, tuple(checksums),
                     scenario=str(default_scenario_path()), policy="window",
                     scenario_sha256=file_sha256(default_scenario_path()),
                     choices=tuple(answers))


def test_saves_newest_first_and_loadable(starter: Scenario, data: Path) -> None:
    old = write_save(_recording(starter, 1), starter)
    new = write_save(_recording(starter, 3), starter)
    os.utime(old, (1_000_000_000, 1_000_000_000))
    (data / "saves" / "junk.json").write_text("[]", encoding="utf-8")
    os.utime(data / "saves" / "junk.json", (1, 1))
    saves = list_saves()
    assert [s.path for s in saves] == [new, old, data / "saves" / "junk.json"]
    assert saves[0].week == 4 and saves[0].title.en == starter.title.en
    assert saves[0].date[:2] == "20"
    assert saves[2].recording is None and "not an opssim recording" in saves[2].error
    sc, rec, where = load_save(new)
    assert where == default_scenario_path() and rec.weeks == 3
    assert restore(sc, rec).now == 3 * 168
    assert write_save(rec, sc, over=old) == old  # overwriting keeps the name


def test_a_save_whose_scenario_is_gone(starter: Scenario, tmp_path: Path) -> None:
    rec = _recording(starter, 1)
    gone = Recording(rec.scenario_hash, rec.seed, rec.inputs, rec.checksums,
                     scenario=str(tmp_path / "deleted.yaml"), scenario_sha256="0" * 64)
    path = write_save(gone, starter)
    with pytest.raises(RecordingError, match=r"deleted\.yaml is not found"):
        load_save(path)
    assert list_saves()[0].title.en == "deleted"
