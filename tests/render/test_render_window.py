"""The window: scripted frames make a real, reproducible picture; no display is one line."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pygame

from opssim.render import play
from opssim.scenario import Scenario


def pixels(path: Path) -> np.ndarray:
    """The PNG's pixels as an (x, y, rgb) array."""
    return pygame.surfarray.array3d(pygame.image.load(path))


def test_pygame_is_pygame_ce() -> None:
    assert pygame.IS_CE


def test_frames_write_a_screenshot_that_is_not_blank(starter: Scenario, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    assert play(starter, seed=1, lang="en", frames=260, screenshot=shot) == 0
    px = pixels(shot)
    assert px.shape == (1280, 720, 3)
    flat = px.reshape(-1, 3)
    colours, counts = np.unique(flat, axis=0, return_counts=True)
    assert len(colours) > 50  # text, bars, bands and dots, not a flat fill
    background = colours[counts.argmax()]
    share = (flat != background).any(axis=1).mean()
    assert share > 0.3


def test_same_seed_same_pixels(starter: Scenario, tmp_path: Path) -> None:
    a, b = tmp_path / "a.png", tmp_path / "b.png"
    assert play(starter, seed=5, lang="en", frames=230, screenshot=a) == 0
    assert play(starter, seed=5, lang="en", frames=230, screenshot=b) == 0
    assert np.array_equal(pixels(a), pixels(b))


def test_chinese_window_renders(starter: Scenario, tmp_path: Path) -> None:
    shot = tmp_path / "zh.png"
    assert play(starter, seed=2, lang="zh", frames=60, screenshot=shot) == 0
    assert shot.stat().st_size > 10_000


def test_scenario_without_labels_renders(small: Scenario, tmp_path: Path) -> None:
    shot = tmp_path / "small.png"
    assert play(small, seed=0, lang="en", frames=800, screenshot=shot) == 0  # to the end


def test_no_display_is_one_line_and_exit_3() -> None:
    code = (
        "import os, sys, pathlib\n"
        "os.environ['SDL_VIDEODRIVER'] = 'no-such-driver'\n"
        "from opssim.render import play\n"
        "from opssim.scenario import load_scenario, default_scenario_path\n"
        "sc = load_scenario(default_scenario_path())\n"
        "sys.exit(play(sc, seed=0, lang='en', frames=None, screenshot=None))\n"
    )
    env = {"PYGAME_HIDE_SUPPORT_PROMPT": "1", "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, env=env)
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("opssim: play: cannot open a window (")
    assert lines[0].endswith("); to run headless use: opssim run")


def test_a_resized_window_is_laid_out_again_with_the_run_kept(starter: Scenario) -> None:
    from opssim.render import fonts, pen
    from opssim.render.game import Game

    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    try:
        window = pygame.display.set_mode((1280, 720), pygame.RESIZABLE)
        game = Game(lang="en", seed=1)
        app = game.start(starter, None)
        app.planning.values["copy"] = 3.0
        for _ in range(5):
            game.step()
        engine = app.engine
        window = pygame.display.set_mode((1024, 768), pygame.RESIZABLE)
        game.handle(pygame.event.Event(pygame.VIDEORESIZE, size=(1024, 768), w=1024, h=768))
        assert game.app is app and app.engine is engine  # the same run, views rebuilt
        assert game.size == (1024, 768) and pen.scale == 0.8
        assert app.planning.visible and app.planning.values["copy"] == 3.0
        with fonts.tracing() as texts:
            game.draw(window)
        assert texts and all(window.get_rect().contains(r) for _t, r in texts)
        # A window drawn at a size nobody announced (a DPI change) is laid out for it too.
        window = pygame.display.set_mode((1920, 1080), pygame.RESIZABLE)
        game.draw(window)
        assert game.size == (1920, 1080) and pen.scale == 1.5
    finally:
        pygame.quit()
        fonts.reset()
