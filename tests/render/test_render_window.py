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
