"""Colours and the screen layout. Colour is never the only signal: views pair it with text
or shape (✓/▲/▼ marks, hatching for overtime, crosses for dropped users)."""

from typing import Final

import pygame

Colour = tuple[int, int, int]
Rect = tuple[int, int, int, int]

#: The layout's size in units (see :mod:`opssim.render.layout`, which updates it in place).
SIZE: Final[list[int]] = [1280, 720]

BG: Final[Colour] = (18, 22, 30)
PANEL: Final[Colour] = (29, 35, 47)
PANEL_EDGE: Final[Colour] = (52, 61, 79)
TEXT: Final[Colour] = (232, 236, 242)
DIM: Final[Colour] = (150, 160, 178)
FAINT: Final[Colour] = (88, 98, 116)
ACCENT: Final[Colour] = (88, 166, 255)
GOOD: Final[Colour] = (62, 207, 142)
WARN: Final[Colour] = (245, 170, 50)
BAD: Final[Colour] = (255, 96, 96)
TRACK: Final[Colour] = (44, 52, 68)
DOT: Final[Colour] = (150, 205, 255)
DROP: Final[Colour] = (255, 120, 110)
SHADE: Final = (8, 10, 14, 170)

#: Fill of the funnel's stage bands, top to bottom (cycled when there are more stages).
STAGE_FILLS: Final[tuple[Colour, ...]] = (
    (38, 70, 112), (36, 84, 116), (34, 96, 112), (34, 104, 100), (38, 108, 84),
    (48, 108, 70), (60, 104, 60), (74, 100, 54),
)

# The run's regions in units, at 1280×720; :func:`opssim.render.layout.apply` moves them in
# place for other window shapes.
TOP_BAR: Final = pygame.Rect(0, 0, 1280, 56)
FUNNEL: Final = pygame.Rect(16, 64, 860, 500)
TICKER: Final = pygame.Rect(16, 572, 860, 140)
SIDE: Final = pygame.Rect(888, 64, 376, 648)
