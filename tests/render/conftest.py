"""Render tests run offscreen: no window, no audio, no pygame banner."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

from collections.abc import Iterator

import pygame
import pytest

from opssim.render import fonts


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    """A 1280×720 offscreen display, closed afterwards."""
    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    yield pygame.display.set_mode((1280, 720))
    pygame.quit()
    fonts.reset()
