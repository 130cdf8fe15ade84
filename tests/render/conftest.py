"""Render tests run offscreen: no window, no audio, no pygame banner."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

from collections.abc import Iterator

import pygame
import pytest

from opssim.render import fonts, layout
from opssim.scenario import Scenario, default_scenario_path, load_scenario

#: The scenarios the game ships (starter, small-startup, big-company).
SHIPPED = sorted(default_scenario_path().parent.glob("*.yaml"))


@pytest.fixture(scope="session", params=[p.stem for p in SHIPPED])
def shipped(request: pytest.FixtureRequest) -> Scenario:
    """Each scenario the game ships, loaded."""
    return load_scenario(default_scenario_path().parent / f"{request.param}.yaml")


@pytest.fixture(scope="session")
def big() -> Scenario:
    """The big-company scenario: colleagues own partnerships and analysis (locked duties)."""
    return load_scenario(default_scenario_path().parent / "big-company.yaml")


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    """A 1280×720 offscreen display, closed afterwards."""
    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    yield pygame.display.set_mode((1280, 720))
    pygame.quit()
    fonts.reset()


@pytest.fixture(autouse=True)
def base_layout() -> Iterator[None]:
    """Each test starts (and leaves) the layout at 1280×720: the scale is global."""
    layout.apply(layout.BASE)
    yield
    layout.apply(layout.BASE)
