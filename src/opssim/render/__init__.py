"""The window layer (pygame-ce + pygame_gui): reads the engine, never writes it.

Only ``opssim play`` imports this package; the headless packages never import pygame.
"""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from opssim.render.app import App
from opssim.render.game import Game
from opssim.render.window import play

__all__ = ["App", "Game", "play"]
