"""Settings between sessions: stored in ``<data>/settings.json``, a bad file means defaults and
one line, command-line flags hold for their session only; reduced motion hides the dots'
legend."""

import json
from pathlib import Path

import pygame
import pytest

from opssim.play.driver import AUTO_SPEED
from opssim.play.settings import (
    Settings,
    SettingsStore,
    load_settings,
    save_settings,
    settings_path,
)
from opssim.render import fonts
from opssim.render.game import Game
from opssim.scenario import default_scenario_path, load_scenario

pytestmark = pytest.mark.usefixtures("data")  # every test here has its own data folder


def test_round_trip(data: Path) -> None:
    assert settings_path() == data / "settings.json"
    assert load_settings() == (Settings(), None)  # no file: the defaults, nothing to say
    s = Settings(lang="zh", reduced_motion=True, speed=3)
    save_settings(s)
    assert load_settings() == (s, None)
    assert json.loads(settings_path().read_text(encoding="utf-8"))["lang"] == "zh"
    assert not list(data.glob(".settings.json.*"))  # the atomic write left no temporary file


@pytest.mark.parametrize(("text", "says"), [
    ("{not json", "not JSON"),
    ('{"lang": "fr"}', "lang"),
    ('{"reduced_motion": "yes"}', "reduced_motion"),
    ('{"speed": 9}', "speed"),
    ("[1, 2]", "ignored"),
    (b"\xff\xfe\x00", "cannot be read"),
])
def test_a_corrupt_file_means_defaults_and_one_line(data: Path, text: str | bytes,
                                                    says: str) -> None:
    data.mkdir()
    path = data / "settings.json"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    settings, note = load_settings()
    assert settings == Settings()
    assert note is not None and says in note and "\n" not in note and "default" in note


def test_an_unreadable_file_means_defaults(data: Path) -> None:
    (data / "settings.json").mkdir(parents=True)  # a folder where the file should be
    settings, note = load_settings()
    assert settings == Settings() and note is not None and "cannot be read" in note
    store = SettingsStore()
    problem = store.remember(lang="zh")  # cannot be written either: said, not raised
    assert problem is not None and "cannot be written" in problem


def test_unknown_keys_are_ignored(data: Path) -> None:
    data.mkdir()
    (data / "settings.json").write_text('{"lang": "zh", "volume": 3}', encoding="utf-8")
    assert load_settings() == (Settings(lang="zh"), None)


def test_the_players_changes_are_remembered(screen: pygame.Surface, data: Path) -> None:
    game = Game(lang="en", store=SettingsStore())
    game.to_title()
    game.toggle_lang()
    assert load_settings()[0] == Settings(lang="zh")
    game.toggle_motion()
    assert load_settings()[0] == Settings(lang="zh", reduced_motion=True)
    app = game.start(load_scenario(default_scenario_path()), default_scenario_path())
    assert app.driver.speed == 1
    game.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_2, mod=0, unicode="2",
                                   scancode=0))
    assert app.driver.speed == 2
    assert load_settings()[0] == Settings(lang="zh", reduced_motion=True, speed=2)
    # The next session starts where this one left off.
    stored = SettingsStore().stored
    later = Game(lang=stored.lang, reduced_motion=stored.reduced_motion, speed=stored.speed)
    app = later.start(load_scenario(default_scenario_path()), default_scenario_path())
    assert app.driver.speed == 2 and app.reduced_motion and app.lang == "zh"
    auto = later.start(load_scenario(default_scenario_path()), None, auto=True)
    assert auto.driver.speed == AUTO_SPEED  # an unattended run keeps its own pace


def _session(cli, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[Game, object]:
    """``opssim play ARGS`` up to its frame loop; the game it built and the CLI's result."""
    from opssim.render import window as game_module

    seen: list[Game] = []
    monkeypatch.setattr(game_module, "_interactive", lambda game, screen: seen.append(game))
    result = cli("play", *args, env={"SDL_VIDEODRIVER": "dummy"})
    assert result.code == 0, result.err
    return seen[0], result


def test_flags_override_for_the_session_only(cli, monkeypatch: pytest.MonkeyPatch,
                                             data: Path) -> None:
    game, _ = _session(cli, monkeypatch)
    assert (game.lang, game.reduced_motion, game.speed) == ("en", False, 1)
    save_settings(Settings(lang="zh", reduced_motion=True, speed=3))
    game, _ = _session(cli, monkeypatch)
    assert (game.lang, game.reduced_motion, game.speed) == ("zh", True, 3)
    game, _ = _session(cli, monkeypatch, "--lang", "en", "--no-reduced-motion")
    assert (game.lang, game.reduced_motion) == ("en", False)
    assert load_settings()[0] == Settings(lang="zh", reduced_motion=True, speed=3)  # untouched
    save_settings(Settings())
    game, _ = _session(cli, monkeypatch, "--reduced-motion")
    assert game.reduced_motion and load_settings()[0] == Settings()


def test_a_corrupt_file_is_one_line_not_a_crash(cli, monkeypatch: pytest.MonkeyPatch,
                                                data: Path) -> None:
    data.mkdir()
    (data / "settings.json").write_text('{"lang": ', encoding="utf-8")
    game, result = _session(cli, monkeypatch)
    assert game.lang == "en"
    lines = result.err.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and "settings.json" in lines[0] and "default" in lines[0]
    assert game.toast is not None and "settings.json" in game.toast[0]


def test_reduced_motion_hides_the_dots_legend(screen: pygame.Surface) -> None:
    def shown(reduced: bool) -> list[str]:
        game = Game(lang="en", reduced_motion=reduced)
        app = game.start(load_scenario(default_scenario_path()), default_scenario_path())
        app.planning.start()
        for _ in range(30):
            game.step()
        with fonts.tracing() as texts:
            game.draw(screen)
        return [t for t, _ in texts]

    def legend(texts: list[str]) -> list[str]:
        return [t for t in texts if (t.startswith("●") and "user" in t) or "sample" in t]

    assert legend(shown(False))
    assert not legend(shown(True))
