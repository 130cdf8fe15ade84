"""The bundled font (Noto Sans CJK SC, subset; OFL) and cached text rendering.

Sizes, positions and widths are in layout units (see :mod:`opssim.render.pen`): text is
rendered at ``size × scale`` pixels, so it is sharp at any window size.
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

import pygame

from opssim.render import pen
from opssim.render.palette import Colour

ASSETS = Path(__file__).resolve().parent.parent / "assets"
FONT_PATH = ASSETS / "fonts" / "NotoSansSC-Subset.otf"


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> pygame.font.Font:
    """The bundled font at ``size`` *pixels* (pygame's default font if the file is missing)."""
    f = pygame.font.Font(FONT_PATH if FONT_PATH.is_file() else None, size)
    f.bold = bold
    return f


def pixels(size: float) -> int:
    """A font size in units as whole pixels at the current scale."""
    return max(6, round(size * pen.scale))


@lru_cache(maxsize=4096)
def render(text: str, size: int, colour: Colour, bold: bool = False) -> pygame.Surface:
    """``text`` drawn antialiased at ``size`` pixels, cached (the same strings recur)."""
    return font(size, bold).render(text, True, colour)


def draw(surface: pygame.Surface, text: str, pos: tuple[float, float], size: int = 14,
         colour: Colour = (232, 236, 242), *, bold: bool = False,
         anchor: str = "topleft") -> pygame.Rect:
    """Draw ``text`` with its ``anchor`` point (a pygame.Rect attribute) at ``pos`` (units);
    returns where it went, in units."""
    px = pixels(size)
    img = render(text, px, colour, bold)
    rect = img.get_rect(**{anchor: pen.pt(pos)})
    surface.blit(img, rect)
    if _traced is not None:
        _traced.append((text, rect))
        # The em box: where the glyphs are (the line box adds the font's generous leading).
        top = rect.y + font(px, bold).get_ascent() - round(0.9 * px)
        _traced.ink.append(pygame.Rect(rect.x, top, rect.w, round(1.05 * px)))
    return pen.to_units(rect)


class Trace(list[tuple[str, pygame.Rect]]):
    """What was drawn while :func:`tracing`, in window pixels: ``(text, rect)`` of each text
    (its line box), in :attr:`ink` each text's em box (where its glyphs are), and in
    :attr:`boxes` ``(name, rect, n)`` of each panel drawn, ``n`` the texts drawn before it
    (a panel covers what was drawn before it, never what comes after)."""

    def __init__(self) -> None:
        super().__init__()
        self.ink: list[pygame.Rect] = []
        self.boxes: list[tuple[str, pygame.Rect, int]] = []


#: While :func:`tracing`, every text drawn and its rectangle (the layout tests read them).
_traced: Trace | None = None


@contextmanager
def tracing() -> Iterator[Trace]:
    """Collect ``(text, rect)`` of everything :func:`draw` draws inside the ``with`` (and the
    boxes :func:`box` names)."""
    global _traced
    outer, _traced = _traced, Trace()
    try:
        yield _traced
    finally:
        _traced = outer


def box(name: str, rect: pygame.Rect) -> None:
    """Note a box (in units) that texts are drawn in, while tracing."""
    if _traced is not None:
        _traced.boxes.append((name, pen.to_px(rect), len(_traced)))


def width(text: str, size: int, bold: bool = False) -> int:
    """Width of ``text`` in units (rounded up)."""
    return math.ceil(font(pixels(size), bold).size(text)[0] / pen.scale)


def fit(text: str, size: int, max_width: float, bold: bool = False) -> str:
    """``text``, cut short with an ellipsis if it is wider than ``max_width`` units."""
    return _fit(text, pixels(size), math.floor(max_width * pen.scale), bold)


@lru_cache(maxsize=2048)
def _fit(text: str, size: int, max_width: int, bold: bool) -> str:
    """:func:`fit` in pixels."""

    def width(t: str, size: int, bold: bool) -> int:
        return font(size, bold).size(t)[0]

    # No glyph is narrower than a fifth of the size: a long label (up to 2,000 characters) is
    # cut to what could fit before measuring, so fitting it costs what a short one does.
    limit = max_width // max(1, size // 5) + 2
    if len(text) > limit and width(text[:limit], size, bold) > max_width:
        text = text[:limit]
    elif width(text, size, bold) <= max_width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:  # the longest prefix that fits with the ellipsis
        mid = (lo + hi + 1) // 2
        if width(text[:mid].rstrip() + "…", size, bold) <= max_width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "…"


def wrap(text: str, size: int, max_width: float, bold: bool = False) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` units: at spaces, or between
    hanzi (a word longer than a line is cut with an ellipsis)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        trial = line + token
        if line and width(trial.rstrip(), size, bold) > max_width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = trial
    if line.strip():
        lines.append(line.rstrip())
    return [fit(x, size, max_width, bold) for x in lines]


def _tokens(text: str) -> list[str]:
    """Words (with their trailing space) and single CJK characters."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ord(ch) >= 0x2E80:  # CJK: a break is allowed around each character
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        else:
            word += ch
            if ch == " ":
                tokens.append(word)
                word = ""
    if word:
        tokens.append(word)
    return tokens


def reset() -> None:
    """Forget cached fonts and text (they die with ``pygame.quit()``)."""
    font.cache_clear()
    render.cache_clear()
    _fit.cache_clear()


def rescale() -> None:
    """The scale changed: drop the rendered texts (the fonts of other sizes stay cached)."""
    render.cache_clear()
