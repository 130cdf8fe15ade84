"""Render tests run offscreen: no window, no audio, no pygame banner."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

from collections.abc import Iterator  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from opssim.render import fonts  # noqa: E402


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    """A 1280×720 offscreen display, closed afterwards."""
    pygame.display.init()
    pygame.font.init()
    fonts.reset()
    yield pygame.display.set_mode((1280, 720))
    pygame.quit()
    fonts.reset()
