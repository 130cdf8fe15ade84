"""The window's lists survive what a user folder can hold: broken links, link loops, FIFOs,
deep and huge-number JSON, saves with refused hours, names that are not UTF-8, and a settings
file linked to /dev/zero."""

import json
import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from opssim.play.settings import load_settings
from opssim.play.userdata import list_saves
from opssim.render import fonts
from opssim.render.game import SIZE, Game
from opssim.render.save_screen import SaveScreen
from opssim.scenario import default_scenario_path, load_scenario, scenario_hash
from opssim.sim.record import Recording, file_sha256, state_checksum, weeks_of


@pytest.fixture
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "data"
    monkeypatch.setenv("OPSSIM_DATA_DIR", str(d))
    return d


@pytest.fixture
def window() -> Iterator[pygame.Surface]:
    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    yield pygame.display.set_mode(SIZE)
    pygame.quit()
    fonts.reset()


def good_save() -> Recording:
    sc = load_scenario(default_scenario_path())
    plan = (sc.plan_hours(),)
    played = [(state_checksum(e), tuple(e.incidents.choices_in_week(w)))
              for w, e in weeks_of(sc, 1, plan)]
    return Recording(scenario_hash(sc), 1, plan, tuple(p[0] for p in played),
                     scenario=str(default_scenario_path()),
                     scenario_sha256=file_sha256(default_scenario_path()), policy="window",
                     choices=tuple(p[1] for p in played))


@pytest.fixture
def hostile_saves(data: Path) -> dict[str, Path]:
    """A saves folder holding one good save and every odd thing found in the attack."""
    folder = data / "saves"
    folder.mkdir(parents=True)
    good = good_save()
    paths = {"good": folder / "good.json"}
    good.save(paths["good"])
    text = good.to_json()
    paths["broken-link"] = folder / "broken-link.json"
    paths["broken-link"].symlink_to(folder / "gone.json")
    paths["loop"] = folder / "loop.json"
    paths["loop"].symlink_to(folder / "loop.json")
    paths["fifo"] = folder / "fifo.json"
    os.mkfifo(paths["fifo"])
    paths["deep"] = folder / "deep.json"
    paths["deep"].write_text("[" * 200_000 + "]" * 200_000)
    paths["huge-number"] = folder / "huge-number.json"
    paths["huge-number"].write_text(text.replace('"seed": 1', '"seed": ' + "9" * 5000))
    for name, hours in (("refused-1e308", "1e308"), ("refused-negative", "-1")):
        data_ = json.loads(text)
        data_["weeks"][0]["hours"]["copy"] = float(hours)
        paths[name] = folder / f"{name}.json"
        paths[name].write_text(json.dumps(data_))
    data_ = json.loads(text)
    data_["weeks"][0]["hours"]["juggling"] = 3
    paths["unknown-duty"] = folder / "unknown-duty.json"
    paths["unknown-duty"].write_text(json.dumps(data_))
    paths["not-utf8"] = folder / os.fsdecode(b"\xff.json")
    paths["not-utf8"].write_text(text)
    return paths


def test_the_save_list_lists_every_odd_file(hostile_saves: dict[str, Path], no_hang) -> None:
    saves = {s.path.name: s for s in list_saves()}
    assert set(saves) == {p.name for p in hostile_saves.values()}
    for odd in ("broken-link", "loop", "fifo", "deep", "huge-number"):
        entry = saves[f"{odd}.json"]
        assert entry.recording is None and entry.error, odd
    assert "FIFO" in saves["fifo.json"].error
    assert saves["good.json"].recording is not None
    assert saves[os.fsdecode(b"\xff.json")].name == "\\xff.json"


def test_the_window_shows_and_loads_them_without_crashing(
        window: pygame.Surface, hostile_saves: dict[str, Path], no_hang) -> None:
    game = Game(lang="en")
    game.to_title()
    game.open_saves("load")
    screen = game.overlays[-1]
    assert isinstance(screen, SaveScreen)
    game.draw(window)
    for name in ("refused-1e308", "refused-negative", "unknown-duty"):
        assert not game.load_from(hostile_saves[name])  # one message in the list, no crash
        assert "hours refused" in screen.message[0], screen.message
        game.draw(window)
    assert game.load_from(hostile_saves["good"])


def test_a_scenario_file_named_in_bytes_that_are_not_utf8(window: pygame.Surface,
                                                          data: Path) -> None:
    own = data / "scenarios"
    own.mkdir(parents=True)
    (own / os.fsdecode(b"\xff.yaml")).write_bytes(default_scenario_path().read_bytes())
    (own / os.fsdecode(b"bad\xfe.yaml")).write_text("weeks: !!set 12\n")
    game = Game(lang="en")
    game.to_title()
    game.draw(window)  # crashed: a surrogate in a name cannot be drawn


def test_settings_linked_to_dev_zero_or_a_fifo_mean_the_defaults(tmp_path: Path,
                                                                 zero_link, fifo,
                                                                 no_hang) -> None:
    for path in (zero_link("settings.json"), fifo("fifo.json")):
        settings, note = load_settings(path)
        assert settings.lang == "en" and note and "using the default settings" in note
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    huge = tmp_path / "huge.json"
    huge.write_text('{"speed": ' + "9" * 5000 + "}")
    for path in (deep, huge):
        settings, note = load_settings(path)
        assert note and "using the default settings" in note
