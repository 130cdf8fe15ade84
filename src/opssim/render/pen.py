"""Drawing at the window's own pixel size: every view lays out in *units* (a 1280×720 window
is 1280×720 units; a larger one has more pixels per unit, a wider or taller one more units),
and these helpers draw shapes in units onto the window's pixels, so nothing is scaled after
drawing and every edge and letter is sharp.

:data:`scale` (pixels per unit) is set by :func:`opssim.render.layout.apply` when the window
opens or is resized; the text side is :mod:`opssim.render.fonts`.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import pygame

#: Window pixels per layout unit.
scale: float = 1.0

Point = tuple[float, float]
RectLike = pygame.Rect | tuple[float, float, float, float] | Sequence[float]


def px(v: float) -> int:
    """A length in units as whole pixels."""
    return round(v * scale)


def pt(p: Sequence[float]) -> tuple[int, int]:
    """A point in units as pixels."""
    return round(p[0] * scale), round(p[1] * scale)


def to_px(r: RectLike) -> pygame.Rect:
    """A rectangle in units as pixels (edges rounded, so neighbours stay neighbours)."""
    x, y, w, h = pygame.Rect(r) if not isinstance(r, pygame.Rect) else r
    left, top = round(x * scale), round(y * scale)
    return pygame.Rect(left, top, round((x + w) * scale) - left, round((y + h) * scale) - top)


def to_units(r: pygame.Rect) -> pygame.Rect:
    """A rectangle in pixels as units (for reading back where a widget is)."""
    return pygame.Rect(round(r.x / scale), round(r.y / scale), round(r.w / scale),
                       round(r.h / scale))


def _width(width: int) -> int:
    return 0 if width <= 0 else max(1, round(width * scale))


def rect(surface: pygame.Surface, colour: object, r: RectLike, width: int = 0,
         border_radius: int = 0) -> pygame.Rect:
    """``pygame.draw.rect`` in units."""
    return pygame.draw.rect(surface, colour, to_px(r), _width(width),
                            border_radius=px(border_radius) if border_radius else 0)


def line(surface: pygame.Surface, colour: object, start: Sequence[float], end: Sequence[float],
         width: int = 1) -> pygame.Rect:
    """``pygame.draw.line`` in units."""
    return pygame.draw.line(surface, colour, pt(start), pt(end), _width(width))


def lines(surface: pygame.Surface, colour: object, closed: bool,
          points: Sequence[Sequence[float]], width: int = 1) -> pygame.Rect:
    """``pygame.draw.lines`` in units."""
    return pygame.draw.lines(surface, colour, closed, [pt(p) for p in points], _width(width))


def polygon(surface: pygame.Surface, colour: object, points: Sequence[Sequence[float]],
            width: int = 0) -> pygame.Rect:
    """``pygame.draw.polygon`` in units."""
    return pygame.draw.polygon(surface, colour, [pt(p) for p in points], _width(width))


def circle(surface: pygame.Surface, colour: object, center: Sequence[float], radius: float,
           width: int = 0) -> pygame.Rect:
    """``pygame.draw.circle`` in units."""
    return pygame.draw.circle(surface, colour, pt(center), max(1, px(radius)), _width(width))


def arc(surface: pygame.Surface, colour: object, r: RectLike, start: float, stop: float,
        width: int = 1) -> pygame.Rect:
    """``pygame.draw.arc`` in units."""
    return pygame.draw.arc(surface, colour, to_px(r), start, stop, _width(width))


def shade(surface: pygame.Surface, r: RectLike, rgba: tuple[int, int, int, int]) -> None:
    """Darken ``r`` with a translucent colour (behind a modal panel or popup)."""
    box = to_px(r)
    layer = pygame.Surface(box.size, pygame.SRCALPHA)
    layer.fill(rgba)
    surface.blit(layer, box.topleft)


@contextmanager
def clip(surface: pygame.Surface, r: RectLike) -> Iterator[None]:
    """Draw only inside ``r`` (in units) for the duration of the ``with``."""
    old = surface.get_clip()
    box = to_px(r)
    surface.set_clip(box.clip(old) if old else box)
    try:
        yield
    finally:
        surface.set_clip(old)
