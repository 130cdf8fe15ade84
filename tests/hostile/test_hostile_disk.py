"""A full disk (every flush to disk fails with ENOSPC): ``new`` leaves no 0-byte file and can be
retried, a screenshot is one line and exit 1 with no file left, and Save game in the window
says why instead of crashing."""

import errno
import os
from pathlib import Path

import pytest


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``fsync`` fails as on a full disk (the writes before it were buffered)."""

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)


def test_new_on_a_full_disk_leaves_nothing_and_can_be_retried(cli, tmp_path: Path,
                                                              monkeypatch) -> None:
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    r = cli("new", "spring", "--out", tmp_path)
    assert r.code == 2 and len(r.err_lines) == 1 and "No space left" in r.err, r
    assert list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    r = cli("new", "spring", "--out", tmp_path)
    assert r.code == 0, r
    assert (tmp_path / "spring.yaml").stat().st_size > 100


def test_a_screenshot_on_a_full_disk_is_one_line(cli, tmp_path: Path, disk_full) -> None:
    shot = tmp_path / "shot.png"
    r = cli("play", "--frames", "2", "--screenshot", shot, env={"SDL_VIDEODRIVER": "dummy"})
    assert r.code == 1 and r.err_lines == [r.err.strip()], r
    assert "--screenshot: cannot write" in r.err and "No space left" in r.err
    assert list(tmp_path.iterdir()) == []  # no 0-byte PNG


def test_save_game_on_a_full_disk_says_why(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("OPSSIM_DATA_DIR", str(tmp_path / "data"))
    import pygame

    from opssim.render import fonts
    from opssim.render.game import SIZE, Game
    from opssim.render.save_screen import SaveScreen
    from opssim.scenario import default_scenario_path, load_scenario

    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    try:
        window = pygame.display.set_mode(SIZE)
        game = Game(lang="en")
        game.start(load_scenario(default_scenario_path()), default_scenario_path())
        assert game.can_save
        game.open_saves("save")

        def full(fd: int) -> None:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr(os, "fsync", full)
        assert game.save_to(None) is None
        screen = game.overlays[-1]
        assert isinstance(screen, SaveScreen)
        assert screen.message is not None and "No space left" in screen.message[0]
        game.draw(window)
        assert [p for p in (tmp_path / "data" / "saves").iterdir()] == []
        monkeypatch.undo()
        monkeypatch.setenv("OPSSIM_DATA_DIR", str(tmp_path / "data"))
        assert game.save_to(None) is not None  # room again: it saves
    finally:
        pygame.quit()
        fonts.reset()
